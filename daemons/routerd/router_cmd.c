/* routerd's control commands: one table drives dispatch and help. */
#include "router_cmd.h"

#include <string.h>

#include "capture.h"

static int
cmd_show_ports(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct routerd *rd = arg;

	(void)argc;
	(void)argv;
	ctl_reply(req, port_table_json(rd->r.ports, rd->r.nports));
	return CTL_DONE;
}

static int
cmd_show_stats(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct routerd *rd = arg;
	json_t *obj;

	(void)argc;
	(void)argv;
	obj = stats_json(rd->r.stats, router_stat_names, ROUTER_STAT_COUNT);
	stats_json_add(obj, rd->r.arp.stats, arp_stat_names, ARP_STAT_COUNT);
	stats_json_add(obj, rd->r.reass.stats, ip_reass_stat_names,
		       IP_REASS_STAT_COUNT);
	json_object_set_new(obj, "reass_pending",
			    json_integer((json_int_t)rd->r.reass.count));
	json_object_set_new(obj, "arp_entries",
			    json_integer((json_int_t)rd->r.arp.count));
	json_object_set_new(
	    obj, "routes", json_integer((json_int_t)route_count(rd->r.routes)));
	ctl_reply(req, obj);
	return CTL_DONE;
}

static int
cmd_show_ip(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct routerd *rd = arg;
	json_t *rows;

	(void)argc;
	(void)argv;
	rows = json_array();
	for (int i = 0; i < rd->r.nports; i++) {
		const struct port *port = rd->r.ports[i];

		for (int j = 0; j < rd->r.naddrs; j++) {
			const struct router_addr *a = &rd->r.addrs[j];
			char cidr[IPV4_CIDR_STRLEN], mac[ETHER_ADDR_STRLEN];

			if (a->port != port)
				continue;
			json_array_append_new(
			    rows,
			    json_pack("{s:s, s:s, s:s}", "port", port->name,
				      "addr",
				      ipv4_cidr_ntoa(a->addr, a->len, cidr),
				      "mac", ether_ntoa_buf(port->mac, mac)));
		}
	}
	ctl_reply(req, rows);
	return CTL_DONE;
}

struct cmd_arp_rows {
	json_t *rows;
	double now;
};

static void
cmd_arp_row(const struct arp_entry *e, void *arg)
{
	struct cmd_arp_rows *a = arg;

	json_array_append_new(a->rows, arp_entry_json(e, a->now));
}

static int
cmd_show_arp(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct routerd *rd = arg;
	struct cmd_arp_rows a;

	(void)argc;
	(void)argv;
	a.rows = json_array();
	a.now = router_now(&rd->r);
	arp_cache_foreach(&rd->r.arp, cmd_arp_row, &a);
	ctl_reply(req, a.rows);
	return CTL_DONE;
}

static int
cmd_route_row(const struct route *rt, void *arg)
{
	char prefix[IPV4_CIDR_STRLEN], via[IPV4_ADDR_STRLEN];

	json_array_append_new(
	    arg,
	    json_pack("{s:s, s:s?, s:s, s:s}", "prefix",
		      ipv4_cidr_ntoa(rt->prefix, rt->len, prefix), "via",
		      rt->gateway ? ipv4_ntoa(rt->gateway, via) : NULL, "port",
		      rt->port->name, "kind", route_kind_names[rt->kind]));
	return 0;
}

static int
cmd_show_route(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct routerd *rd = arg;
	json_t *rows;

	(void)argc;
	(void)argv;
	rows = json_array();
	route_walk(rd->r.routes, cmd_route_row, rows);
	ctl_reply(req, rows);
	return CTL_DONE;
}

static int
cmd_route_add(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct routerd *rd = arg;
	struct port *port = NULL;
	uint32_t prefix, gateway = 0;
	unsigned len;
	char err[128];

	if (argc != 3 || (strcmp(argv[1], "via") && strcmp(argv[1], "dev")))
		return ctl_usage(req, "usage: route add PREFIX via GATEWAY | "
				      "route add PREFIX dev PORT");
	if (ipv4_cidr_aton(argv[0], &prefix, &len) < 0)
		return ctl_fail(req, "bad prefix '%s' (A.B.C.D/LEN or default)",
				argv[0]);
	if (strcmp(argv[1], "via") == 0) {
		if (ipv4_aton(argv[2], &gateway) < 0 || gateway == 0)
			return ctl_fail(req, "bad gateway '%s'", argv[2]);
	} else if (!(port = router_port_by_name(&rd->r, argv[2]))) {
		return ctl_fail(req, "no port '%s'", argv[2]);
	}
	if (router_route_add(&rd->r, prefix, len, gateway, port, err,
			     sizeof(err)) < 0)
		return ctl_fail(req, "route add %s: %s", argv[0], err);
	return CTL_DONE;
}

