/*
 * Fuzz target: switchd's control commands through the real dispatcher and
 * handlers, each line of the input a request of its own client. Each input
 * gets a fresh switch with ports p1, p2 and p3 (in memory) that has
 * learned a station on each.
 */
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "fuzz_ctl.h"
#include "log.h"
#include "mem_port.h"
#include "switch_cmd.h"

#define NPORTS 3

static struct switchd sd;
static struct mem_port *ports[NPORTS];
static int fds;

static void
fuzz_setup(void)
{
	log_init("fuzz", LOG_LVL_ERR);
	sd.loop = EV_DEFAULT;
	sd.opts.name = "fuzz";
	snprintf(sd.opts.capture_dir, sizeof(sd.opts.capture_dir), "%s/capture",
		 fuzz_ctl_dir());
	ev_init(&sd.aging_timer, switchd_aging_cb);
	sd.aging_timer.data = &sd;
	fds = fuzz_ctl_open_fds();
}

static void
fuzz_switch_up(void)
{
	static const char *const names[NPORTS] = {"p1", "p2", "p3"};
	uint8_t frame[ETHER_MIN_FRAME] = {0};

	if (switch_init(&sd.sw, 64, 300) < 0)
		abort();
	for (int i = 0; i < NPORTS; i++) {
		ports[i] = mem_port_new(names[i], (uint8_t)(i + 1));
		switch_add_port(&sd.sw, &ports[i]->port);
	}
	/* A frame from 02:00:00:00:0i:01 on each port to the next. */
	frame[12] = 0x08;
	for (int i = 0; i < NPORTS; i++) {
		frame[0] = frame[6] = 2;
		frame[4] = (uint8_t)((i + 1) % NPORTS + 1);
		frame[5] = 1;
		frame[10] = (uint8_t)(i + 1);
		frame[11] = 1;
		switch_input(&sd.sw, &ports[i]->port, frame, sizeof(frame),
			     ev_now(sd.loop));
	}
}

static void
fuzz_switch_down(void)
{
	ev_timer_stop(sd.loop, &sd.aging_timer);
	switch_destroy(&sd.sw);
	for (int i = 0; i < NPORTS; i++)
		mem_port_free(ports[i]);
	if (fuzz_ctl_open_fds() > fds)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!sd.loop)
		fuzz_setup();
	fuzz_switch_up();
	fuzz_ctl_run(switch_cmds, switch_ncmds, &sd, data, size);
	fuzz_switch_down();
	return 0;
}
