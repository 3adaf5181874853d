/* hostd's own commands (those of an IPv4 node are in common/), and the
 * daemon it is to the shell. */
#include "host_cmd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ctl_opt.h"
#include "host.h"
#include "http_server.h"
#include "traceroute.h"
#include "hostsock.h"
#include "ipnode_cmd.h"
#include "ping.h"
#include "sock_pair.h"
#include "tcp_pair.h"

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
	daemon_stats_json(&hd->d, obj);
	ipnode_stats_json(&hd->host.node, obj);
	stats_json_add(obj, hd->host.stats, host_stat_names, HOST_STAT_COUNT);
	trace_stats_json(&hd->d.trace, obj);
	ctl_reply(req, obj);
	return CTL_DONE;
}

static void
cmd_sock_describe(const struct sock *s, json_t *row)
{
	if (s->proto == IPV4_PROTO_TCP)
		tcp_sock_json(s, row);
}

/* Listening sockets first, then the rest by protocol, as ss lists. */
static int
cmd_sock_rank(const json_t *row)
{
	const char *proto = json_string_value(json_object_get(row, "proto"));
	const char *state = json_string_value(json_object_get(row, "state"));

	if (!strcmp(state, "LISTEN"))
		return 0;
	return !strcmp(proto, "tcp") ? 1 : !strcmp(proto, "udp") ? 2 : 3;
}

static int
cmd_sock_cmp(const void *a, const void *b)
{
	return cmd_sock_rank(*(json_t *const *)a) -
	       cmd_sock_rank(*(json_t *const *)b);
}

