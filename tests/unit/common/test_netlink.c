/*
 * The rtnetlink glue in a network namespace of the test's own (it needs
 * root): a veth pair made through libmnl, so that one end's carrier follows
 * the other's up state, then looked up, brought up, watched with nl_monitor
 * and mapped onto ports. The link-event rules of port_packet are also
 * checked on plain ports, without the kernel.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "netlink.h"
#include "port_packet.h"

#define DEADLINE_MS 3000
#define LINK_A "hv0"
#define LINK_B "hv1" /* A's veth peer: A has carrier while B is up */
#define EVENTS_MAX 256

struct event {
	char name[IFNAMSIZ];
	bool up, deleted;
};

struct fixture {
	struct ev_loop *loop;
	struct nl_monitor *mon;
	struct event events[EVENTS_MAX];
	int nevents, matched; /* events before matched are accounted for */
	int a, b;	      /* the ifindexes of LINK_A and LINK_B */
	struct port *port;    /* when set, link events are applied to it */
	int changes;
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sends one rtnetlink request and waits for its acknowledgement. */
static int
rtnl_ack(struct nlmsghdr *nlh)
{
	static unsigned seq;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	ssize_t n;
	int ret = -1;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++seq;
	if (nl && mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) == 0 &&
	    mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) >= 0 &&
	    (n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0)
		ret = mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(nl),
				 NULL, NULL);
	if (nl)
		mnl_socket_close(nl);
	return ret < 0 ? -1 : 0;
}

static struct nlmsghdr *
link_msg(char *buf, uint16_t type, int ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = type;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	return nlh;
}

static int
veth_add(const char *name, const char *peer)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 0);
	struct nlattr *info, *data, *peer_info;

	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer_info = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_nest_end(nlh, peer_info);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return rtnl_ack(nlh);
}

static int
link_set_down(int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, ifindex);
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	ifm->ifi_change = IFF_UP;
	return rtnl_ack(nlh);
}

static int
link_delete(int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	return rtnl_ack(link_msg(buf, RTM_DELLINK, ifindex));
}

static void
port_changed(struct port *port, void *arg)
{
	struct fixture *f = arg;

	assert_ptr_equal(port, f->port);
	f->changes++;
}

static void
record_event(const struct nl_link *link, bool deleted, void *arg)
{
	struct fixture *f = arg;

	if (f->nevents < EVENTS_MAX) {
		struct event *e = &f->events[f->nevents++];

		snprintf(e->name, sizeof(e->name), "%s", link->name);
		e->up = link->up;
		e->deleted = deleted;
	}
	if (f->port)
		port_packet_link_apply(&f->port, 1, link, deleted, port_changed,
				       f);
}

/* Pumps the loop until an event for name in that state arrives after the
 * last one matched; false past the deadline. */
static bool
await_event(struct fixture *f, const char *name, bool up, bool deleted)
{
	struct timespec pause = {0, 2 * 1000 * 1000};
	int64_t deadline = now_ms() + DEADLINE_MS;

	for (;;) {
		for (int i = f->matched; i < f->nevents; i++) {
			const struct event *e = &f->events[i];

			if (!strcmp(e->name, name) && e->up == up &&
			    e->deleted == deleted) {
				f->matched = i + 1;
				return true;
			}
		}
		if (now_ms() > deadline)
			return false;
		ev_run(f->loop, EVRUN_NOWAIT);
		nanosleep(&pause, NULL);
	}
}

static int
enter_own_netns(void **state)
{
	(void)state;
	if (unshare(CLONE_NEWNET) < 0) {
		print_message("unshare(CLONE_NEWNET): %s (needs root)\n",
			      strerror(errno));
		return -1;
	}
	return 0;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->loop = ev_loop_new(EVFLAG_AUTO);
	f->mon = nl_monitor_open(f->loop, record_event, f);
	if (!f->mon || veth_add(LINK_A, LINK_B) < 0) {
		print_message("cannot set up: %s\n", strerror(errno));
		return -1;
	}
	f->a = (int)if_nametoindex(LINK_A);
	f->b = (int)if_nametoindex(LINK_B);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	if (f->port)
		port_close(f->port);
	if (if_nametoindex(LINK_A))
		link_delete(f->a);
	nl_monitor_close(f->mon);
	ev_loop_destroy(f->loop);
	free(f);
	return 0;
}

