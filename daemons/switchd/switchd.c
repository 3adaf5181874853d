/* switchd's glue between its ports, link events, timers and the bridge. */
#include "switch_cmd.h"

#include "port_packet.h"

void
switchd_rx(struct port *port, const uint8_t *frame, size_t len, void *arg)
{
	struct switchd *sd = arg;

	switch_input(&sd->sw, port, frame, len, ev_now(sd->loop));
}

static void
switchd_port_changed(struct port *port, void *arg)
{
	struct switchd *sd = arg;

	switch_port_changed(&sd->sw, port);
}

void
switchd_link(const struct nl_link *link, bool deleted, void *arg)
{
	struct switchd *sd = arg;

	port_packet_link_apply(sd->sw.ports, sd->sw.nports, link, deleted,
			       switchd_port_changed, sd);
}

void
switchd_aging_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct switchd *sd = w->data;

	(void)revents;
	switch_age(&sd->sw, ev_now(loop));
}

void
switchd_aging_changed(struct switchd *sd)
{
	double aging = sd->sw.macs.aging;

	/* Sweep often enough that an entry goes within a second of expiry. */
	sd->aging_timer.repeat = aging > 0 && aging < 2 ? aging / 2 : 1.0;
	ev_timer_again(sd->loop, &sd->aging_timer);
	switch_age(&sd->sw, ev_now(sd->loop));
}
