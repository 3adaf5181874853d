/* switchd in the daemon shell: its options, ports, timers and the bridge. */
#include "switch_cmd.h"

#include <stdlib.h>

#include "mactable.h"

static const struct option switchd_longopts[] = {
    {"aging", required_argument, NULL, 'a'},
    {"max-macs", required_argument, NULL, 'm'},
    {NULL, 0, NULL, 0},
};

static int
switchd_option(struct daemon *d, int opt, const char *arg)
{
	struct switchd *sd = (struct switchd *)d;
	char *end;

	switch (opt) {
	case 'a':
		sd->aging = strtod(arg, &end);
		sd->aging_given = true;
		return *end || end == arg || sd->aging < 0 ? -1 : 0;
	case 'm':
		sd->max_macs = strtol(arg, &end, 10);
		return *end || end == arg || sd->max_macs < 1 ||
			       sd->max_macs > 1 << 24
			   ? -1
			   : 0;
	}
	return -1;
}

static void
switchd_aging_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct switchd *sd = w->data;

	(void)revents;
	switch_age(&sd->sw, ev_now(loop));
}

static void
switchd_stp_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct switchd *sd = w->data;

	(void)revents;
	stp_tick(&sd->sw.stp, ev_now(loop));
}

/* The spanning tree wants stp_tick() at `when` (0: never). */
static void
switchd_stp_schedule(void *arg, double when)
{
	struct switchd *sd = arg;

	ev_timer_stop(sd->d.loop, &sd->stp_timer);
	if (when <= 0)
		return;
	when -= ev_now(sd->d.loop);
	ev_timer_set(&sd->stp_timer, when > 0 ? when : 0, 0);
	ev_timer_start(sd->d.loop, &sd->stp_timer);
}

static int
switchd_init(struct daemon *d)
{
	struct switchd *sd = (struct switchd *)d;

	if (!sd->aging_given)
		sd->aging = MACTABLE_DEFAULT_AGING;
	if (!sd->max_macs)
		sd->max_macs = MACTABLE_DEFAULT_CAPACITY;
	if (switch_init(&sd->sw, &d->ports, (size_t)sd->max_macs, sd->aging) <
	    0)
		return -1;
	/* The aging timer exists before the config file may `set aging`. */
	ev_init(&sd->aging_timer, switchd_aging_cb);
	sd->aging_timer.data = sd;
	ev_init(&sd->stp_timer, switchd_stp_cb);
	sd->stp_timer.data = sd;
	sd->sw.stp_schedule = switchd_stp_schedule;
	sd->sw.stp_schedule_arg = sd;
	return 0;
}

static bool
switchd_rx(struct daemon *d, struct port *port, const uint8_t *frame,
	   size_t len)
{
	struct switchd *sd = (struct switchd *)d;

	return switch_input(&sd->sw, port, frame, len, daemon_now(d));
}

static void
switchd_port_changed(struct daemon *d, struct port *port)
{
	switch_port_changed(&((struct switchd *)d)->sw, port, daemon_now(d));
}

static void
switchd_start(struct daemon *d)
{
	switchd_aging_changed((struct switchd *)d);
}

static void
switchd_stop(struct daemon *d)
{
	struct switchd *sd = (struct switchd *)d;

	ev_timer_stop(d->loop, &sd->aging_timer);
	ev_timer_stop(d->loop, &sd->stp_timer);
	switch_destroy(&sd->sw);
}

void
switchd_aging_changed(struct switchd *sd)
{
	double aging = sd->sw.macs.aging;

	/* Sweep often enough that an entry goes within a second of expiry. */
	sd->aging_timer.repeat = aging > 0 && aging < 2 ? aging / 2 : 1.0;
	ev_timer_again(sd->d.loop, &sd->aging_timer);
	switch_age(&sd->sw, daemon_now(&sd->d));
}

const struct daemon_spec switchd_spec = {
    .prog = "switchd",
    .about = "A learning Ethernet switch over the interfaces given; every port "
	     "an 802.1Q access port of VLAN 1 until `set port` says otherwise, "
	     "and IEEE 802.1D\nspanning tree off until `set stp on` (in a "
	     "--config file or through hopctl;\n`hopctl NODE help` lists the "
	     "commands).",
    .size = sizeof(struct switchd),
    .shortopts = "a:m:",
    .longopts = switchd_longopts,
    .options_help =
	"  -a, --aging SECONDS    MAC entry aging time (default 300; 0: "
	"never)\n"
	"  -m, --max-macs N       MAC table size (default 65536)\n",
    .option = switchd_option,
    .promisc = true,
    .init = switchd_init,
    .rx = switchd_rx,
    .port_changed = switchd_port_changed,
    .cmds = switch_cmds,
    .ncmds = &switch_ncmds,
    .start = switchd_start,
    .stop = switchd_stop,
};