static struct nl_link
link_get(const char *name)
{
	struct nl_link link;

	assert_int_equal(nl_link_get(name, &link), 0);
	return link;
}

static void
test_link_get_describes_the_link(void **state)
{
	struct fixture *f = *state;
	struct nl_link link = link_get(LINK_A);
	static const uint8_t zero[6];

	assert_true(f->a > 0);
	assert_int_equal(link.ifindex, f->a);
	assert_string_equal(link.name, LINK_A);
	assert_int_equal(link.mtu, 1500);
	assert_memory_not_equal(link.mac, zero, sizeof(zero));
	assert_true(link.flags & IFF_BROADCAST);
	assert_false(link.flags & IFF_UP);
	assert_false(link.up);
}

static void
test_link_get_unknown_name(void **state)
{
	struct nl_link link;

	(void)state;
	errno = 0;
	assert_int_equal(nl_link_get("nosuch0", &link), -1);
	assert_int_equal(errno, ENODEV);
}

static void
test_set_up_is_up_once_peer_gives_carrier(void **state)
{
	struct fixture *f = *state;
	struct nl_link link;

	assert_int_equal(nl_link_set_up(f->a), 0);
	link = link_get(LINK_A);
	assert_true(link.flags & IFF_UP);
	assert_false(link.up); /* no carrier while the peer is down */
	assert_int_equal(nl_link_set_up(f->b), 0);
	assert_true(link_get(LINK_A).up);
	assert_true(link_get(LINK_B).up);
}

static void
test_set_up_unknown_index(void **state)
{
	struct fixture *f = *state;

	errno = 0;
	assert_int_equal(nl_link_set_up(f->a + f->b + 1000), -1);
	assert_int_equal(errno, ENODEV);
}

static void
test_monitor_reports_new_links(void **state)
{
	struct fixture *f = *state;

	assert_true(await_event(f, LINK_A, false, false));
	f->matched = 0;
	assert_true(await_event(f, LINK_B, false, false));
}

static void
test_monitor_reports_up_and_down(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(nl_link_set_up(f->a), 0);
	assert_int_equal(nl_link_set_up(f->b), 0);
	assert_true(await_event(f, LINK_A, true, false));
	assert_int_equal(link_set_down(f->b), 0);
	assert_true(await_event(f, LINK_A, false, false));
	assert_false(link_get(LINK_B).flags & IFF_UP);
}

static void
test_monitor_reports_deletion(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(link_delete(f->a), 0);
	assert_true(await_event(f, LINK_A, false, true));
	f->matched = 0;
	assert_true(await_event(f, LINK_B, false, true));
}

static void
test_monitor_drives_a_packet_port(void **state)
{
	struct fixture *f = *state;
	char err[128] = "";

	f->port = port_packet_open(f->loop, LINK_A, false, NULL, NULL, err,
				   sizeof(err));
	assert_non_null(f->port);
	assert_int_equal(f->port->ifindex, f->a);
	assert_false(f->port->up);
	assert_int_equal(nl_link_set_up(f->b), 0);
	assert_true(await_event(f, LINK_A, true, false));
	assert_int_equal(f->changes, 1);
	assert_true(f->port->up);
	assert_int_equal(link_set_down(f->b), 0);
	assert_true(await_event(f, LINK_A, false, false));
	assert_int_equal(f->changes, 2);
	assert_false(f->port->up);
	assert_int_equal(link_delete(f->b), 0);
	assert_true(await_event(f, LINK_A, false, true));
	assert_int_equal(f->changes, 2); /* was down already */
}

