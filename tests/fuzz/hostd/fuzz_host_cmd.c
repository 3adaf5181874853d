/*
 * Fuzz target: hostd's control commands through the real dispatcher and
 * handlers, each line of the input a request of its own client, streaming
 * ones (ping, traceroute, udp listen, socket udp) included. Each input
 * gets a fresh host with 10.0.1.10/24 on eth0, eth1 without an address,
 * a default route via 10.0.1.1 and that router in its ARP cache; what it
 * sends goes to memory.
 */
#include <stdlib.h>

#include "arp.h"
#include "capture.h"
#include "fuzz_ctl.h"
#include "hostd.h"
#include "log.h"
#include "mem_port.h"
#include "sock_pair.h"

static struct hostd hd;
static struct mem_port *ports[2];
static int fds;

static void
fuzz_setup(void)
{
	log_init("fuzz", LOG_LVL_ERR);
	hd.loop = EV_DEFAULT;
	hd.opts.name = "fuzz";
	snprintf(hd.opts.capture_dir, sizeof(hd.opts.capture_dir), "%s/capture",
		 fuzz_ctl_dir());
	fds = fuzz_ctl_open_fds();
}

static void
fuzz_host_up(void)
{
	static const uint8_t gw_mac[ETHER_ADDR_LEN] = {2, 0, 0, 0, 1, 1};
	struct route dflt = {.gateway = 0x0a000101u, .kind = ROUTE_static};
	uint8_t frame[ETHER_MIN_FRAME];
	char err[128];

	if (host_init(&hd.host, hd.loop) < 0)
		abort();
	for (int i = 0; i < 2; i++) {
		ports[i] = mem_port_new(i ? "eth1" : "eth0", (uint8_t)(i + 1));
		host_add_port(&hd.host, &ports[i]->port);
	}
	if (host_addr_add(&hd.host, &ports[0]->port, 0x0a00010au, 24, err,
			  sizeof(err)) < 0)
		abort();
	dflt.port = &ports[0]->port;
	route_add(hd.host.routes, &dflt);
	arp_build(frame, ether_broadcast, ARP_OP_REQUEST, gw_mac, 0x0a000101u,
		  NULL, 0x0a00010au);
	host_ether_input(&hd.host, &ports[0]->port, frame, sizeof(frame));
}

static void
fuzz_host_down(void)
{
	/* Every request was cancelled or ended with its client. */
	if (hd.host.pings)
		__builtin_trap();
	sock_pair_close_all(&hd.host);
	capture_stop_all(hd.host.ports, hd.host.nports);
	host_destroy(&hd.host);
	for (int i = 0; i < 2; i++) {
		port_close(&ports[i]->port);
		mem_port_free(ports[i]);
	}
	if (fuzz_ctl_open_fds() > fds)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!hd.loop)
		fuzz_setup();
	fuzz_host_up();
	fuzz_ctl_run(host_cmds, host_ncmds, &hd, data, size);
	fuzz_host_down();
	return 0;
}
