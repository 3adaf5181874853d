/*
 * IEEE 802.1Q on switchd's ports: which VLAN a received frame belongs to
 * (ingress classification), which ports carry each VLAN (membership), and
 * the tag a frame leaves each port with (egress tagging). No I/O.
 *
 * A switch starts VLAN-unaware, every port an access port of VLAN 1:
 * untagged frames are in VLAN 1, a tagged frame is learned in the VLAN of
 * its tag and leaves every port exactly as it came (as a switch with VLAN
 * filtering off does). The first port given a mode makes the switch
 * VLAN-aware: from then on each port keeps to its own VLANs.
 */
#ifndef HOPLAB_VLAN_H
#define HOPLAB_VLAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "port.h"

#define VLAN_MIN 1
#define VLAN_MAX 4094 /* 0 (priority tag) and 4095 are reserved */
#define VLAN_DEFAULT 1
#define VLAN_ID_MASK 0x0fff
#define VLAN_MEMBER_BYTES (4096 / 8)

enum vlan_mode { VLAN_MODE_ACCESS, VLAN_MODE_TRUNK };

struct vlan_port {
	enum vlan_mode mode;
	uint16_t pvid; /* access: its VLAN; trunk: the native VLAN, 0: none */
	uint8_t member[VLAN_MEMBER_BYTES]; /* a bit per VLAN the port carries */
};

/* Why classification refused a frame; VLAN_PASS when it did not. */
enum vlan_verdict {
	VLAN_PASS,
	VLAN_NOT_ALLOWED, /* tagged with a VLAN the port does not carry */
	VLAN_BAD_TAG,	  /* VLAN 4095, reserved */
	VLAN_NO_NATIVE,	  /* untagged on a trunk without a native VLAN */
};

/* What classification found in a received frame. */
struct vlan_frame {
	uint16_t vid;  /* the VLAN it belongs to */
	uint16_t tci;  /* the received tag (priority, DEI, VID), or 0 */
	bool tagged;   /* it came with an 802.1Q tag (a priority tag too) */
	uint8_t built; /* which egress forms are in the scratch buffers */
};

struct vlan_table {
	bool aware; /* false until a port was given a mode */
	struct vlan_port port[PORT_SET_MAX];
	uint8_t *scratch[2]; /* the frame untagged, and tagged */
	size_t scratch_len[2];
};

int vlan_table_init(struct vlan_table *t);
void vlan_table_destroy(struct vlan_table *t);

/* Makes port an access port of vid (VLAN_MIN..VLAN_MAX). */
void vlan_set_access(struct vlan_table *t, int port, uint16_t vid);
/* Makes port a trunk carrying the VLANs of member, untagged frames in
 * native (0: none, they are dropped); native is carried as well. */
void vlan_set_trunk(struct vlan_table *t, int port, const uint8_t *member,
		    uint16_t native);

/* Classifies a frame received on port (at least an Ethernet header long;
 * a tag must be whole): fills out, or says why the frame is refused. */
enum vlan_verdict vlan_classify(const struct vlan_table *t, int port,
				const uint8_t *frame, size_t len,
				struct vlan_frame *out);
/* Does port carry frames of VLAN vid? */
bool vlan_is_member(const struct vlan_table *t, int port, uint16_t vid);
/* Does a frame of VLAN vid leave port with a tag (unaware: as it came)? */
bool vlan_egress_tagged(const struct vlan_table *t, int port,
			const struct vlan_frame *vf);
/*
 * The frame as it must leave port: the received frame itself when its
 * form fits, else a copy with the tag added (keeping its priority bits),
 * rewritten or removed (padded to the minimum length). *out_len is its
 * length; NULL when a tagged copy would not fit the scratch buffers.
 */
const uint8_t *vlan_egress(struct vlan_table *t, int port,
			   struct vlan_frame *vf, const uint8_t *frame,
			   size_t len, size_t *out_len);

/* Parses a VLAN ID, VLAN_MIN..VLAN_MAX; 0 on success, -1 otherwise. */
int vlan_parse_id(const char *s, uint16_t *vid);
/* Parses "10,20,30-40" into member (cleared first); 0 or -1. */
int vlan_parse_list(const char *s, uint8_t *member);
/* Writes member as "10,20,30-40" into buf (truncated to size). */
void vlan_format_list(const uint8_t *member, char *buf, size_t size);
/* One row of `show vlan`: port mode vlans native. */
json_t *vlan_port_json(const struct vlan_table *t, const struct port *port);

#endif
