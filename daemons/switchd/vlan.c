/* IEEE 802.1Q port modes, classification and tagging (802.1Q 6.9, 8.8). */
#include "vlan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ether.h"

#define VLAN_TAG_OFFSET (2 * ETHER_ADDR_LEN)
#define VLAN_PRIO_MASK 0xf000 /* priority (PCP) and drop eligible (DEI) */
#define VLAN_RESERVED 0x0fff
#define VLAN_SCRATCH_SIZE (PORT_FRAME_MAX + ETHER_VLAN_HDR_LEN)

enum { VLAN_FORM_UNTAGGED, VLAN_FORM_TAGGED };

static bool
vlan_bit(const uint8_t *member, uint16_t vid)
{
	return member[vid >> 3] & (1u << (vid & 7));
}

static void
vlan_bit_set(uint8_t *member, uint16_t vid)
{
	member[vid >> 3] |= (uint8_t)(1u << (vid & 7));
}

static uint16_t
vlan_read16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
vlan_port_access(struct vlan_port *p, uint16_t vid)
{
	memset(p->member, 0, sizeof(p->member));
	p->mode = VLAN_MODE_ACCESS;
	p->pvid = vid;
	vlan_bit_set(p->member, vid);
}

int
vlan_table_init(struct vlan_table *t)
{
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < PORT_SET_MAX; i++)
		vlan_port_access(&t->port[i], VLAN_DEFAULT);
	for (int i = 0; i < 2; i++) {
		t->scratch[i] = malloc(VLAN_SCRATCH_SIZE);
		if (!t->scratch[i]) {
			vlan_table_destroy(t);
			return -1;
		}
	}
	return 0;
}

void
vlan_table_destroy(struct vlan_table *t)
{
	for (int i = 0; i < 2; i++) {
		free(t->scratch[i]);
		t->scratch[i] = NULL;
	}
}

void
vlan_set_access(struct vlan_table *t, int port, uint16_t vid)
{
	vlan_port_access(&t->port[port], vid);
	t->aware = true;
}

void
vlan_set_trunk(struct vlan_table *t, int port, const uint8_t *member,
	       uint16_t native)
{
	struct vlan_port *p = &t->port[port];

	memcpy(p->member, member, sizeof(p->member));
	p->mode = VLAN_MODE_TRUNK;
	p->pvid = native;
	if (native)
		vlan_bit_set(p->member, native);
	t->aware = true;
}

enum vlan_verdict
vlan_classify(const struct vlan_table *t, int port, const uint8_t *frame,
	      size_t len, struct vlan_frame *out)
{
	const struct vlan_port *p = &t->port[port];
	uint16_t vid = 0;

	memset(out, 0, sizeof(*out));
	if (len < ETHER_HDR_LEN)
		return VLAN_BAD_TAG;
	if (vlan_read16(frame + VLAN_TAG_OFFSET) == ETHERTYPE_VLAN) {
		if (len < ETHER_HDR_LEN + ETHER_VLAN_HDR_LEN)
			return VLAN_BAD_TAG;
		out->tagged = true;
		out->tci = vlan_read16(frame + VLAN_TAG_OFFSET + 2);
		vid = out->tci & VLAN_ID_MASK;
	}
	if (!t->aware) {
		out->vid = vid ? vid : p->pvid;
		return VLAN_PASS;
	}
	if (vid == VLAN_RESERVED)
		return VLAN_BAD_TAG;
	/* Untagged and priority-tagged frames belong to the port's VLAN. */
	if (!vid) {
		if (!p->pvid)
			return VLAN_NO_NATIVE;
		vid = p->pvid;
	} else if (!vlan_bit(p->member, vid)) {
		return VLAN_NOT_ALLOWED;
	}
	out->vid = vid;
	return VLAN_PASS;
}

bool
vlan_is_member(const struct vlan_table *t, int port, uint16_t vid)
{
	return !t->aware || vlan_bit(t->port[port].member, vid);
}

bool
vlan_egress_tagged(const struct vlan_table *t, int port,
		   const struct vlan_frame *vf)
{
	const struct vlan_port *p = &t->port[port];

	if (!t->aware)
		return vf->tagged;
	return p->mode == VLAN_MODE_TRUNK && vf->vid != p->pvid;
}

/* The frame without its tag, padded to the minimum length, in scratch. */
static size_t
vlan_build_untagged(struct vlan_table *t, const uint8_t *frame, size_t len)
{
	uint8_t *buf = t->scratch[VLAN_FORM_UNTAGGED];
	size_t n = len - ETHER_VLAN_HDR_LEN;

	memcpy(buf, frame, VLAN_TAG_OFFSET);
	memcpy(buf + VLAN_TAG_OFFSET,
	       frame + VLAN_TAG_OFFSET + ETHER_VLAN_HDR_LEN,
	       n - VLAN_TAG_OFFSET);
	if (n < ETHER_MIN_FRAME) {
		memset(buf + n, 0, ETHER_MIN_FRAME - n);
		n = ETHER_MIN_FRAME;
	}
	return n;
}

