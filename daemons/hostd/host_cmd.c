/* hostd's own commands (those of an IPv4 node are in common/), and the
 * daemon it is to the shell. */
#include "host_cmd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ctl_opt.h"
#include "host.h"
#include "host_trace.h"
#include "hostsock.h"
#include "ipnode_cmd.h"
#include "ping.h"
#include "sock_pair.h"

struct hostd {
	struct daemon d; /* first: the shell hands the daemon to callbacks */
	struct host host;
};

static int
cmd_show_stats(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct hostd *hd = arg;
	json_t *obj = json_object();

	(void)argc;
	(void)argv;
	port_set_stats_json(&hd->d.ports, obj);
	ipnode_stats_json(&hd->host.node, obj);
	stats_json_add(obj, hd->host.stats, host_stat_names, HOST_STAT_COUNT);
	ctl_reply(req, obj);
	return CTL_DONE;
}

static int
cmd_show_sockets(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct hostd *hd = arg;

	(void)argc;
	(void)argv;
	ctl_reply(req, sock_table_json(&hd->host.node.socks));
	return CTL_DONE;
}

static int
cmd_ping(struct ctl_req *req, int argc, char **argv, void *arg)
{
	return ping_cmd(req, argc, argv, &((struct hostd *)arg)->host.node);
}

static int
cmd_traceroute(struct ctl_req *req, int argc, char **argv, void *arg)
{
	return host_trace_cmd(&((struct hostd *)arg)->host, req, argc, argv);
}

/* A.B.C.D:PORT, in host order. */
static int
cmd_endpoint(const char *s, uint32_t *addr, uint16_t *port)
{
	struct sockaddr_in sin;

	if (hostsock_parse_addr(s, &sin) < 0)
		return -1;
	*addr = ntohl(sin.sin_addr.s_addr);
	*port = ntohs(sin.sin_port);
	return 0;
}

static int
cmd_socket_udp(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct host *h = &((struct hostd *)arg)->host;
	uint32_t laddr = 0, raddr = 0;
	uint16_t lport = 0, rport = 0;
	char local[32], ip[IPV4_ADDR_STRLEN], err[128];
	const char *bind_to = NULL, *peer = NULL;
	bool framed = false;
	const struct ctl_opt opts[] = {
	    {'b', CTL_OPT_STRING, 0, 0, &bind_to},
	    {'c', CTL_OPT_STRING, 0, 0, &peer},
	    {'f', CTL_OPT_FLAG, 0, 0, &framed},
	};
	int fd, n = ctl_opt_parse(argc, argv, opts, 3, err, sizeof(err));

	if (n < 0)
		return ctl_usage(req, "socket udp: %s", err);
	if (n > 0)
		return ctl_usage(req, "usage: socket udp [-b A.B.C.D:PORT] "
				      "[-c A.B.C.D:PORT] [-f]");
	if (bind_to && cmd_endpoint(bind_to, &laddr, &lport) < 0)
		return ctl_usage(req, "bad address '%s'", bind_to);
	if (peer &&
	    (cmd_endpoint(peer, &raddr, &rport) < 0 || !raddr || !rport))
		return ctl_usage(req, "bad peer '%s'", peer);
	fd = sock_pair_udp(h, laddr, &lport, raddr, rport, framed);
	if (fd < 0)
		return ctl_fail(req, "%s", strerror(errno));
	snprintf(local, sizeof(local), "%s:%u", ipv4_ntoa(laddr, ip), lport);
	if (ctl_reply_fd(req, json_pack("{s:s}", "local", local), fd) < 0) {
		close(fd); /* the pair sees its peer gone and closes */
		return ctl_fail(req, "cannot pass the descriptor");
	}
	close(fd);
	return CTL_DONE;
}

static const struct ctl_cmd host_cmds[] = {
    {"show stats", "", "stack counters and drop reasons", cmd_show_stats, 0},
    {"show sockets", "", "open sockets with their queues", cmd_show_sockets, 0},
    {"ping", "[-c N] [-i SEC] [-s SIZE] [-t TTL] [-W SEC] DEST",
     "send ICMP echo requests", cmd_ping, 1},
    {"traceroute", "[-m MAXHOPS] [-w SEC] DEST",
     "the routers on the way to DEST", cmd_traceroute, 1},
    {"socket udp", "[-b A.B.C.D:PORT] [-c A.B.C.D:PORT] [-f]",
     "a UDP socket as a descriptor (hostsock)", cmd_socket_udp, 1},
    /* These run in hopctl, over a hostsock descriptor (socket udp). */
    {"udp send", "DEST PORT [MESSAGE...]",
     "send one datagram (stdin when no message)", NULL, 1},
    {"udp listen", "PORT [-c N]", "print the datagrams that arrive", NULL, 1},
};

static const size_t host_ncmds = sizeof(host_cmds) / sizeof(host_cmds[0]);

static int
hostd_init(struct daemon *d)
{
	struct hostd *hd = (struct hostd *)d;

	d->ipnode = &hd->host.node;
	return host_init(&hd->host, d->loop, &d->ports);
}

static void
hostd_stop(struct daemon *d)
{
	host_destroy(&((struct hostd *)d)->host);
}

const struct daemon_spec hostd_spec = {
    .prog = "hostd",
    .about = "A host's IPv4 stack over the interfaces given.",
    .size = sizeof(struct hostd),
    .init = hostd_init,
    .cmds = host_cmds,
    .ncmds = &host_ncmds,
    .stop = hostd_stop,
};
