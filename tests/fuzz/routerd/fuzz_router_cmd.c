/*
 * Fuzz target: routerd's control commands (addresses, routes, the show
 * commands) through the real dispatcher and handlers, on a router with two
 * in-memory ports.
 */
#include <stdlib.h>

#include "fuzz_ctl.h"
#include "mem_port.h"
#include "router_cmd.h"

static struct routerd rd;
static struct mem_port *ports[2];

static void
fuzz_setup(void)
{
	char err[256];

	rd.loop = EV_DEFAULT;
	if (router_init(&rd.r, rd.loop) < 0)
		abort();
	for (int i = 0; i < 2; i++) {
		ports[i] = mem_port_new(i ? "eth1" : "eth0", (uint8_t)i);
		router_add_port(&rd.r, &ports[i]->port);
	}
	rd.opts.name = "fuzz";
	rd.ctl = fuzz_ctl_server(router_cmds, router_ncmds, &rd);
	if (ctl_exec(rd.ctl, "addr add eth0 10.0.1.1/24", 25, err,
		     sizeof(err)) < 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!rd.ctl)
		fuzz_setup();
	fuzz_ctl_lines(rd.ctl, data, size);
	for (int i = 0; i < 2; i++)
		mem_port_clear(ports[i]);
	return 0;
}