/* The frame with the tag tci (in place of any it had), in scratch; 0 when
 * it would not fit. */
static size_t
vlan_build_tagged(struct vlan_table *t, const struct vlan_frame *vf,
		  uint16_t tci, const uint8_t *frame, size_t len)
{
	uint8_t *buf = t->scratch[VLAN_FORM_TAGGED];
	size_t rest = VLAN_TAG_OFFSET + (vf->tagged ? ETHER_VLAN_HDR_LEN : 0);

	if (len - rest >
	    VLAN_SCRATCH_SIZE - VLAN_TAG_OFFSET - ETHER_VLAN_HDR_LEN)
		return 0;
	memcpy(buf, frame, VLAN_TAG_OFFSET);
	buf[VLAN_TAG_OFFSET] = ETHERTYPE_VLAN >> 8;
	buf[VLAN_TAG_OFFSET + 1] = ETHERTYPE_VLAN & 0xff;
	buf[VLAN_TAG_OFFSET + 2] = (uint8_t)(tci >> 8);
	buf[VLAN_TAG_OFFSET + 3] = (uint8_t)(tci & 0xff);
	memcpy(buf + VLAN_TAG_OFFSET + ETHER_VLAN_HDR_LEN, frame + rest,
	       len - rest);
	return len - rest + VLAN_TAG_OFFSET + ETHER_VLAN_HDR_LEN;
}

const uint8_t *
vlan_egress(struct vlan_table *t, int port, struct vlan_frame *vf,
	    const uint8_t *frame, size_t len, size_t *out_len)
{
	bool tag = vlan_egress_tagged(t, port, vf);
	int form = tag ? VLAN_FORM_TAGGED : VLAN_FORM_UNTAGGED;
	uint16_t tci = (uint16_t)((vf->tci & VLAN_PRIO_MASK) | vf->vid);

	*out_len = len;
	if (!t->aware || (!vf->tagged && !tag) ||
	    (vf->tagged && tag && vf->tci == tci))
		return frame;
	if (!(vf->built & (1u << form))) {
		t->scratch_len[form] =
		    tag ? vlan_build_tagged(t, vf, tci, frame, len)
			: vlan_build_untagged(t, frame, len);
		vf->built |= (uint8_t)(1u << form);
	}
	*out_len = t->scratch_len[form];
	return *out_len ? t->scratch[form] : NULL;
}

/* Parses the VLAN ID in [s, end); 0 or -1. */
static int
vlan_parse_span(const char *s, const char *end, uint16_t *vid)
{
	unsigned v = 0;

	if (s == end || end - s > 4)
		return -1;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned)(*s - '0');
	}
	if (v < VLAN_MIN || v > VLAN_MAX)
		return -1;
	*vid = (uint16_t)v;
	return 0;
}

int
vlan_parse_id(const char *s, uint16_t *vid)
{
	return vlan_parse_span(s, s + strlen(s), vid);
}

int
vlan_parse_list(const char *s, uint8_t *member)
{
	memset(member, 0, VLAN_MEMBER_BYTES);
	for (;;) {
		const char *end = strchr(s, ','), *dash;
		uint16_t lo, hi;

		if (!end)
			end = s + strlen(s);
		dash = memchr(s, '-', (size_t)(end - s));
		if (vlan_parse_span(s, dash ? dash : end, &lo) < 0 ||
		    vlan_parse_span(dash ? dash + 1 : s, end, &hi) < 0 ||
		    lo > hi)
			return -1;
		for (unsigned v = lo; v <= hi; v++)
			vlan_bit_set(member, (uint16_t)v);
		if (!*end)
			return 0;
		s = end + 1;
	}
}

void
vlan_format_list(const uint8_t *member, char *buf, size_t size)
{
	size_t used = 0;

	if (size)
		buf[0] = '\0';
	for (unsigned v = VLAN_MIN; v <= VLAN_MAX && used < size; v++) {
		unsigned last = v;
		int n;

		if (!vlan_bit(member, (uint16_t)v))
			continue;
		while (last < VLAN_MAX &&
		       vlan_bit(member, (uint16_t)(last + 1)))
			last++;
		if (last >= v + 2)
			n = snprintf(buf + used, size - used, "%s%u-%u",
				     used ? "," : "", v, last);
		else
			n = snprintf(buf + used, size - used, "%s%u",
				     used ? "," : "", v);
		if (n < 0)
			return;
		used += (size_t)n;
		/* A pair is printed one by one: the loop sees its second. */
		v = last >= v + 2 ? last : v;
	}
}

json_t *
vlan_port_json(const struct vlan_table *t, const struct port *port)
{
	const struct vlan_port *p = &t->port[port->index];
	char vlans[16384];

	vlan_format_list(p->member, vlans, sizeof(vlans));
	return json_pack("{s:s, s:s, s:s, s:o}", "port", port->name, "mode",
			 p->mode == VLAN_MODE_ACCESS ? "access" : "trunk",
			 "vlans", vlans, "native",
			 p->mode == VLAN_MODE_TRUNK && p->pvid
			     ? json_integer(p->pvid)
			     : json_null());
}
