/* hostd as a process: the host stack in the daemon shell. */
#ifndef HOPLAB_HOST_CMD_H
#define HOPLAB_HOST_CMD_H

#include "daemon.h"

extern const struct daemon_spec hostd_spec;

#endif
