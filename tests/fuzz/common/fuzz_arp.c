/*
 * Fuzz target: ARP parsing, and the cache fed the input as a stream of
 * ARP packets and packets to send, with a clock that moves on.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arp.h"
#include "port.h"

static void
fz_send_frame(void *arg, struct port *port, const uint8_t *frame, size_t len)
{
	(void)arg;
	(void)port;
	if (len != ETHER_MIN_FRAME || frame[12] != 0x08 || frame[13] != 0x06)
		__builtin_trap();
}

static void
fz_xmit(void *arg, struct port *port, uint32_t ip, const uint8_t *mac,
	struct pbuf *pkt)
{
	(void)arg;
	(void)port;
	(void)ip;
	if (mac[0] & 1)
		__builtin_trap(); /* learned a group address */
	pbuf_free(pkt);
}

static void
fz_unreachable(void *arg, struct port *port, const struct pbuf *pkt)
{
	(void)arg;
	(void)port;
	(void)pkt;
}

static bool
fz_is_local(void *arg, struct port *port, uint32_t ip)
{
	(void)arg;
	(void)port;
	return ip == 0x0a000001;
}

static bool
fz_on_link(void *arg, struct port *port, uint32_t ip)
{
	(void)arg;
	(void)port;
	return (ip >> 8) == 0x0a0000;
}

static uint32_t
fz_source(void *arg, struct port *port, uint32_t peer)
{
	(void)arg;
	(void)port;
	(void)peer;
	return 0x0a000001;
}

static void
fz_schedule(void *arg, double when)
{
	(void)arg;
	(void)when;
}

static void
fz_discard(void *arg, struct port *port, const struct pbuf *pkt,
	   const char *why)
{
	(void)arg;
	(void)port;
	(void)pkt;
	if (!why)
		__builtin_trap();
}

static const struct arp_ops fz_ops = {
    .send_frame = fz_send_frame,
    .xmit = fz_xmit,
    .unreachable = fz_unreachable,
    .is_local = fz_is_local,
    .on_link = fz_on_link,
    .source_addr = fz_source,
    .schedule = fz_schedule,
    .discard = fz_discard,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arp_config cfg = ARP_DEFAULT_CONFIG;
	struct port port = {.name = "fz0", .mac = {2, 0, 0, 0, 0, 1}};
	struct arp_cache c;
	struct arp_msg m;
	double now = 0;

	arp_parse(data, size, &m);
	cfg.capacity = 8;
	cfg.queue_len = 2;
	if (arp_cache_init(&c, &cfg, &fz_ops, NULL) < 0)
		return 0;
	/* Each record: one control byte, then up to 28 bytes of ARP. */
	while (size > 0) {
		uint8_t ctl = data[0];
		size_t n = size - 1 < ARP_PKT_LEN ? size - 1 : ARP_PKT_LEN;

		if (ctl & 0x80)
			arp_cache_output(&c, &port, 0x0a000000 | (ctl & 0x0f),
					 pbuf_copy(data, size, 16), now);
		else
			arp_cache_input(&c, &port, data + 1, n, now);
		now += (ctl & 0x70) >> 3;
		arp_cache_expire(&c, now);
		data += 1 + n;
		size -= 1 + n;
	}
	if (c.count > cfg.capacity)
		__builtin_trap();
	arp_cache_destroy(&c);
	return 0;
}