static int
cmd_route_del(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct routerd *rd = arg;
	uint32_t prefix;
	unsigned len;
	char err[128];

	if (argc != 1)
		return ctl_usage(req, "usage: route del PREFIX");
	if (ipv4_cidr_aton(argv[0], &prefix, &len) < 0)
		return ctl_fail(req, "bad prefix '%s' (A.B.C.D/LEN or default)",
				argv[0]);
	if (router_route_del(&rd->r, prefix, len, err, sizeof(err)) < 0)
		return ctl_fail(req, "route del %s: %s", argv[0], err);
	return CTL_DONE;
}

/* addr add|del PORT A.B.C.D/LEN */
static int
cmd_addr(struct ctl_req *req, int argc, char **argv, struct routerd *rd,
	 bool add)
{
	struct port *port;
	uint32_t addr;
	unsigned len;
	char err[128];
	int rc;

	if (argc != 2)
		return ctl_usage(req, "usage: addr %s PORT A.B.C.D/LEN",
				 add ? "add" : "del");
	if (!(port = router_port_by_name(&rd->r, argv[0])))
		return ctl_fail(req, "no port '%s'", argv[0]);
	if (strcmp(argv[1], "default") == 0 ||
	    ipv4_cidr_aton(argv[1], &addr, &len) < 0)
		return ctl_fail(req, "bad address '%s' (A.B.C.D/LEN)", argv[1]);
	rc = add ? router_addr_add(&rd->r, port, addr, len, err, sizeof(err))
		 : router_addr_del(&rd->r, port, addr, len, err, sizeof(err));
	if (rc < 0)
		return ctl_fail(req, "addr %s %s: %s", add ? "add" : "del",
				argv[1], err);
	return CTL_DONE;
}

static int
cmd_addr_add(struct ctl_req *req, int argc, char **argv, void *arg)
{
	return cmd_addr(req, argc, argv, arg, true);
}

static int
cmd_addr_del(struct ctl_req *req, int argc, char **argv, void *arg)
{
	return cmd_addr(req, argc, argv, arg, false);
}

static int
cmd_ping(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct routerd *rd = arg;

	return router_ping_cmd(&rd->r, req, argc, argv);
}

static int
cmd_capture_start(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct routerd *rd = arg;

	return capture_cmd_start(req, argc, argv, rd->r.ports, rd->r.nports,
				 rd->opts.capture_dir, rd->opts.name);
}

static int
cmd_capture_stop(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct routerd *rd = arg;

	(void)req;
	(void)argc;
	(void)argv;
	capture_stop_all(rd->r.ports, rd->r.nports);
	return CTL_DONE;
}

const struct ctl_cmd router_cmds[] = {
    {"show ports", "", "ports with their counters", cmd_show_ports, 0},
    {"show stats", "", "router counters and drop reasons", cmd_show_stats, 0},
    {"show ip", "", "the router's addresses", cmd_show_ip, 0},
    {"show arp", "", "the neighbour cache", cmd_show_arp, 0},
    {"show route", "", "the routing table", cmd_show_route, 0},
    {"route add", "PREFIX via GATEWAY | PREFIX dev PORT", "add a static route",
     cmd_route_add, 0},
    {"route del", "PREFIX", "remove a static route", cmd_route_del, 0},
    {"addr add", "PORT A.B.C.D/LEN", "add an address (and its subnet)",
     cmd_addr_add, 0},
    {"addr del", "PORT A.B.C.D/LEN", "remove an address", cmd_addr_del, 0},
    {"ping", "[-c N] [-i SEC] [-s SIZE] [-t TTL] [-W SEC] DEST",
     "send ICMP echo requests", cmd_ping, 1},
    {"capture start", "[PORT]", "write each port's frames to a pcap file",
     cmd_capture_start, 0},
    {"capture stop", "", "close the capture files", cmd_capture_stop, 0},
};

const size_t router_ncmds = sizeof(router_cmds) / sizeof(router_cmds[0]);
