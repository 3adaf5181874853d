/*
 * Fuzz target: hostd's whole receive path, from the Ethernet frame through
 * ARP, IPv4 validation and reassembly, ICMP and UDP to a socket. The input
 * is a sequence of frames, each a 2-byte length and the bytes, fed to a
 * host at 10.0.0.1/24 with a UDP socket on port 7; time moves on between
 * frames so that reassembly and ARP timers run.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "mem_port.h"
#include "udp.h"

static void
fuzz_recv(struct sock *s, uint32_t src, uint16_t sport, const uint8_t *data,
	  size_t len)
{
	(void)s;
	(void)src;
	(void)sport;
	(void)data;
	(void)len;
}

static const struct sock_ops fuzz_ops = {.recv = fuzz_recv};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct host h;
	struct sock s = {.ops = &fuzz_ops};
	struct mem_port *mp;
	char err[128];

	if (host_init(&h, NULL) < 0)
		return 0;
	mp = mem_port_new("eth0", 1);
	host_add_port(&h, &mp->port);
	host_addr_add(&h, &mp->port, 0x0a000001u, 24, err, sizeof(err));
	udp_open(&h, &s, 0, 7);
	while (size >= 2) {
		size_t len = (size_t)(data[0] << 8 | data[1]);

		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		host_ether_input(&h, &mp->port, data, len);
		mem_port_clear(mp);
		data += len;
		size -= len;
		h.now += 0.9;
		ip_reass_expire(&h.reass, h.now);
		arp_cache_expire(&h.arp, h.now);
	}
	udp_close(&h, &s);
	host_destroy(&h);
	mem_port_free(mp);
	return 0;
}
