/* hostsock's stream sockets on the server side: `socket tcp connect` and
 * `socket tcp listen`. */
#ifndef HOPLAB_TCP_PAIR_H
#define HOPLAB_TCP_PAIR_H

#include <stdint.h>

#include "ctl.h"
#include "host.h"

/* `socket tcp connect [-b A.B.C.D:PORT] [-w SECONDS] A.B.C.D:PORT` */
int tcp_pair_connect_cmd(struct host *h, struct ctl_req *req, int argc,
			 char **argv);
/* `socket tcp listen [-q BACKLOG] A.B.C.D:PORT` */
int tcp_pair_listen_cmd(struct host *h, struct ctl_req *req, int argc,
			char **argv);
/* Lets every pair and listener go (at shutdown). */
void tcp_pair_close_all(struct host *h);

#endif
