/*
 * The commands of an IPv4 node, the same in routerd and hostd: show ip,
 * show arp, show route, addr add|del, route add|del. Their arg is the
 * node. A request that is malformed is a usage error; one that is
 * well-formed but cannot be done is a failure.
 */
#include "ipnode_cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int
cmd_show_ip(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct ipnode *n = arg;
	json_t *rows = json_array();

	(void)argc;
	(void)argv;
	for (int i = 0; i < n->ports->n; i++) {
		const struct port *port = n->ports->port[i];

		for (int j = 0; j < n->naddrs; j++) {
			const struct ipnode_addr *a = &n->addrs[j];
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
	struct ipnode *n = arg;
	struct cmd_arp_rows a = {json_array(), ipnode_now(n)};

	(void)argc;
	(void)argv;
	arp_cache_foreach(&n->arp, cmd_arp_row, &a);
	ctl_reply(req, a.rows);
	return CTL_DONE;
}

static int
cmd_route_row(const struct route *rt, void *arg)
{
	char prefix[IPV4_CIDR_STRLEN], via[IPV4_ADDR_STRLEN];

	/* No gateway: null, as JSON says "none". */
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
	struct ipnode *n = arg;
	json_t *rows = json_array();

	(void)argc;
	(void)argv;
	route_walk(n->routes, cmd_route_row, rows);
	ctl_reply(req, rows);
	return CTL_DONE;
}

/* route add|replace PREFIX via GATEWAY | PREFIX dev PORT */
static int
cmd_route_set(struct ctl_req *req, int argc, char **argv, struct ipnode *n,
	      bool replace)
{
	const char *verb = replace ? "replace" : "add";
	struct port *port = NULL;
	uint32_t prefix, gateway = 0;
	unsigned len;
	char err[128];
	int rc;

	if (argc != 3 || (strcmp(argv[1], "via") && strcmp(argv[1], "dev")))
		return ctl_usage(req,
				 "usage: route %s PREFIX via GATEWAY | "
				 "route %s PREFIX dev PORT",
				 verb, verb);
	if (ipv4_cidr_aton(argv[0], &prefix, &len) < 0)
		return ctl_usage(
		    req, "bad prefix '%s' (A.B.C.D/LEN or default)", argv[0]);
	if (strcmp(argv[1], "via") == 0) {
		if (ipv4_aton(argv[2], &gateway) < 0 || gateway == 0)
			return ctl_usage(req, "bad gateway '%s'", argv[2]);
	} else if (!(port = port_set_find(n->ports, argv[2]))) {
		return ctl_fail(req, "no port '%s'", argv[2]);
	}
	rc = replace ? ipnode_route_replace(n, prefix, len, gateway, port, err,
					    sizeof(err))
		     : ipnode_route_add(n, prefix, len, gateway, port, err,
					sizeof(err));
	if (rc < 0)
		return ctl_fail(req, "route %s %s: %s", verb, argv[0], err);
	return CTL_DONE;
}

static int
cmd_route_add(struct ctl_req *req, int argc, char **argv, void *arg)
{
	return cmd_route_set(req, argc, argv, arg, false);
}

static int
cmd_route_replace(struct ctl_req *req, int argc, char **argv, void *arg)
{
	return cmd_route_set(req, argc, argv, arg, true);
}

/* What a route load has added so far, to take back on a bad line. */
struct route_load {
	uint32_t *prefix;
	uint8_t *len;
	size_t n, cap;
};

/* One line of a route load file, "PREFIX GATEWAY": -1 with a reason. */
static int
route_load_line(struct ipnode *n, char *line, struct route_load *ld, char *err,
		size_t errlen)
{
	char *save, *prefix_s = strtok_r(line, " \t", &save);
	char *gateway_s = strtok_r(NULL, " \t", &save);
	uint32_t prefix, gateway;
	unsigned len;

	if (!gateway_s || strtok_r(NULL, " \t", &save)) {
		snprintf(err, errlen, "not PREFIX GATEWAY");
		return -1;
	}
	if (ipv4_cidr_aton(prefix_s, &prefix, &len) < 0) {
		snprintf(err, errlen, "bad prefix '%.32s'", prefix_s);
		return -1;
	}
	if (ipv4_aton(gateway_s, &gateway) < 0 || gateway == 0) {
		snprintf(err, errlen, "bad gateway '%.32s'", gateway_s);
		return -1;
	}
	if (ld->n == ld->cap) {
		size_t cap = ld->cap ? ld->cap * 2 : 1024;
		uint32_t *p = realloc(ld->prefix, cap * sizeof(*p));
		uint8_t *l = p ? realloc(ld->len, cap) : NULL;

		ld->prefix = p ? p : ld->prefix;
		ld->len = l ? l : ld->len;
		if (!l) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		ld->cap = cap;
	}
	if (ipnode_route_add(n, prefix, len, gateway, NULL, err, errlen) < 0)
		return -1;
	ld->prefix[ld->n] = prefix;
	ld->len[ld->n++] = (uint8_t)len;
	return 0;
}

/* Adds the routes of f, all or none; -1 with the line and reason. */
static int
route_load_file(struct ipnode *n, FILE *f, struct route_load *ld,
		unsigned *lineno, char *err, size_t errlen)
{
	char line[256];

	while (fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " \t");

		++*lineno;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "line too long");
			return -1;
		}
		p[strcspn(p, "#\r\n")] = '\0';
		if (*p && route_load_line(n, p, ld, err, errlen) < 0)
			return -1;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	return 0;
}

