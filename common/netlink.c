/* rtnetlink through libmnl: link queries, link up, link events. */
#include "netlink.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

struct nl_monitor {
	struct ev_loop *loop;
	struct mnl_socket *sock;
	ev_io watcher;
	nl_link_fn fn;
	void *arg;
};

static int
nl_link_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, IFLA_MAX) < 0)
		return MNL_CB_OK;
	switch (type) {
	case IFLA_MTU:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return MNL_CB_OK;
		break;
	case IFLA_IFNAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_OK;
		break;
	}
	tb[type] = attr;
	return MNL_CB_OK;
}

/* Decodes an RTM_NEWLINK or RTM_DELLINK message into link. */
static int
nl_link_parse(const struct nlmsghdr *nlh, struct nl_link *link)
{
	const struct nlattr *tb[IFLA_MAX + 1] = {0};
	const struct ifinfomsg *ifm;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifm)))
		return -1;
	ifm = mnl_nlmsg_get_payload(nlh);
	mnl_attr_parse(nlh, sizeof(*ifm), nl_link_attr, tb);
	memset(link, 0, sizeof(*link));
	link->ifindex = ifm->ifi_index;
	link->flags = ifm->ifi_flags;
	link->up = (ifm->ifi_flags & IFF_UP) && (ifm->ifi_flags & IFF_LOWER_UP);
	if (tb[IFLA_IFNAME])
		strncpy(link->name, mnl_attr_get_str(tb[IFLA_IFNAME]),
			sizeof(link->name) - 1);
	if (tb[IFLA_MTU])
		link->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_ADDRESS] &&
	    mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == sizeof(link->mac))
		memcpy(link->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]),
		       sizeof(link->mac));
	return 0;
}

static int
nl_link_cb(const struct nlmsghdr *nlh, void *data)
{
	return nl_link_parse(nlh, data) < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

/* Sends one request and runs cb over the answer; -1 with errno on error. */
static int
nl_request(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *sock;
	unsigned seq, portid;
	int ret = -1, saved;

	sock = mnl_socket_open(NETLINK_ROUTE);
	if (!sock)
		return -1;
	if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0)
		goto out;
	portid = mnl_socket_get_portid(sock);
	seq = nlh->nlmsg_seq = (unsigned)time(NULL);
	if (mnl_socket_sendto(sock, nlh, nlh->nlmsg_len) < 0)
		goto out;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(sock, buf, sizeof(buf));

		if (n < 0)
			goto out;
		ret = mnl_cb_run(buf, (size_t)n, seq, portid, cb, data);
		/* Only a multipart answer (a dump) goes on past this read. */
		if (ret <= MNL_CB_STOP ||
		    !(((struct nlmsghdr *)buf)->nlmsg_flags & NLM_F_MULTI))
			break;
	}
	ret = ret < 0 ? -1 : 0;
out:
	saved = errno;
	mnl_socket_close(sock);
	errno = saved;
	return ret;
}

int
nl_link_get(const char *name, struct nl_link *link)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	unsigned ifindex = if_nametoindex(name);

	if (ifindex == 0)
		return -1;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)ifindex;
	return nl_request(nlh, nl_link_cb, link);
}

int
nl_link_set_up(int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	return nl_request(nlh, NULL, NULL);
}

static int
nl_monitor_msg(const struct nlmsghdr *nlh, void *data)
{
	struct nl_monitor *mon = data;
	struct nl_link link;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	if (nl_link_parse(nlh, &link) < 0) {
		log_warnx("nl_monitor: short link message");
		return MNL_CB_OK;
	}
	mon->fn(&link, nlh->nlmsg_type == RTM_DELLINK, mon->arg);
	return MNL_CB_OK;
}

static void
nl_monitor_read(struct ev_loop *loop, ev_io *w, int revents)
{
	struct nl_monitor *mon = w->data;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;

	(void)loop;
	(void)revents;
	while ((n = mnl_socket_recvfrom(mon->sock, buf, sizeof(buf))) > 0)
		mnl_cb_run(buf, (size_t)n, 0, 0, nl_monitor_msg, mon);
	if (n < 0 && errno == ENOBUFS)
		log_warnx("nl_monitor: link events lost (ENOBUFS)");
}

struct nl_monitor *
nl_monitor_open(struct ev_loop *loop, nl_link_fn fn, void *arg)
{
	struct nl_monitor *mon = calloc(1, sizeof(*mon));

	if (!mon)
		return NULL;
	mon->loop = loop;
	mon->fn = fn;
	mon->arg = arg;
	mon->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK);
	if (!mon->sock ||
	    mnl_socket_bind(mon->sock, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		int saved = errno;

		if (mon->sock)
			mnl_socket_close(mon->sock);
		free(mon);
		errno = saved;
		return NULL;
	}
	ev_io_init(&mon->watcher, nl_monitor_read, mnl_socket_get_fd(mon->sock),
		   EV_READ);
	mon->watcher.data = mon;
	ev_io_start(loop, &mon->watcher);
	return mon;
}

void
nl_monitor_close(struct nl_monitor *mon)
{
	if (!mon)
		return;
	ev_io_stop(mon->loop, &mon->watcher);
	mnl_socket_close(mon->sock);
	free(mon);
}
