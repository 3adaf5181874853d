/*
 * Fuzz target: routerd's whole receive path, from the Ethernet frame
 * through ARP, IPv4 validation, forwarding (TTL, route lookup, next-hop
 * resolution, fragmentation), ICMP errors, and local delivery with
 * reassembly, on a router with 10.0.1.1/24 on eth0, 10.0.2.1/24 on eth1
 * (MTU 576) and 10.3.0.0/16 via 10.0.2.2.
 *
 * The input is a sequence of frames, each a control byte, a 2-byte length
 * and the bytes. The control byte's bit 0 is the port the frame comes in
 * on, bits 1-3 the repairs made to it (fuzz_pkt.h: lengths and checksums),
 * bits 4-7 the seconds that pass after it, so that ARP and reassembly
 * time out. Fifteen seconds also toggle tracing before the frame is
 * handed in: on (filtered when it comes in on port 1), or off.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_pkt.h"
#include "mem_port.h"
#include "router.h"
#include "trace.h"

static uint8_t frame[PORT_FRAME_MAX];

static bool
fuzz_rx(struct port *port, const uint8_t *f, size_t len, void *arg)
{
	return ipnode_ether_input(arg, port, f, len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct port_set ports = {0};
	struct mem_port *mp[2];
	struct router r;
	struct trace tr;
	char err[128];

	trace_init(&tr, "r1", FUZZ_TRACE_ROWS);
	ports.trace = &tr;
	if (router_init(&r, NULL, &ports) < 0)
		return 0;
	mp[0] = mem_port_new("eth0", 1);
	mp[1] = mem_port_new("eth1", 2);
	mp[1]->port.mtu = 576;
	for (int i = 0; i < 2; i++) {
		mp[i]->port.rx = fuzz_rx;
		mp[i]->port.rx_arg = &r.node;
		port_set_add(&ports, &mp[i]->port);
	}
	ipnode_addr_add(&r.node, &mp[0]->port, 0x0a000101u, 24, err,
			sizeof(err));
	ipnode_addr_add(&r.node, &mp[1]->port, 0x0a000201u, 24, err,
			sizeof(err));
	ipnode_route_add(&r.node, 0x0a030000u, 16, 0x0a000202u, NULL, err,
			 sizeof(err));
	while (size >= 3) {
		uint8_t ctl = data[0];
		struct mem_port *in = mp[ctl & 1];
		size_t len = (size_t)(data[1] << 8 | data[2]);

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		if (len > sizeof(frame))
			len = sizeof(frame);
		memcpy(frame, data, len);
		fuzz_fix_frame(frame, len, (ctl >> 1) & FUZZ_FIX_ALL);
		if (ctl >> 4 == 15)
			fuzz_trace_toggle(&tr, ctl & 1);
		/* As a ring hands it over: the router may rewrite it. */
		port_deliver_mut(&in->port, frame, len);
		/* What the router sent itself, and its answers. */
		ipnode_loopback_run(&r.node);
		ipnode_loopback_run(&r.node);
		data += len;
		size -= len;
		if (ctl >> 4) {
			/* Time moves on: the timers that fell due run. */
			r.node.clock += ctl >> 4;
			ip_reass_expire(&r.node.reass, r.node.clock);
			arp_cache_expire(&r.node.arp, r.node.clock);
		}
		mem_port_clear(mp[0]);
		mem_port_clear(mp[1]);
	}
	router_destroy(&r);
	json_decref(trace_json(&tr));
	trace_destroy(&tr);
	mem_port_free(mp[0]);
	mem_port_free(mp[1]);
	return 0;
}
