/*
 * Fuzz target: switchd's receive path. The input is a sequence of frames,
 * each a port byte, a 2-byte length and the bytes, fed to a three-port
 * bridge with a small MAC table, with time moving on between frames. The
 * port byte's bit 7 toggles tracing before the frame is handed in: on
 * (filtered when bit 6 is set too), or off. A port byte of 3 (modulo 4)
 * is no frame: with fewer than 4 bytes a link event on the port given by
 * the length (modulo 3); else a port's 802.1Q mode: the port (modulo 3),
 * the mode (bit 0: trunk), a 2-byte VLAN (access) or native VLAN (trunk,
 * 0: none), then the trunk's member bitmap (VLAN v is bit v % 8 of byte
 * v / 8).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_pkt.h"
#include "log.h"
#include "mem_port.h"
#include "switch.h"
#include "trace.h"
#include "vlan.h"

#define NPORTS 3

static double now;

/* Applies a VLAN mode record (at least 4 bytes) to the bridge. */
static void
fuzz_set_vlan(struct switch_state *sw, struct mem_port **mp, const uint8_t *rec,
	      size_t len)
{
	int port = rec[0] % NPORTS;
	unsigned vid = (unsigned)(rec[2] << 8 | rec[3]) % (VLAN_MAX + 1);
	uint8_t member[VLAN_MEMBER_BYTES] = {0};
	size_t n = len - 4 < sizeof(member) ? len - 4 : sizeof(member);

	if (rec[1] & 1) {
		memcpy(member, rec + 4, n);
		member[0] &= 0xfe;		       /* VLAN 0 is no VLAN */
		member[VLAN_MEMBER_BYTES - 1] &= 0x7f; /* nor is 4095 */
		vlan_set_trunk(&sw->vlans, port, member, (uint16_t)vid);
	} else {
		vlan_set_access(&sw->vlans, port, (uint16_t)(vid ? vid : 1));
	}
	switch_vlan_changed(sw, &mp[port]->port);
}

static bool
fuzz_rx(struct port *port, const uint8_t *frame, size_t len, void *arg)
{
	return switch_input(arg, port, frame, len, now);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct port_set ports = {0};
	struct switch_state sw;
	struct mem_port *mp[NPORTS];
	struct trace tr;

	log_set_level(LOG_LVL_WARN); /* not a line per link event */
	now = 0;
	trace_init(&tr, "sw1", FUZZ_TRACE_ROWS);
	ports.trace = &tr;
	if (switch_init(&sw, &ports, 16, 5) < 0)
		return 0;
	for (int i = 0; i < NPORTS; i++) {
		char name[8];

		snprintf(name, sizeof(name), "p%d", i + 1);
		mp[i] = mem_port_new(name, (uint8_t)i);
		mp[i]->port.rx = fuzz_rx;
		mp[i]->port.rx_arg = &sw;
		port_set_add(&ports, &mp[i]->port);
	}
	while (size >= 3) {
		int in = data[0] % (NPORTS + 1); /* 64 and 128 are multiples */
		size_t len = (size_t)(data[1] << 8 | data[2]);

		if (data[0] & 0x80)
			fuzz_trace_toggle(&tr, data[0] & 0x40);

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		if (in == NPORTS && len >= 4) {
			fuzz_set_vlan(&sw, mp, data, len);
		} else if (in == NPORTS) {
			/* A link event instead of a frame. */
			struct port *p = &mp[len % NPORTS]->port;

			p->up = !p->up;
			switch_port_changed(&sw, p, now);
		} else {
			port_deliver(&mp[in]->port, data, len);
		}
		for (int i = 0; i < NPORTS; i++)
			mem_port_clear(mp[i]);
		data += len;
		size -= len;
		now += 0.7;
		switch_age(&sw, now);
	}
	switch_destroy(&sw);
	json_decref(trace_json(&tr));
	trace_destroy(&tr);
	for (int i = 0; i < NPORTS; i++)
		mem_port_free(mp[i]);
	return 0;
}
