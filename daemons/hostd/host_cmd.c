/* hostd's control commands: one table drives dispatch and help. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "host_apps.h"
#include "hostd.h"
#include "ip.h"
#include "ping.h"
#include "sock_pair.h"

static int
cmd_show_ports(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct hostd *hd = arg;

	(void)argc;
	(void)argv;
	ctl_reply(req, port_table_json(hd->host.ports, hd->host.nports));
	return CTL_DONE;
}

static int
cmd_show_stats(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct host *h = &((struct hostd *)arg)->host;
	json_t *obj;

	(void)argc;
	(void)argv;
	obj = stats_json(h->stats, host_stat_names, HOST_STAT_COUNT);
	stats_json_add(obj, h->arp.stats, arp_stat_names, ARP_STAT_COUNT);
	stats_json_add(obj, h->reass.stats, ip_reass_stat_names,
		       IP_REASS_STAT_COUNT);
	json_object_set_new(obj, "reass_pending",
			    json_integer((json_int_t)h->reass.count));
	json_object_set_new(obj, "arp_entries",
			    json_integer((json_int_t)h->arp.count));
	ctl_reply(req, obj);
	return CTL_DONE;
}

static int
cmd_show_ip(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct host *h = &((struct hostd *)arg)->host;
	json_t *rows = json_array();

	(void)argc;
	(void)argv;
	for (int i = 0; i < h->naddrs; i++) {
		char cidr[IPV4_CIDR_STRLEN], mac[ETHER_ADDR_STRLEN];

		json_array_append_new(
		    rows,
		    json_pack(
			"{s:s, s:s, s:s}", "port", h->addrs[i].port->name,
			"addr",
			ipv4_cidr_ntoa(h->addrs[i].addr, h->addrs[i].len, cidr),
			"mac", ether_ntoa_buf(h->addrs[i].port->mac, mac)));
	}
	ctl_reply(req, rows);
	return CTL_DONE;
}

struct cmd_arp_walk {
	json_t *rows;
	double now;
};

static void
cmd_arp_row(const struct arp_entry *e, void *arg)
{
	struct cmd_arp_walk *w = arg;

	json_array_append_new(w->rows, arp_entry_json(e, w->now));
}

static int
cmd_show_arp(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct host *h = &((struct hostd *)arg)->host;
	struct cmd_arp_walk w = {json_array(), host_now(h)};

	(void)argc;
	(void)argv;
	arp_cache_foreach(&h->arp, cmd_arp_row, &w);
	ctl_reply(req, w.rows);
	return CTL_DONE;
}

static int
cmd_route_row(const struct route *r, void *arg)
{
	char prefix[IPV4_CIDR_STRLEN], gw[IPV4_ADDR_STRLEN];

	json_array_append_new(
	    arg, json_pack("{s:s, s:s, s:s, s:s}", "prefix",
			   ipv4_cidr_ntoa(r->prefix, r->len, prefix), "via",
			   r->gateway ? ipv4_ntoa(r->gateway, gw) : "-", "port",
			   r->port->name, "kind", route_kind_names[r->kind]));
	return 0;
}

static int
cmd_show_route(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct host *h = &((struct hostd *)arg)->host;
	json_t *rows = json_array();

	(void)argc;
	(void)argv;
	route_walk(h->routes, cmd_route_row, rows);
	ctl_reply(req, rows);
	return CTL_DONE;
}

/* The connected route that reaches gw directly, or NULL. */
static const struct route *
cmd_route_onlink(const struct host *h, uint32_t gw)
{
	const struct route *r = route_lookup(h->routes, gw);

	return r && r->kind == ROUTE_connected ? r : NULL;
}

static int
cmd_route_add(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct host *h = &((struct hostd *)arg)->host;
	struct route r = {.kind = ROUTE_static};
	const struct route *via;

	if (argc != 3 || ipv4_cidr_aton(argv[0], &r.prefix, &r.len) < 0 ||
	    (strcmp(argv[1], "via") && strcmp(argv[1], "dev")))
		return ctl_usage(req, "usage: route add PREFIX via GATEWAY | "
				      "route add PREFIX dev PORT");
	r.prefix &= ipv4_mask(r.len);
	if (!strcmp(argv[1], "dev")) {
		r.port = host_port_by_name(h, argv[2]);
		if (!r.port)
			return ctl_fail(req, "no port '%s'", argv[2]);
	} else {
		if (ipv4_aton(argv[2], &r.gateway) < 0)
			return ctl_usage(req, "bad gateway '%s'", argv[2]);
		via = cmd_route_onlink(h, r.gateway);
		if (!via)
			return ctl_fail(req,
					"gateway %s is not on a connected "
					"subnet",
					argv[2]);
		r.port = via->port;
	}
	if (route_add(h->routes, &r) < 0)
		return ctl_fail(req, "%s: %s", argv[0],
				errno == EEXIST ? "route exists"
						: strerror(errno));
	return CTL_DONE;
}

