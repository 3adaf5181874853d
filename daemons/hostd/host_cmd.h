/* hostd as a process: the host stack in the daemon shell, and its
 * commands. */
#ifndef HOPLAB_HOST_CMD_H
#define HOPLAB_HOST_CMD_H

#include "ctl.h"
#include "daemon.h"
#include "host.h"

struct hostd {
	struct daemon d; /* first: the shell hands the daemon to callbacks */
	struct host host;
};

extern const struct ctl_cmd host_cmds[];
extern const size_t host_ncmds;
extern const struct daemon_spec hostd_spec;

#endif
