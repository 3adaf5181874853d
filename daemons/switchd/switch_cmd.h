/* switchd as a process: its state and its control commands. */
#ifndef HOPLAB_SWITCH_CMD_H
#define HOPLAB_SWITCH_CMD_H

#include <ev.h>

#include "ctl.h"
#include "daemon.h"
#include "switch.h"

struct switchd {
	struct ev_loop *loop;
	struct daemon_opts opts;
	struct switch_state sw;
	struct ctl_server *ctl;
	struct nl_monitor *nl;
	ev_timer aging_timer;
};

extern const struct ctl_cmd switch_cmds[];
extern const size_t switch_ncmds;

/* A frame received on one of the switch's ports. */
void switchd_rx(struct port *port, const uint8_t *frame, size_t len, void *arg);
/* A link event from rtnetlink: ports follow their link's state. */
void switchd_link(const struct nl_link *link, bool deleted, void *arg);
/* The periodic aging sweep. */
void switchd_aging_cb(struct ev_loop *loop, ev_timer *w, int revents);
/* Re-arms the aging sweep after `set aging`. */
void switchd_aging_changed(struct switchd *sd);

#endif
