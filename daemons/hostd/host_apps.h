/* The built-in applications that run as streaming control commands. */
#ifndef HOPLAB_HOST_APPS_H
#define HOPLAB_HOST_APPS_H

#include "ctl.h"

struct host;

#define HOST_TRACE_PORT 33434 /* the first probe's port, as traceroute */
#define HOST_TRACE_PROBES 3
#define HOST_TRACE_WAIT 2.0 /* seconds for each probe's answer */

/* `traceroute [-m MAXHOPS] [-w SEC] DEST` */
int host_trace_cmd(struct host *h, struct ctl_req *req, int argc, char **argv);
/* `udp send DEST PORT MESSAGE...` */
int host_udp_send_cmd(struct host *h, struct ctl_req *req, int argc,
		      char **argv);
/* `udp listen PORT [-c N]` */
int host_udp_listen_cmd(struct host *h, struct ctl_req *req, int argc,
			char **argv);

#endif
