/*
 * Fuzz target: routerd's control commands through the real dispatcher and
 * handlers, each line of the input a request of its own client, ping
 * included. Each input gets a fresh router with 10.0.1.1/24 on eth0,
 * 10.0.2.1/24 on eth1, 10.3.0.0/16 via 10.0.2.2 and that neighbour in its
 * ARP cache; what it sends goes to memory.
 */
#include <stdlib.h>

#include "fuzz_ctl.h"
#include "log.h"
#include "ipnode.h"
#include "mem_port.h"
#include "router_cmd.h"

static struct daemon *d;
static struct mem_port *ports[2];
static int fds;

static bool
fuzz_rx(struct port *port, const uint8_t *frame, size_t len, void *arg)
{
	return ipnode_ether_input(arg, port, frame, len);
}

static void
fuzz_setup(void)
{
	log_init("fuzz", LOG_LVL_ERR);
	d = daemon_new(&routerd_spec);
	if (!d)
		abort();
	d->loop = EV_DEFAULT;
	d->opts.name = "fuzz";
	snprintf(d->opts.capture_dir, sizeof(d->opts.capture_dir), "%s/capture",
		 fuzz_ctl_dir());
	fds = fuzz_ctl_open_fds();
}

static void
fuzz_router_up(void)
{
	static const uint8_t nh_mac[ETHER_ADDR_LEN] = {2, 0, 0, 0, 2, 2};
	struct ipnode *n;
	uint8_t frame[ETHER_MIN_FRAME];
	char err[128];

	d->ports.n = 0;
	if (routerd_spec.init(d) < 0)
		abort();
	n = d->ipnode;
	for (int i = 0; i < 2; i++) {
		ports[i] = mem_port_new(i ? "eth1" : "eth0", (uint8_t)(i + 1));
		ports[i]->port.rx = fuzz_rx;
		ports[i]->port.rx_arg = n;
		port_set_add(&d->ports, &ports[i]->port);
	}
	if (ipnode_addr_add(n, &ports[0]->port, 0x0a000101u, 24, err,
			    sizeof(err)) < 0 ||
	    ipnode_addr_add(n, &ports[1]->port, 0x0a000201u, 24, err,
			    sizeof(err)) < 0 ||
	    ipnode_route_add(n, 0x0a030000u, 16, 0x0a000202u, NULL, err,
			     sizeof(err)) < 0)
		abort();
	arp_build(frame, ether_broadcast, ARP_OP_REQUEST, nh_mac, 0x0a000202u,
		  NULL, 0x0a000201u);
	port_deliver(&ports[1]->port, frame, sizeof(frame));
}

static void
fuzz_router_down(void)
{
	/* Every ping was cancelled or ended with its client: no socket. */
	if (d->ipnode->socks.list)
		__builtin_trap();
	routerd_spec.stop(d);
	port_set_close(&d->ports);
	for (int i = 0; i < 2; i++)
		mem_port_free(ports[i]);
	if (fuzz_ctl_open_fds() > fds)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_server *srv;
	char err[256];

	if (!d)
		fuzz_setup();
	fuzz_router_up();
	srv = daemon_ctl_open(d, fuzz_ctl_path(), err, sizeof(err));
	if (!srv)
		abort();
	fuzz_ctl_serve(srv, data, size);
	fuzz_router_down();
	return 0;
}
