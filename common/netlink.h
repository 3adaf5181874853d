/* rtnetlink through libmnl: what a daemon needs to know of its links. */
#ifndef HOPLAB_NETLINK_H
#define HOPLAB_NETLINK_H

#include <ev.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000 /* linux/if.h, which net/if.h excludes */
#endif

struct nl_link {
	int ifindex;
	char name[IFNAMSIZ];
	uint8_t mac[6];
	unsigned mtu;
	unsigned flags; /* IFF_* */
	bool up;	/* IFF_UP and IFF_LOWER_UP: frames can flow */
};

/* Fills link for the interface called name; -1 with errno on failure. */
int nl_link_get(const char *name, struct nl_link *link);
/* Sets IFF_UP on an interface; -1 with errno on failure. */
int nl_link_set_up(int ifindex);

typedef void (*nl_link_fn)(const struct nl_link *link, bool deleted, void *arg);

/* Watches link events (RTMGRP_LINK) on loop and reports each to fn. */
struct nl_monitor *nl_monitor_open(struct ev_loop *loop, nl_link_fn fn,
				   void *arg);
void nl_monitor_close(struct nl_monitor *mon);

#endif
