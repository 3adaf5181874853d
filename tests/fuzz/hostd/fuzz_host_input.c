/*
 * Fuzz target: hostd's whole receive path, from the Ethernet frame through
 * ARP, IPv4 validation and reassembly, ICMP (echo, errors to the socket
 * they concern), UDP to a socket and TCP to a listener. The host has
 * 10.0.0.1/24 on eth0, 10.0.1.1/24 on eth1, a default route via
 * 10.0.0.254, UDP sockets on port 7 (any address) and 5000 (connected to
 * 10.0.0.2:53), and a TCP listener on port 80 (any address) whose
 * connections nobody accepts.
 *
 * The input is a sequence of frames, each a control byte, a 2-byte length
 * and the bytes. The control byte's bit 0 is the port the frame comes in
 * on, bits 1-3 the repairs made to it (fuzz_pkt.h: lengths and checksums),
 * bits 4-7 the seconds that pass after it, so that ARP, reassembly and
 * TCP's timers run out. Fifteen seconds also toggle tracing before the
 * frame is handed in: on (filtered when it comes in on port 1), or off.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_pkt.h"
#include "host.h"
#include "mem_port.h"
#include "tcp.h"
#include "trace.h"
#include "udp.h"

static uint8_t frame[PORT_FRAME_MAX];

static void
fuzz_recv(struct sock *s, const struct sock_dgram *d)
{
	if (d->len > UDP_PAYLOAD_MAX || (d->len && !d->data) ||
	    s->proto != IPV4_PROTO_UDP)
		__builtin_trap();
}

static void
fuzz_error(struct sock *s, const struct sock_error *e)
{
	if (!icmp_type_is_error(e->type) || s->proto != IPV4_PROTO_UDP)
		__builtin_trap();
}

static bool
fuzz_rx(struct port *port, const uint8_t *f, size_t len, void *arg)
{
	return ipnode_ether_input(arg, port, f, len);
}

static const struct sock_ops fuzz_ops = {.recv = fuzz_recv,
					 .error = fuzz_error};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct host h;
	struct port_set ports = {0};
	struct sock any = {.ops = &fuzz_ops}, conn = {.ops = &fuzz_ops};
	struct mem_port *mp[2];
	struct tcp_conn *listener;
	struct trace tr;
	char err[128];

	trace_init(&tr, "hB", FUZZ_TRACE_ROWS);
	ports.trace = &tr;
	if (host_init(&h, NULL, &ports) < 0)
		return 0;
	mp[0] = mem_port_new("eth0", 1);
	mp[1] = mem_port_new("eth1", 2);
	for (int i = 0; i < 2; i++) {
		mp[i]->port.rx = fuzz_rx;
		mp[i]->port.rx_arg = &h.node;
		port_set_add(&ports, &mp[i]->port);
	}
	ipnode_addr_add(&h.node, &mp[0]->port, 0x0a000001u, 24, err,
			sizeof(err));
	ipnode_addr_add(&h.node, &mp[1]->port, 0x0a000101u, 24, err,
			sizeof(err));
	ipnode_route_add(&h.node, 0, 0, 0x0a0000feu, NULL, err, sizeof(err));
	udp_open(&h, &any, 0, 7);
	udp_open(&h, &conn, 0, 5000);
	udp_connect(&h, &conn, 0x0a000002u, 53);
	listener = tcp_listen(&h.tcp, 0, 80, 4, NULL, NULL);
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
		port_deliver(&in->port, frame, len);
		ipnode_loopback_run(&h.node);
		ipnode_loopback_run(&h.node);
		data += len;
		size -= len;
		if (ctl >> 4) {
			/* Time moves on: the timers that fell due run. */
			h.node.clock += ctl >> 4;
			ip_reass_expire(&h.node.reass, h.node.clock);
			arp_cache_expire(&h.node.arp, h.node.clock);
			tcp_timer_run(&h.tcp);
			ipnode_loopback_run(&h.node);
		}
		mem_port_clear(mp[0]);
		mem_port_clear(mp[1]);
	}
	if (listener)
		tcp_close(listener);
	udp_close(&h, &conn);
	udp_close(&h, &any);
	host_destroy(&h);
	json_decref(trace_json(&tr));
	trace_destroy(&tr);
	mem_port_free(mp[0]);
	mem_port_free(mp[1]);
	return 0;
}