/* A regular file only: reading a FIFO or a terminal would block the
 * loop. NULL with a reason. */
static FILE *
route_load_open(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	FILE *f = NULL;

	if (fd < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		snprintf(err, errlen, "not a regular file");
	else if (!(f = fdopen(fd, "r")))
		snprintf(err, errlen, "%s", strerror(errno));
	if (!f)
		close(fd);
	return f;
}

/* route load FILE: static routes from FILE, one "PREFIX GATEWAY" a line. */
static int
cmd_route_load(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct ipnode *n = arg;
	struct route_load ld = {0};
	unsigned lineno = 0;
	char err[128], ignored[128];
	FILE *f;
	int rc;

	if (argc != 1)
		return ctl_usage(req, "usage: route load FILE");
	if (!(f = route_load_open(argv[0], err, sizeof(err))))
		return ctl_fail(req, "route load %s: %s", argv[0], err);
	rc = route_load_file(n, f, &ld, &lineno, err, sizeof(err));
	fclose(f);
	if (rc < 0)
		while (ld.n > 0) {
			ld.n--;
			ipnode_route_del(n, ld.prefix[ld.n], ld.len[ld.n],
					 ignored, sizeof(ignored));
		}
	free(ld.prefix);
	free(ld.len);
	if (rc < 0)
		return ctl_fail(req, "route load %s:%u: %s", argv[0], lineno,
				err);
	ctl_reply(req, json_pack("{s:I}", "routes", (json_int_t)ld.n));
	return CTL_DONE;
}

static int
cmd_route_del(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct ipnode *n = arg;
	uint32_t prefix;
	unsigned len;
	char err[128];

	if (argc != 1)
		return ctl_usage(req, "usage: route del PREFIX");
	if (ipv4_cidr_aton(argv[0], &prefix, &len) < 0)
		return ctl_usage(
		    req, "bad prefix '%s' (A.B.C.D/LEN or default)", argv[0]);
	if (ipnode_route_del(n, prefix, len, err, sizeof(err)) < 0)
		return ctl_fail(req, "route del %s: %s", argv[0], err);
	return CTL_DONE;
}

/* addr add|del PORT A.B.C.D/LEN */
static int
cmd_addr(struct ctl_req *req, int argc, char **argv, struct ipnode *n, bool add)
{
	const char *verb = add ? "add" : "del";
	struct port *port;
	uint32_t addr;
	unsigned len;
	char err[128];
	int rc;

	if (argc != 2)
		return ctl_usage(req, "usage: addr %s PORT A.B.C.D/LEN", verb);
	if (strcmp(argv[1], "default") == 0 ||
	    ipv4_cidr_aton(argv[1], &addr, &len) < 0)
		return ctl_usage(req, "bad address '%s' (A.B.C.D/LEN)",
				 argv[1]);
	if (!(port = port_set_find(n->ports, argv[0])))
		return ctl_fail(req, "no port '%s'", argv[0]);
	rc = add ? ipnode_addr_add(n, port, addr, len, err, sizeof(err))
		 : ipnode_addr_del(n, port, addr, len, err, sizeof(err));
	if (rc < 0)
		return ctl_fail(req, "addr %s %s: %s", verb, argv[1], err);
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

const struct ctl_cmd ipnode_cmds[] = {
    {"show ip", "", "the node's addresses", cmd_show_ip, 0},
    {"show arp", "", "the neighbour cache", cmd_show_arp, 0},
    {"show route", "", "the routing table", cmd_show_route, 0},
    {"addr add", "PORT A.B.C.D/LEN", "add an address (and its subnet)",
     cmd_addr_add, 0},
    {"addr del", "PORT A.B.C.D/LEN", "remove an address", cmd_addr_del, 0},
    {"route add", "PREFIX via GATEWAY | PREFIX dev PORT", "add a static route",
     cmd_route_add, 0},
    {"route replace", "PREFIX via GATEWAY | PREFIX dev PORT",
     "add a static route or change the one of PREFIX", cmd_route_replace, 0},
    {"route load", "FILE",
     "add the static routes of FILE, one \"PREFIX GATEWAY\" a line, all or "
     "none",
     cmd_route_load, 0},
    {"route del", "PREFIX", "remove a static route", cmd_route_del, 0},
};

const size_t ipnode_ncmds = sizeof(ipnode_cmds) / sizeof(ipnode_cmds[0]);

void
ipnode_stats_json(const struct ipnode *n, json_t *obj)
{
	stats_json_add(obj, n->stats, ipnode_stat_names, IPNODE_STAT_COUNT);
	stats_json_add(obj, n->arp.stats, arp_stat_names, ARP_STAT_COUNT);
	stats_json_add(obj, n->reass.stats, ip_reass_stat_names,
		       IP_REASS_STAT_COUNT);
	json_object_set_new(obj, "reass_pending",
			    json_integer((json_int_t)n->reass.count));
	json_object_set_new(obj, "arp_entries",
			    json_integer((json_int_t)n->arp.count));
	json_object_set_new(obj, "routes",
			    json_integer((json_int_t)route_count(n->routes)));
	json_object_set_new(obj, "route_bytes",
			    json_integer((json_int_t)route_bytes(n->routes)));
	json_object_set_new(
	    obj, "fib_bytes",
	    json_integer((json_int_t)route_fib_bytes(n->routes)));
	json_object_set_new(
	    obj, "fib_tbl8",
	    json_integer((json_int_t)route_fib_tbl8(n->routes)));
}
