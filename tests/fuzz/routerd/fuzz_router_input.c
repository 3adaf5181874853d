/*
 * Fuzz target: routerd's whole receive path, from the Ethernet frame
 * through ARP, IPv4 validation, forwarding (TTL, route lookup, next-hop
 * resolution, fragmentation), ICMP errors, and local delivery with
 * reassembly. The input is a sequence of frames, each a port byte, a 2-byte
 * length and the bytes, fed to a router on 10.0.1.1/24 and 10.0.2.1/24 with
 * a static route behind 10.0.2.2; time moves on between frames so that the
 * ARP and reassembly timers run.
 */
#include <stdint.h>
#include <stdlib.h>

#include "mem_port.h"
#include "router.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem_port *mp[2];
	struct router r;
	char err[128];

	if (router_init(&r, NULL) < 0)
		return 0;
	mp[0] = mem_port_new("eth0", 1);
	mp[1] = mem_port_new("eth1", 2);
	mp[1]->port.mtu = 576;
	router_add_port(&r, &mp[0]->port);
	router_add_port(&r, &mp[1]->port);
	router_addr_add(&r, &mp[0]->port, 0x0a000101u, 24, err, sizeof(err));
	router_addr_add(&r, &mp[1]->port, 0x0a000201u, 24, err, sizeof(err));
	router_route_add(&r, 0x0a030000u, 16, 0x0a000202u, NULL, err,
			 sizeof(err));
	while (size >= 3) {
		struct mem_port *in = mp[data[0] & 1];
		size_t len = (size_t)(data[1] << 8 | data[2]);

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		router_input(&r, &in->port, data, len, r.clock);
		mem_port_clear(mp[0]);
		mem_port_clear(mp[1]);
		data += len;
		size -= len;
		r.clock += 0.9;
		ip_reass_expire(&r.reass, r.clock);
		arp_cache_expire(&r.arp, r.clock);
	}
	router_destroy(&r);
	mem_port_free(mp[0]);
	mem_port_free(mp[1]);
	return 0;
}
