/* traceroute, a built-in application of hostd over a UDP socket. */
#ifndef HOPLAB_HOST_TRACE_H
#define HOPLAB_HOST_TRACE_H

#include "ctl.h"
#include "host.h"

#define HOST_TRACE_PORT 33434 /* the first probe's port, as traceroute */
#define HOST_TRACE_PROBES 3
#define HOST_TRACE_WAIT 2.0 /* seconds for each probe's answer */

/* `traceroute [-m MAXHOPS] [-w SEC] DEST` */
int host_trace_cmd(struct host *h, struct ctl_req *req, int argc, char **argv);

#endif
