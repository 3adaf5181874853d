/*
 * Fuzz target: BPDU parsing and the spanning tree fed with what it parses.
 * The input is a sequence of records, each a control byte, a 2-byte length
 * and the bytes of a frame to the group address, handed to a bridge of
 * four ports with STP on. The control byte's low two bits name the port;
 * bit 2 pulls that port's cable (or plugs it back in) instead; bits 4 to 7
 * are how many quarter seconds pass after the record. Every BPDU that
 * parses is built again and must parse to the same fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stp.h"

#define NPORTS 4

static void
fuzz_send(void *arg, int port, const uint8_t *frame, size_t len)
{
	struct stp_bpdu b;

	(void)arg;
	/* What the machine sends is always well-formed. */
	if (port < 0 || port >= NPORTS || len != STP_FRAME_MAX ||
	    stp_bpdu_parse(frame, len, &b) != STP_BPDU_ok)
		__builtin_trap();
}

static const struct stp_ops fuzz_ops = {.send = fuzz_send};

static void
fuzz_round_trip(const uint8_t *frame, size_t len)
{
	static const uint8_t src[ETHER_ADDR_LEN] = {2, 0, 0, 0, 0, 0x99};
	struct stp_bpdu a, b;
	uint8_t buf[STP_FRAME_MAX];

	if (stp_bpdu_parse(frame, len, &a) != STP_BPDU_ok)
		return;
	if (stp_bpdu_parse(buf, stp_bpdu_build(buf, src, &a), &b) !=
		STP_BPDU_ok ||
	    memcmp(&a, &b, sizeof(a)) != 0)
		__builtin_trap();
}

static void
fuzz_check(const struct stp *s)
{
	if (s->root_port >= NPORTS || s->root_port < -1)
		__builtin_trap();
	if (s->root_port < 0 && s->designated_root != s->bridge_id)
		__builtin_trap();
	/* A bridge never believes in a root worse than itself. */
	if (s->designated_root > s->bridge_id)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t mac[ETHER_ADDR_LEN] = {2, 0, 0, 0, 0, 0x50};
	static struct stp s;
	double now = 1000;

	stp_init(&s, &fuzz_ops, NULL);
	for (int i = 0; i < NPORTS; i++) {
		stp_port_add(&s, i);
		stp_port_link(&s, i, true, now);
	}
	stp_set_mac(&s, mac, now);
	stp_set_timers(&s, 1, 6, 4, now);
	stp_enable(&s, true, now);
	while (size >= 3) {
		uint8_t ctl = data[0];
		size_t len = (size_t)(data[1] << 8 | data[2]);
		int port = ctl & 3;

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		if (ctl & 4) {
			stp_port_link(&s, port, !s.port[port].enabled, now);
		} else {
			fuzz_round_trip(data, len);
			stp_input(&s, port, data, len, now);
		}
		fuzz_check(&s);
		data += len;
		size -= len;
		now += (ctl >> 4) * 0.25;
		if (stp_next_deadline(&s) && stp_next_deadline(&s) <= now)
			stp_tick(&s, now);
		fuzz_check(&s);
	}
	return 0;
}
