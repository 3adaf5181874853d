/* routerd as a process: its state and its control commands. */
#ifndef HOPLAB_ROUTER_CMD_H
#define HOPLAB_ROUTER_CMD_H

#include <ev.h>

#include "ctl.h"
#include "daemon.h"
#include "router.h"

struct routerd {
	struct ev_loop *loop;
	struct daemon_opts opts;
	struct router r;
	struct ctl_server *ctl;
	struct nl_monitor *nl;
};

extern const struct ctl_cmd router_cmds[];
extern const size_t router_ncmds;

#endif
