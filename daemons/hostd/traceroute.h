/* traceroute, a built-in application of hostd over a UDP socket. */
#ifndef HOPLAB_TRACEROUTE_H
#define HOPLAB_TRACEROUTE_H

#include "ctl.h"
#include "host.h"

#define TRACEROUTE_PORT 33434 /* the first probe's port, as traceroute */
#define TRACEROUTE_PROBES 3
#define TRACEROUTE_WAIT 2.0 /* seconds for each probe's answer */

/* `traceroute [-m MAXHOPS] [-w SEC] DEST` */
int traceroute_cmd(struct host *h, struct ctl_req *req, int argc, char **argv);

#endif
