/* switchd's control commands: one table drives dispatch and help. */
#include "switch_cmd.h"

#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ctl_opt.h"

static int
cmd_show_stats(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct switchd *sd = arg;
	json_t *obj;

	(void)argc;
	(void)argv;
	obj = json_object();
	daemon_stats_json(&sd->d, obj);
	stats_json_add(obj, sd->sw.stats, switch_stat_names, SWITCH_STAT_COUNT);
	json_object_set_new(obj, "mac_entries",
			    json_integer((json_int_t)sd->sw.macs.count));
	json_object_set_new(obj, "mac_capacity",
			    json_integer((json_int_t)sd->sw.macs.capacity));
	json_object_set_new(obj, "aging", json_real(sd->sw.macs.aging));
	json_object_set_new(obj, "vlan_aware",
			    json_boolean(sd->sw.vlans.aware));
	trace_stats_json(&sd->d.trace, obj);
	ctl_reply(req, obj);
	return CTL_DONE;
}

static int
cmd_show_mac(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct switchd *sd = arg;
	struct mactable *t = &sd->sw.macs;
	double now = daemon_now(&sd->d);
	const struct mac_entry **list;
	json_t *rows;
	size_t n;

	(void)argc;
	(void)argv;
	switch_age(&sd->sw, now);
	list = calloc(t->count ? t->count : 1, sizeof(*list));
	if (!list)
		return ctl_fail(req, "out of memory");
	n = mactable_list(t, list, t->count);
	rows = json_array();
	for (size_t i = 0; i < n; i++) {
		char mac[ETHER_ADDR_STRLEN];

		json_array_append_new(
		    rows, json_pack("{s:s, s:s, s:i, s:I}", "mac",
				    ether_ntoa_buf(list[i]->mac, mac), "port",
				    sd->d.ports.port[list[i]->port]->name,
				    "vlan", (int)list[i]->vlan, "age",
				    (json_int_t)(now - list[i]->last_seen)));
	}
	free(list);
	ctl_reply(req, rows);
	return CTL_DONE;
}

static int
cmd_flush_mac(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct switchd *sd = arg;
	struct port *port = NULL;
	char err[128];
	size_t n;

	argc = ctl_opt_parse(argc, argv, NULL, 0, err, sizeof(err));
	if (argc < 0)
		return ctl_usage(req, "flush mac: %s", err);
	if (argc > 1)
		return ctl_usage(req, "usage: flush mac [PORT]");
	if (argc == 1 && !(port = port_set_find(&sd->d.ports, argv[0])))
		return ctl_fail(req, "no port '%s'", argv[0]);
	n = mactable_flush(&sd->sw.macs, port ? port->index : -1);
	sd->sw.stats[STAT_mac_flushed] += n;
	ctl_reply(req, json_pack("{s:I}", "flushed", (json_int_t)n));
	return CTL_DONE;
}

static int
cmd_set_aging(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct switchd *sd = arg;
	double secs;

	if (argc != 1)
		return ctl_usage(req, "usage: set aging SECONDS");
	if (ctl_opt_number(argv[0], 0, 1000000, true, &secs) < 0)
		return ctl_usage(req,
				 "aging must be 0 (never) to 1000000 seconds");
	switch_set_aging(&sd->sw, secs);
	switchd_aging_changed(sd);
	return CTL_DONE;
}

static int
cmd_show_vlan(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct switchd *sd = arg;
	json_t *rows = json_array();

	(void)argc;
	(void)argv;
	for (int i = 0; i < sd->d.ports.n; i++)
		json_array_append_new(
		    rows, vlan_port_json(&sd->sw.vlans, sd->d.ports.port[i]));
	ctl_reply(req, rows);
	return CTL_DONE;
}

#define SET_PORT_USAGE                                                         \
	"usage: set port PORT access ID | set port PORT trunk IDS [native ID]"

static int
cmd_set_port(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct switchd *sd = arg;
	uint8_t member[VLAN_MEMBER_BYTES];
	struct port *port;
	uint16_t vid, native = 0;

	if (argc < 3)
		return ctl_usage(req, SET_PORT_USAGE);
	if (!strcmp(argv[1], "access")) {
		if (argc != 3)
			return ctl_usage(req, SET_PORT_USAGE);
		if (vlan_parse_id(argv[2], &vid) < 0)
			return ctl_usage(req, "bad VLAN ID '%s' (1 to 4094)",
					 argv[2]);
	} else if (!strcmp(argv[1], "trunk")) {
		if (argc != 3 && (argc != 5 || strcmp(argv[3], "native")))
			return ctl_usage(req, SET_PORT_USAGE);
		if (vlan_parse_list(argv[2], member) < 0)
			return ctl_usage(req,
					 "bad VLAN list '%s' (IDs 1 to 4094, "
					 "as 10,20,30-39)",
					 argv[2]);
		if (argc == 5 && vlan_parse_id(argv[4], &native) < 0)
			return ctl_usage(
			    req, "bad native VLAN '%s' (1 to 4094)", argv[4]);
	} else {
		return ctl_usage(req, SET_PORT_USAGE);
	}
	if (!(port = port_set_find(&sd->d.ports, argv[0])))
		return ctl_fail(req, "no port '%s'", argv[0]);
	if (argv[1][0] == 'a')
		vlan_set_access(&sd->sw.vlans, port->index, vid);
	else
		vlan_set_trunk(&sd->sw.vlans, port->index, member, native);
	/* Its stations were learned under the old VLANs. */
	switch_vlan_changed(&sd->sw, port);
	return CTL_DONE;
}

