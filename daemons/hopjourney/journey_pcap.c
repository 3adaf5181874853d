/* Rows from a capture on a Linux node's interface. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "frame.h"
#include "ipv4.h"
#include "journey_pcap.h"

#define WHERE_MAX 320

static json_t *
mac_json(const uint8_t *mac)
{
	char buf[ETHER_ADDR_STRLEN];

	return json_string(ether_ntoa_buf(mac, buf));
}

static json_t *
ip_json(const struct frame_desc *d, uint32_t addr)
{
	char buf[IPV4_ADDR_STRLEN];

	return d->has_ip ? json_string(ipv4_ntoa(addr, buf)) : json_null();
}

/* The row's fields for the frame's side: as it left or as it arrived. */
static void
frame_side(json_t *o, const char *side, const struct frame_desc *d)
{
	char key[16];

	snprintf(key, sizeof(key), "%s_src_mac", side);
	json_object_set_new(o, key, mac_json(d->src_mac));
	snprintf(key, sizeof(key), "%s_dst_mac", side);
	json_object_set_new(o, key, mac_json(d->dst_mac));
	snprintf(key, sizeof(key), "%s_ttl", side);
	json_object_set_new(o, key,
			    d->ttl >= 0 ? json_integer(d->ttl) : json_null());
}

/* What the kernel did with a frame, as far as its capture tells. */
static const char *
frame_decision(const struct frame_desc *d, const char *mac, bool sent)
{
	char dst[ETHER_ADDR_STRLEN];

	if (sent)
		return JOURNEY_DECISION_SENT;
	if (ether_is_multicast(d->dst_mac) ||
	    strcmp(ether_ntoa_buf(d->dst_mac, dst), mac) == 0)
		return JOURNEY_DECISION_RECEIVED;
	return JOURNEY_DECISION_OTHER;
}

int
journey_add_frame(struct journey *j, const char *node, const char *ifname,
		  const char *mac, unsigned seq, double time,
		  const uint8_t *frame, size_t len)
{
	char summary[FRAME_SUMMARY_MAX], key[FRAME_KEY_STRLEN];
	char where[WHERE_MAX], src[ETHER_ADDR_STRLEN];
	struct frame_desc d;
	bool sent;
	json_t *o;
	int rc;

	frame_describe(frame, len, &d, summary, sizeof(summary));
	frame_key_str(d.key, key);
	sent = strcmp(ether_ntoa_buf(d.src_mac, src), mac) == 0;
	o = json_pack("{sI s f s s s s s s s s s s s o s o s s}", "seq",
		      (json_int_t)seq, "time", time, "node", node, "key", key,
		      "summary", summary, "proto", d.proto, "flags", d.flags,
		      "src_ip", ip_json(&d, d.src_ip), "dst_ip",
		      ip_json(&d, d.dst_ip), "decision",
		      frame_decision(&d, mac, sent));
	if (!o)
		return journey_fail(j, "out of memory");
	json_object_set_new(o, "in", sent ? json_null() : json_string(ifname));
	json_object_set_new(o, "out", sent ? json_string(ifname) : json_null());
	frame_side(o, sent ? "out" : "in", &d);
	snprintf(where, sizeof(where), "%s:%s frame %u", node, ifname, seq);
	rc = journey_add_row(j, o, where);
	json_decref(o);
	return rc;
}

/* Reads every frame of an open capture; -1 with j->err. */
static int
pcap_rows(struct journey *j, pcap_t *p, const char *node, const char *ifname,
	  const char *mac, const char *path)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned seq = 0;
	int rc;

	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		double t = (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e6;

		if (journey_add_frame(j, node, ifname, mac, ++seq, t, data,
				      h->caplen) < 0)
			return -1;
	}
	if (rc == PCAP_ERROR)
		journey_warnf(j, "%s: capture cut short after %u frames: %s",
			      path, seq, pcap_geterr(p));
	return 0;
}

int
journey_load_pcap(struct journey *j, const char *node, const char *ifname,
		  const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	const char *mac = journey_mac(j, node, ifname);
	pcap_t *p;
	int rc, link;

	if (!mac)
		return journey_fail(j,
				    "%s: the topology gives no MAC for %s:%s, "
				    "so sent and received cannot be told apart",
				    path, node, ifname);
	if (!(p = pcap_open_offline(path, errbuf)))
		return journey_fail(j, "%s: %s", path, errbuf);
	if ((link = pcap_datalink(p)) != DLT_EN10MB) {
		pcap_close(p);
		return journey_fail(
		    j, "%s: not an Ethernet capture (link type %d)", path,
		    link);
	}
	rc = pcap_rows(j, p, node, ifname, mac, path);
	pcap_close(p);
	return rc;
}
