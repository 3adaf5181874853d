/* routerd as a process: the router in the daemon shell, and its commands. */
#ifndef HOPLAB_ROUTER_CMD_H
#define HOPLAB_ROUTER_CMD_H

#include "ctl.h"
#include "daemon.h"
#include "router.h"

struct routerd {
	struct daemon d; /* first: the shell hands the daemon to callbacks */
	struct router r;
};

extern const struct ctl_cmd router_cmds[];
extern const size_t router_ncmds;
extern const struct daemon_spec routerd_spec;

#endif
