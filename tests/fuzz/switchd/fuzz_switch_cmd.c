/*
 * Fuzz target: switchd's control commands. Each input line runs through the
 * real dispatcher and handlers of a switch with in-memory ports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem_port.h"
#include "switch_cmd.h"

static struct switchd sd;

static void
fuzz_setup(void)
{
	static char path[64];
	char err[256];

	sd.loop = EV_DEFAULT;
	if (switch_init(&sd.sw, 64, 300) < 0)
		abort();
	for (int i = 0; i < 3; i++) {
		struct mem_port *mp = mem_port_new(i ? "p2" : "p1", (uint8_t)i);

		switch_add_port(&sd.sw, &mp->port);
	}
	sd.opts.name = "fuzz";
	snprintf(sd.opts.capture_dir, sizeof(sd.opts.capture_dir),
		 "/tmp/fuzz-switch-cmd-%d", (int)getpid());
	snprintf(path, sizeof(path), "/tmp/fuzz-switch-cmd-%d.sock",
		 (int)getpid());
	sd.ctl = ctl_server_open(sd.loop, path, switch_cmds, switch_ncmds, &sd,
				 err, sizeof(err));
	if (!sd.ctl)
		abort();
	ev_init(&sd.aging_timer, switchd_aging_cb);
	sd.aging_timer.data = &sd;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	char err[512];

	if (!sd.ctl)
		fuzz_setup();
	/* Captures would write files: leave them out of the fuzzed commands. */
	if (size >= 7 && memmem(data, size, "capture", 7))
		return 0;
	while (size > 0) {
		const char *nl = memchr(line, '\n', size);
		size_t len = nl ? (size_t)(nl - line) : size;

		ctl_exec(sd.ctl, line, len, err, sizeof(err));
		if (!nl)
			break;
		size -= len + 1;
		line = nl + 1;
	}
	return 0;
}
