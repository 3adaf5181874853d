/* hostd as a process: the stack, its ports and its control commands. */
#ifndef HOPLAB_HOSTD_H
#define HOPLAB_HOSTD_H

#include <ev.h>

#include "ctl.h"
#include "daemon.h"
#include "host.h"

struct hostd {
	struct ev_loop *loop;
	struct daemon_opts opts;
	struct host host;
	struct ctl_server *ctl;
	struct nl_monitor *nl;
};

extern const struct ctl_cmd host_cmds[];
extern const size_t host_ncmds;

#endif