static void
test_port_open_unknown_link(void **state)
{
	struct fixture *f = *state;
	char err[128] = "";

	assert_null(port_packet_open(f->loop, "nosuch0", false, NULL, NULL, err,
				     sizeof(err)));
	assert_string_equal(err, "nosuch0: no such interface");
}

/* A port as port_packet_open leaves it, without a socket. */
static struct port
plain_port(int ifindex, bool up)
{
	struct port p = {.ifindex = ifindex, .up = up, .mtu = 1500};

	memset(p.mac, 0x0a, sizeof(p.mac));
	return p;
}

static struct nl_link
link_event(int ifindex, bool up, unsigned mtu, uint8_t mac_byte)
{
	struct nl_link link = {.ifindex = ifindex, .up = up, .mtu = mtu};

	memset(link.mac, mac_byte, sizeof(link.mac));
	return link;
}

static void
test_link_event_updates_its_port_only(void **state)
{
	struct port p = plain_port(5, true);
	struct nl_link other = link_event(6, false, 9000, 0x0b);
	struct nl_link bigger = link_event(5, true, 9000, 0);
	struct nl_link down = link_event(5, false, 0, 0x0c);

	(void)state;
	assert_int_equal(port_packet_link_event(&p, &other), 0);
	assert_true(p.up);
	assert_int_equal(p.mtu, 1500);
	assert_int_equal(port_packet_link_event(&p, &bigger), 0);
	assert_int_equal(p.mtu, 9000);
	assert_int_equal(p.mac[0], 0x0a); /* no address: the old one stays */
	assert_int_equal(port_packet_link_event(&p, &down), 1);
	assert_false(p.up);
	assert_int_equal(p.mtu, 9000); /* no MTU: the old one stays */
	assert_int_equal(p.mac[5], 0x0c);
	assert_int_equal(port_packet_link_event(&p, &down), 0);
}

struct changes {
	struct port *last;
	int calls;
};

static void
count_change(struct port *port, void *arg)
{
	struct changes *c = arg;

	c->last = port;
	c->calls++;
}

/* Applies one event to ports 4, 5 and 6: which were reported changed. */
static struct changes
apply(struct port **ports, struct nl_link link, bool deleted)
{
	struct changes c = {NULL, 0};

	port_packet_link_apply(ports, 3, &link, deleted, count_change, &c);
	return c;
}

static void
test_link_apply_calls_changed_on_up_changes(void **state)
{
	struct port p[3] = {plain_port(4, true), plain_port(5, true),
			    plain_port(6, true)};
	struct port *ports[3] = {&p[0], &p[1], &p[2]};
	struct changes c;

	(void)state;
	assert_int_equal(apply(ports, link_event(5, true, 0, 0), false).calls,
			 0);
	c = apply(ports, link_event(5, false, 0, 0), false);
	assert_int_equal(c.calls, 1);
	assert_ptr_equal(c.last, &p[1]);
	assert_int_equal(apply(ports, link_event(5, false, 0, 0), false).calls,
			 0);
	c = apply(ports, link_event(6, true, 0, 0), true);
	assert_int_equal(c.calls, 1); /* deleted: down, whatever it said */
	assert_ptr_equal(c.last, &p[2]);
	assert_false(p[2].up);
	assert_int_equal(apply(ports, link_event(9, false, 0, 0), true).calls,
			 0);
	assert_true(p[0].up);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    TEST(test_link_get_describes_the_link),
	    TEST(test_link_get_unknown_name),
	    TEST(test_set_up_is_up_once_peer_gives_carrier),
	    TEST(test_set_up_unknown_index),
	    TEST(test_monitor_reports_new_links),
	    TEST(test_monitor_reports_up_and_down),
	    TEST(test_monitor_reports_deletion),
	    TEST(test_monitor_drives_a_packet_port),
	    TEST(test_port_open_unknown_link),
	    cmocka_unit_test(test_link_event_updates_its_port_only),
	    cmocka_unit_test(test_link_apply_calls_changed_on_up_changes),
	};

	return cmocka_run_group_tests(tests, enter_own_netns, NULL);
}
