/*
 * Fuzz target: switchd's control commands through the real dispatcher and
 * handlers, each line of the input a request of its own client. Each input
 * gets a fresh switch with ports p1, p2 and p3 (in memory) that has
 * learned a station on each.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_ctl.h"
#include "log.h"
#include "mactable.h"
#include "mem_port.h"
#include "switch_cmd.h"

#define NPORTS 3

static struct switchd sd;
static struct mem_port *ports[NPORTS];
static int fds;

static bool
fuzz_rx(struct port *port, const uint8_t *frame, size_t len, void *arg)
{
	return switch_input(arg, port, frame, len, ev_now(sd.d.loop));
}

static void
fuzz_setup(void)
{
	log_init("fuzz", LOG_LVL_ERR);
	sd.d.loop = EV_DEFAULT;
	sd.d.spec = &switchd_spec;
	sd.d.opts.name = "fuzz";
	snprintf(sd.d.opts.capture_dir, sizeof(sd.d.opts.capture_dir),
		 "%s/capture", fuzz_ctl_dir());
	sd.aging = 300;
	sd.max_macs = 64;
	fds = fuzz_ctl_open_fds();
}

static void
fuzz_switch_up(void)
{
	static const char *const names[NPORTS] = {"p1", "p2", "p3"};
	uint8_t frame[ETHER_MIN_FRAME] = {0};

	sd.d.ports.n = 0;
	if (switchd_spec.init(&sd.d) < 0)
		abort();
	for (int i = 0; i < NPORTS; i++) {
		ports[i] = mem_port_new(names[i], (uint8_t)(i + 1));
		ports[i]->port.rx = fuzz_rx;
		ports[i]->port.rx_arg = &sd.sw;
		port_set_add(&sd.d.ports, &ports[i]->port);
	}
	/* A frame from 02:00:00:00:0i:01 on each port to the next. */
	frame[12] = 0x08;
	for (int i = 0; i < NPORTS; i++) {
		frame[0] = frame[6] = 2;
		frame[4] = (uint8_t)((i + 1) % NPORTS + 1);
		frame[5] = 1;
		frame[10] = (uint8_t)(i + 1);
		frame[11] = 1;
		port_deliver(&ports[i]->port, frame, sizeof(frame));
	}
}

static void
fuzz_switch_down(void)
{
	switchd_spec.stop(&sd.d);
	port_set_close(&sd.d.ports);
	for (int i = 0; i < NPORTS; i++)
		mem_port_free(ports[i]);
	if (fuzz_ctl_open_fds() > fds)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_server *srv;
	char err[256];

	if (!sd.d.loop)
		fuzz_setup();
	fuzz_switch_up();
	srv = daemon_ctl_open(&sd.d, fuzz_ctl_path(), err, sizeof(err));
	if (!srv)
		abort();
	fuzz_ctl_serve(srv, data, size);
	fuzz_switch_down();
	return 0;
}