static int
cmd_route_del(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct host *h = &((struct hostd *)arg)->host;
	const struct route *r;
	uint32_t prefix;
	unsigned len;

	if (argc != 1 || ipv4_cidr_aton(argv[0], &prefix, &len) < 0)
		return ctl_usage(req, "usage: route del PREFIX");
	prefix &= ipv4_mask(len);
	r = route_get(h->routes, prefix, len);
	if (!r)
		return ctl_fail(req, "no route %s", argv[0]);
	if (r->kind == ROUTE_connected)
		return ctl_fail(req, "%s is connected: delete the address",
				argv[0]);
	route_del(h->routes, prefix, len);
	return CTL_DONE;
}

static int
cmd_addr(struct ctl_req *req, int argc, char **argv, void *arg, int add)
{
	struct host *h = &((struct hostd *)arg)->host;
	struct port *port;
	uint32_t addr;
	unsigned len;
	char err[128];
	int rc;

	if (argc != 2 || ipv4_cidr_aton(argv[1], &addr, &len) < 0)
		return ctl_usage(req, "usage: addr %s PORT A.B.C.D/LEN",
				 add ? "add" : "del");
	port = host_port_by_name(h, argv[0]);
	if (!port)
		return ctl_fail(req, "no port '%s'", argv[0]);
	rc = add ? host_addr_add(h, port, addr, len, err, sizeof(err))
		 : host_addr_del(h, port, addr, len, err, sizeof(err));
	return rc < 0 ? ctl_fail(req, "%s", err) : CTL_DONE;
}

static int
cmd_addr_add(struct ctl_req *req, int argc, char **argv, void *arg)
{
	return cmd_addr(req, argc, argv, arg, 1);
}

static int
cmd_addr_del(struct ctl_req *req, int argc, char **argv, void *arg)
{
	return cmd_addr(req, argc, argv, arg, 0);
}

static int
cmd_show_sockets(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct host *h = &((struct hostd *)arg)->host;

	(void)argc;
	(void)argv;
	ctl_reply(req, sock_table_json(&h->socks));
	return CTL_DONE;
}

static int
cmd_ping_send(void *arg, uint32_t dst, uint8_t ttl, const uint8_t *icmp,
	      size_t len)
{
	struct ip_out o = {.dst = dst, .proto = IPV4_PROTO_ICMP, .ttl = ttl};

	return ip_output(arg, &o, icmp, len);
}

static void
cmd_ping_finished(void *arg, struct ping *p)
{
	struct host *h = arg;

	for (struct host_ping **pp = &h->pings; *pp; pp = &(*pp)->next) {
		if ((*pp)->ping == p) {
			struct host_ping *hp = *pp;

			*pp = hp->next;
			free(hp);
			return;
		}
	}
}

static int
cmd_ping(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct hostd *hd = arg;
	struct ping_owner owner = {cmd_ping_send, cmd_ping_finished, &hd->host};
	struct host_ping *hp = calloc(1, sizeof(*hp));
	int rc;

	if (!hp)
		return ctl_fail(req, "out of memory");
	rc = ping_cmd(req, argc, argv, hd->loop, &owner, &hp->ping);
	if (rc != CTL_ASYNC) {
		free(hp);
		return rc;
	}
	hp->next = hd->host.pings;
	hd->host.pings = hp;
	return rc;
}

static int
cmd_traceroute(struct ctl_req *req, int argc, char **argv, void *arg)
{
	return host_trace_cmd(&((struct hostd *)arg)->host, req, argc, argv);
}

static int
cmd_udp_send(struct ctl_req *req, int argc, char **argv, void *arg)
{
	return host_udp_send_cmd(&((struct hostd *)arg)->host, req, argc, argv);
}