static int
cmd_show_sockets(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct hostd *hd = arg;
	json_t *rows, *sorted, **v;
	size_t n;

	(void)argc;
	(void)argv;
	rows = sock_table_json(&hd->host.node.socks, cmd_sock_describe);
	n = json_array_size(rows);
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v) {
		json_decref(rows);
		return ctl_fail(req, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(rows, i);
	/* Stable, so each group keeps the table's order. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && cmd_sock_cmp(&v[j - 1], &v[j]) > 0;
		     j--) {
			json_t *t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	sorted = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append(sorted, v[i]);
	free(v);
	json_decref(rows);
	ctl_reply(req, sorted);
	return CTL_DONE;
}

static int
cmd_show_tcp(struct ctl_req *req, int argc, char **argv, void *arg)
{
	(void)argc;
	(void)argv;
	ctl_reply(req, tcp_stats_json(&((struct hostd *)arg)->host.tcp));
	return CTL_DONE;
}

static int
cmd_set_tcp(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct tcp_stack *st = &((struct hostd *)arg)->host.tcp;
	double v;

	if (argc == 2 && !strcmp(argv[0], "congestion")) {
		if (!strcmp(argv[1], "reno"))
			st->cc = TCP_CC_RENO;
		else if (!strcmp(argv[1], "cubic"))
			st->cc = TCP_CC_CUBIC;
		else
			return ctl_usage(req, "congestion: reno or cubic");
		return CTL_DONE;
	}
	if (argc == 2 && !strcmp(argv[0], "msl")) {
		if (ctl_opt_number(argv[1], 0.1, 300, false, &v) < 0)
			return ctl_usage(req, "msl: 0.1 to 300 seconds");
		st->msl = v;
		return CTL_DONE;
	}
	return ctl_usage(req, "usage: set tcp congestion reno|cubic | "
			      "set tcp msl SECONDS");
}

static int
cmd_socket_tcp(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct host *h = &((struct hostd *)arg)->host;

	if (argc >= 1 && !strcmp(argv[0], "connect"))
		return tcp_pair_connect_cmd(h, req, argc - 1, argv + 1);
	if (argc >= 1 && !strcmp(argv[0], "listen"))
		return tcp_pair_listen_cmd(h, req, argc - 1, argv + 1);
	return ctl_usage(req, "usage: socket tcp connect ... | socket tcp "
			      "listen ...");
}

static int
cmd_http_serve(struct ctl_req *req, int argc, char **argv, void *arg)
{
	return http_serve_cmd(&((struct hostd *)arg)->host, req, argc, argv);
}

static int
cmd_http_stop(struct ctl_req *req, int argc, char **argv, void *arg)
{
	return http_stop_cmd(&((struct hostd *)arg)->host, req, argc, argv);
}

static int
cmd_show_http(struct ctl_req *req, int argc, char **argv, void *arg)
{
	return http_show_cmd(&((struct hostd *)arg)->host, req, argc, argv);
}

static int
cmd_ping(struct ctl_req *req, int argc, char **argv, void *arg)
{
	return ping_cmd(req, argc, argv, &((struct hostd *)arg)->host.node);
}

static int
cmd_traceroute(struct ctl_req *req, int argc, char **argv, void *arg)
{
	return traceroute_cmd(&((struct hostd *)arg)->host, req, argc, argv);
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
	bool framed = false, reuse = false;
	const struct ctl_opt opts[] = {
	    {'b', CTL_OPT_STRING, 0, 0, &bind_to},
	    {'c', CTL_OPT_STRING, 0, 0, &peer},
	    {'f', CTL_OPT_FLAG, 0, 0, &framed},
	    {'r', CTL_OPT_FLAG, 0, 0, &reuse},
	};
	int fd, n = ctl_opt_parse(argc, argv, opts, 4, err, sizeof(err));

	if (n < 0)
		return ctl_usage(req, "socket udp: %s", err);
	if (n > 0)
		return ctl_usage(req, "usage: socket udp [-b A.B.C.D:PORT] "
				      "[-c A.B.C.D:PORT] [-f] [-r]");
	if (bind_to && cmd_endpoint(bind_to, &laddr, &lport) < 0)
		return ctl_usage(req, "bad address '%s'", bind_to);
	if (peer &&
	    (cmd_endpoint(peer, &raddr, &rport) < 0 || !raddr || !rport))
		return ctl_usage(req, "bad peer '%s'", peer);
	fd = sock_pair_udp(h, laddr, &lport, raddr, rport, framed, reuse);
	if (fd < 0) {
		int e = errno;

		ctl_reply(req,
			  json_pack("{s:s}", "errno", hostsock_errno_name(e)));
		return ctl_fail(req, "%s", strerror(e));
	}
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
    {"socket udp", "[-b A.B.C.D:PORT] [-c A.B.C.D:PORT] [-f] [-r]",
     "a UDP socket as a descriptor (hostsock)", cmd_socket_udp, 1},
    {"socket tcp",
     "connect [-n] [-b A.B.C.D:PORT] [-w SEC] A.B.C.D:PORT | listen [-q N] "
     "A.B.C.D:PORT",
     "a TCP connection or listener as a descriptor (hostsock)", cmd_socket_tcp,
     1},
    {"show tcp", "", "TCP counters and settings", cmd_show_tcp, 0},
    {"set tcp", "congestion reno|cubic | msl SECONDS",
     "TCP's congestion control, or its MSL (TIME-WAIT is 2 MSL)", cmd_set_tcp,
     0},
    /* These run in hopctl, over hostsock descriptors (socket tcp). */
    {"tcp connect", "[-w SECONDS] DEST PORT",
     "like nc -N: stdin to the connection, the connection to stdout", NULL, 1},
    {"tcp listen", "PORT [-k] [-b BACKLOG]",
     "like nc -N -l: one connection (-k: one after another)", NULL, 1},
    {"http serve", "[-p PORT] DIR",
     "serve the files beneath DIR over HTTP/1.1 (port 80 by default)",
     cmd_http_serve, 0},
    {"http stop", "[PORT]", "stop the HTTP server on PORT, or every one",
     cmd_http_stop, 0},
    {"show http", "", "HTTP servers and their counters", cmd_show_http, 0},
    /* This runs in hopctl, over a hostsock descriptor (socket tcp). */
    {"http get", "[-o FILE] [-v] [-I] [-m SECONDS] URL",
     "fetch URL like curl: the body to stdout or FILE", NULL, 1},
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
