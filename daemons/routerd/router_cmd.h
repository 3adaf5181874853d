/* routerd as a process: the router in the daemon shell. */
#ifndef HOPLAB_ROUTER_CMD_H
#define HOPLAB_ROUTER_CMD_H

#include "daemon.h"

extern const struct daemon_spec routerd_spec;

#endif
