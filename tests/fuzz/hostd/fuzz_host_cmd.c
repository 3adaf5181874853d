/*
 * Fuzz target: hostd's control commands (addresses, routes, the show
 * commands) through the real dispatcher and handlers, on a host with one
 * in-memory port.
 */
#include <stdlib.h>

#include "fuzz_ctl.h"
#include "hostd.h"
#include "mem_port.h"

static struct hostd hd;
static struct mem_port *port;

static void
fuzz_setup(void)
{
	char err[256];

	hd.loop = EV_DEFAULT;
	if (host_init(&hd.host, hd.loop) < 0)
		abort();
	port = mem_port_new("eth0", 1);
	host_add_port(&hd.host, &port->port);
	hd.opts.name = "fuzz";
	hd.ctl = fuzz_ctl_server(host_cmds, host_ncmds, &hd);
	if (ctl_exec(hd.ctl, "addr add eth0 10.0.1.10/24", 26, err,
		     sizeof(err)) < 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!hd.ctl)
		fuzz_setup();
	fuzz_ctl_lines(hd.ctl, data, size);
	mem_port_clear(port);
	return 0;
}