/* The names of the ports, by index, for the spanning tree's views. */
static const char **
switch_port_names(struct switchd *sd)
{
	static const char *names[PORT_SET_MAX];

	for (int i = 0; i < sd->d.ports.n; i++)
		names[i] = sd->d.ports.port[i]->name;
	return names;
}

static int
cmd_show_stp(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct switchd *sd = arg;
	const char **names;

	(void)argc;
	(void)argv;
	switch_stp_sync(&sd->sw, daemon_now(&sd->d));
	names = switch_port_names(sd);
	ctl_reply(req, stp_bridge_json(&sd->sw.stp, names));
	ctl_reply(req, stp_ports_json(&sd->sw.stp, names));
	return CTL_DONE;
}

#define SET_STP_USAGE                                                          \
	"usage: set stp on|off | priority N | hello SECONDS | max-age "        \
	"SECONDS | forward-delay SECONDS | cost PORT N"

/* `set stp hello|max-age|forward-delay SECONDS`: one of the timers. */
static int
cmd_set_stp_timer(struct ctl_req *req, struct stp *s, const char *which,
		  const char *value, double now)
{
	double hello = s->bridge_hello_time, max_age = s->bridge_max_age;
	double fwd = s->bridge_forward_delay, secs, min, max;
	double *slot;

	if (strcmp(which, "hello") == 0) {
		slot = &hello;
		min = STP_HELLO_MIN;
		max = STP_HELLO_MAX;
	} else if (strcmp(which, "max-age") == 0) {
		slot = &max_age;
		min = STP_MAX_AGE_MIN;
		max = STP_MAX_AGE_MAX;
	} else {
		slot = &fwd;
		min = STP_FWD_DELAY_MIN;
		max = STP_FWD_DELAY_MAX;
	}
	if (ctl_opt_number(value, min, max, false, &secs) < 0)
		return ctl_usage(req, "set stp %s: %g to %g seconds (802.1D)",
				 which, min, max);
	*slot = secs;
	if (stp_set_timers(s, hello, max_age, fwd, now) < 0)
		return ctl_fail(req, "set stp %s: out of range", which);
	return CTL_DONE;
}

static int
cmd_set_stp(struct ctl_req *req, int argc, char **argv, void *arg)
{
	struct switchd *sd = arg;
	struct stp *s = &sd->sw.stp;
	double now = daemon_now(&sd->d), v;
	struct port *port;

	if (argc == 1 && strcmp(argv[0], "on") == 0) {
		switch_stp_enable(&sd->sw, true, now);
		return CTL_DONE;
	}
	if (argc == 1 && strcmp(argv[0], "off") == 0) {
		switch_stp_enable(&sd->sw, false, now);
		return CTL_DONE;
	}
	if (argc == 2 && strcmp(argv[0], "priority") == 0) {
		if (ctl_opt_number(argv[1], 0, 65535, true, &v) < 0)
			return ctl_usage(req, "set stp priority: 0 to 65535");
		switch_stp_sync(&sd->sw, now);
		stp_set_priority(s, (uint16_t)v, now);
		return CTL_DONE;
	}
	if (argc == 2 &&
	    (strcmp(argv[0], "hello") == 0 || strcmp(argv[0], "max-age") == 0 ||
	     strcmp(argv[0], "forward-delay") == 0))
		return cmd_set_stp_timer(req, s, argv[0], argv[1], now);
	if (argc == 3 && strcmp(argv[0], "cost") == 0) {
		if (!(port = port_set_find(&sd->d.ports, argv[1])))
			return ctl_fail(req, "no port '%s'", argv[1]);
		if (ctl_opt_number(argv[2], 1, STP_PATH_COST_MAX, true, &v) < 0)
			return ctl_usage(req, "set stp cost: 1 to %d",
					 STP_PATH_COST_MAX);
		switch_stp_sync(&sd->sw, now);
		stp_set_path_cost(s, port->index, (uint32_t)v, now);
		return CTL_DONE;
	}
	return ctl_usage(req, SET_STP_USAGE);
}

const struct ctl_cmd switch_cmds[] = {
    {"show stats", "", "switch counters and drop reasons", cmd_show_stats, 0},
    {"show mac", "", "the MAC address table", cmd_show_mac, 0},
    {"flush mac", "[PORT]", "forget learned addresses (of one port)",
     cmd_flush_mac, 0},
    {"set aging", "SECONDS", "age entries out after SECONDS (0: never)",
     cmd_set_aging, 0},
    {"show vlan", "", "each port's 802.1Q mode and VLANs", cmd_show_vlan, 0},
    {"set port", "PORT access ID | PORT trunk IDS [native ID]",
     "make PORT an access port of VLAN ID, or a trunk of the VLANs IDS "
     "(10,20,30-39) with untagged frames in VLAN native",
     cmd_set_port, 0},
    {"show stp", "", "the spanning tree: the bridge, then a row per port",
     cmd_show_stp, 0},
    {"set stp",
     "on|off | priority N | hello|max-age|forward-delay SECONDS | cost "
     "PORT N",
     "IEEE 802.1D spanning tree (off by default)", cmd_set_stp, 0},
};

const size_t switch_ncmds = sizeof(switch_cmds) / sizeof(switch_cmds[0]);