static int
cmd_udp_listen(struct ctl_req *req, int argc, char **argv, void *arg)
{
	return host_udp_listen_cmd(&((struct hostd *)arg)->host, req, argc,
				   argv);
}

/* Parses A.B.C.D:PORT for `socket udp`. */
static int
cmd_endpoint(const char *s, uint32_t *addr, uint16_t *port)
{
	char ip[IPV4_ADDR_STRLEN];
	const char *colon = strrchr(s, ':');
	char *end;
	long v;

	if (!colon || (size_t)(colon - s) >= sizeof(ip))
		return -1;
	memcpy(ip, s, (size_t)(colon - s));
	ip[colon - s] = '\0';
	v = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || v < 0 || v > 65535 ||
	    ipv4_aton(ip, addr) < 0)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static int
cmd_socket_udp(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct host *h = &((struct hostd *)arg)->host;
	uint32_t laddr = 0, raddr = 0;
	uint16_t lport = 0, rport = 0;
	char local[32], ip[IPV4_ADDR_STRLEN];
	bool framed = false;
	int fd;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-f")) {
			framed = true;
		} else if (!strcmp(argv[i], "-b") && i + 1 < argc) {
			if (cmd_endpoint(argv[++i], &laddr, &lport) < 0)
				return ctl_usage(req, "bad address '%s'",
						 argv[i]);
		} else if (!strcmp(argv[i], "-c") && i + 1 < argc) {
			if (cmd_endpoint(argv[++i], &raddr, &rport) < 0 ||
			    !raddr || !rport)
				return ctl_usage(req, "bad peer '%s'", argv[i]);
		} else {
			return ctl_usage(req, "usage: socket udp [-b "
					      "A.B.C.D:PORT] [-c A.B.C.D:PORT] "
					      "[-f]");
		}
	}
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

static int
cmd_capture_start(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct hostd *hd = arg;

	return capture_cmd_start(req, argc, argv, hd->host.ports,
				 hd->host.nports, hd->opts.capture_dir,
				 hd->opts.name);
}

static int
cmd_capture_stop(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct hostd *hd = arg;

	(void)req;
	(void)argc;
	(void)argv;
	capture_stop_all(hd->host.ports, hd->host.nports);
	return CTL_DONE;
}

const struct ctl_cmd host_cmds[] = {
    {"show ports", "", "ports with their counters", cmd_show_ports, 0},
    {"show stats", "", "stack counters and drop reasons", cmd_show_stats, 0},
    {"show ip", "", "the host's addresses", cmd_show_ip, 0},
    {"show arp", "", "the ARP cache", cmd_show_arp, 0},
    {"show route", "", "the routing table", cmd_show_route, 0},
    {"show sockets", "", "open sockets with their queues", cmd_show_sockets, 0},
    {"addr add", "PORT A.B.C.D/LEN", "add an address", cmd_addr_add, 0},
    {"addr del", "PORT A.B.C.D/LEN", "remove an address", cmd_addr_del, 0},
    {"route add", "PREFIX via GATEWAY | PREFIX dev PORT", "add a static route",
     cmd_route_add, 0},
    {"route del", "PREFIX", "remove a static route", cmd_route_del, 0},
    {"ping", "[-c N] [-i SEC] [-s SIZE] [-t TTL] [-W SEC] DEST",
     "send ICMP echo requests", cmd_ping, 1},
    {"traceroute", "[-m MAXHOPS] [-w SEC] DEST",
     "the routers on the way to DEST", cmd_traceroute, 1},
    {"udp send", "DEST PORT [MESSAGE...]",
     "send one datagram (hopctl: stdin when no message)", cmd_udp_send, 1},
    {"udp listen", "PORT [-c N]", "print the datagrams that arrive",
     cmd_udp_listen, 1},
    {"socket udp", "[-b A.B.C.D:PORT] [-c A.B.C.D:PORT] [-f]",
     "a UDP socket as a descriptor (hostsock)", cmd_socket_udp, 1},
    {"capture start", "[PORT]", "write each port's frames to a pcap file",
     cmd_capture_start, 0},
    {"capture stop", "", "close the capture files", cmd_capture_stop, 0},
};

const size_t host_ncmds = sizeof(host_cmds) / sizeof(host_cmds[0]);
