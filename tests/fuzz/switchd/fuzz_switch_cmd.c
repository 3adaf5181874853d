/*
 * Fuzz target: switchd's control commands. Each input line runs through the
 * real dispatcher and handlers of a switch with in-memory ports.
 */
#include <stdlib.h>

#include "fuzz_ctl.h"
#include "mem_port.h"
#include "switch_cmd.h"

static struct switchd sd;

static void
fuzz_setup(void)
{
	sd.loop = EV_DEFAULT;
	if (switch_init(&sd.sw, 64, 300) < 0)
		abort();
	for (int i = 0; i < 3; i++) {
		struct mem_port *mp = mem_port_new(i ? "p2" : "p1", (uint8_t)i);

		switch_add_port(&sd.sw, &mp->port);
	}
	sd.opts.name = "fuzz";
	sd.ctl = fuzz_ctl_server(switch_cmds, switch_ncmds, &sd);
	ev_init(&sd.aging_timer, switchd_aging_cb);
	sd.aging_timer.data = &sd;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!sd.ctl)
		fuzz_setup();
	fuzz_ctl_lines(sd.ctl, data, size);
	return 0;
}
