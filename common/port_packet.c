/*
 * Ports over AF_PACKET. Each port has a socket that receives into a
 * memory-mapped ring (port_ring.h) that the daemon reads in place, and
 * one that sends with sendmmsg in batches, bypassing the queueing
 * discipline; the sending socket is not in the event loop, so freeing
 * what it sent wakes no one. A frame sent on
 * while it is being received is not copied: its batch entry points into
 * the ring, and every port's batch leaves before the ring's frames go
 * back to the kernel. Other frames are copied into the batch. A batch
 * leaves when it is full, when the ring's frames go back, or before the
 * event loop next blocks (an ev_prepare watcher).
 *
 * Busy polling (off by default): for a while after the last frame, the
 * loop does not sleep but keeps looking at every port's receive ring, so
 * that a frame is handled the moment the kernel writes it; the rings are
 * then TPACKET_V2, whose frames are visible one by one.
 */
#include "port_packet.h"

#include <errno.h>
#include <sched.h>
#include <arpa/inet.h>
#include <net/ethernet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "port_ring.h"

#define PACKET_RX_BUDGET 1024 /* frames per wake-up, so no port starves */
#define PACKET_BATCH 64	      /* frames per sendmmsg */
#define PACKET_TX_SLOT 2048   /* a copied frame; longer ones go alone */
#define PACKET_SNDBUF (4 * 1024 * 1024)
#define PACKET_STATS_SECONDS 1.0
#define PACKET_POLL_SLICE_NS 20000 /* spinning before the loop looks */

struct port_packet {
	struct port port;
	struct ev_loop *loop;
	bool promisc;
	int fd;	   /* receives */
	int tx_fd; /* sends */
	struct ring_rx rx;
	uint8_t (*tx_buf)[PACKET_TX_SLOT];
	struct iovec tx_iov[PACKET_BATCH];
	struct mmsghdr tx_msg[PACKET_BATCH];
	unsigned tx_count;
	ev_io rx_watcher;
	ev_prepare flush_watcher;
	ev_timer stats_timer;
	struct port_packet *next; /* among the open ports */
};

/* Every open port, the ring being read, and the busy polling. */
static struct {
	struct port_packet *ports;
	bool bulk;			/* V3 rings while not busy polling */
	const struct ring_rx *draining; /* its frames are sent uncopied */
	struct ev_loop *loop;
	ev_idle idle;
	unsigned usec;	   /* 0: off */
	int64_t last_seen; /* ns, when a frame last came in */
} port_poll;

static struct port_packet *
port_packet_of(struct port *port)
{
	return (struct port_packet *)port;
}

static int64_t
port_packet_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void
port_packet_flush(struct port *port)
{
	struct port_packet *pp = port_packet_of(port);
	unsigned sent = 0;

	while (sent < pp->tx_count) {
		int n = sendmmsg(pp->tx_fd, pp->tx_msg + sent,
				 pp->tx_count - sent, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* Lost frames are counted, the port goes on. */
			port->cnt.tx_dropped += pp->tx_count - sent;
			port->cnt.tx_packets -= pp->tx_count - sent;
			break;
		}
		sent += (unsigned)n;
	}
	pp->tx_count = 0;
	ev_prepare_stop(pp->loop, &pp->flush_watcher);
}

/* Sends every port's batch, before the frames they point to go back. */
static void
port_packet_flush_all(void)
{
	for (struct port_packet *pp = port_poll.ports; pp; pp = pp->next)
		if (pp->tx_count)
			port_packet_flush(&pp->port);
}

static void
port_packet_flush_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	(void)loop;
	(void)revents;
	port_packet_flush(w->data);
}

/* Is frame in the ring being read, so that it lives until the flush? */
static bool
port_packet_in_ring(const uint8_t *frame, size_t len)
{
	const struct ring_rx *rx = port_poll.draining;

	return rx && frame >= rx->map && len <= rx->map_len &&
	       (size_t)(frame - rx->map) <= rx->map_len - len;
}

static int
port_packet_send(struct port *port, const uint8_t *frame, size_t len)
{
	struct port_packet *pp = port_packet_of(port);
	struct iovec *iov = &pp->tx_iov[pp->tx_count];

	if (port_packet_in_ring(frame, len)) {
		iov->iov_base = (void *)(uintptr_t)frame;
	} else if (len <= PACKET_TX_SLOT) {
		memcpy(pp->tx_buf[pp->tx_count], frame, len);
		iov->iov_base = pp->tx_buf[pp->tx_count];
	} else {
		/* Too long for a slot: sent on its own, after the rest. */
		port_packet_flush(port);
		return send(pp->tx_fd, frame, len, 0) < 0 ? -1 : 0;
	}
	iov->iov_len = len;
	if (pp->tx_count++ == 0)
		ev_prepare_start(pp->loop, &pp->flush_watcher);
	if (pp->tx_count == PACKET_BATCH)
		port_packet_flush(port);
	return 0;
}

/* Hands one frame from the ring to the owner, or counts why not. */
static void
port_packet_frame(struct port *port, const struct ring_frame *f)
{
	/* Older kernels lack PACKET_IGNORE_OUTGOING. */
	if (f->pkttype == PACKET_OUTGOING)
		return;
	if (f->wire_len > PORT_FRAME_MAX) {
		port->cnt.rx_packets++;
		port->cnt.rx_dropped++;
	} else if (f->len < f->wire_len) {
		/* Cut short by a slot sized for a smaller MTU. */
		port->cnt.rx_packets++;
		port->cnt.rx_bytes += f->wire_len;
		port->cnt.rx_oversize++;
		port->cnt.rx_dropped++;
	} else {
		port_deliver_mut(port, f->data, f->len);
	}
}

/*
 * Hands the frames the kernel wrote to the owner, a ring block (or what
 * V2 slots there are) at a time: what they made the ports send leaves
 * before they go back. Returns how many there were.
 */
static int
port_packet_drain(struct port_packet *pp)
{
	struct ring_frame f;
	uint64_t bad = 0;
	int n = 0;

	if (!pp->rx.map)
		return 0;
	do {
		port_poll.draining = &pp->rx;
		while (n < PACKET_RX_BUDGET &&
		       ring_rx_next(&pp->rx, &f, &bad)) {
			n++;
			port_packet_frame(&pp->port, &f);
		}
		port_packet_flush_all();
		port_poll.draining = NULL;
		ring_rx_release(&pp->rx);
	} while (n < PACKET_RX_BUDGET && ring_rx_ready(&pp->rx));
	pp->port.cnt.rx_packets += bad;
	pp->port.cnt.rx_dropped += bad;
	return n;
}

/* Frames came in: busy polling, when on, goes on for a while. */
static void
port_poll_arm(void)
{
	if (!port_poll.usec)
		return;
	port_poll.last_seen = port_packet_clock();
	if (!ev_is_active(&port_poll.idle))
		ev_idle_start(port_poll.loop, &port_poll.idle);
}

static void
port_packet_read(struct ev_loop *loop, ev_io *w, int revents)
{
	struct port_packet *pp = w->data;
	socklen_t len = sizeof(int);
	int err = 0;

	(void)loop;
	(void)revents;
	if (port_packet_drain(pp) > 0) {
		port_poll_arm();
		return;
	}
	/* Woken with nothing to read: an error (the interface went away)
	 * that stays pending, and keeps waking the loop, until read. */
	if (getsockopt(pp->fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err)
		log_warnx("port_packet_read: %s: %s", pp->port.name,
			  strerror(err));
}

/*
 * The loop has nothing else to do: spin over the rings for a short slice,
 * handing on whatever arrives, and stop once nothing has come for the
 * busy-poll time (the loop then sleeps until a socket wakes it).
 */
static void
port_poll_idle_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	int64_t start = port_packet_clock(), now = start;
	bool seen = false;

	(void)revents;
	do {
		for (struct port_packet *pp = port_poll.ports; pp;
		     pp = pp->next)
			if (pp->rx.map && ring_rx_ready(&pp->rx) &&
			    port_packet_drain(pp))
				seen = true;
		now = port_packet_clock();
		/* Other daemons may poll on this CPU too: the one a frame
		 * is for must get to run. */
		if (!seen)
			sched_yield();
	} while (!seen && now - start < PACKET_POLL_SLICE_NS);
	if (seen)
		port_poll.last_seen = now;
	else if (now - port_poll.last_seen > (int64_t)port_poll.usec * 1000)
		ev_idle_stop(loop, w);
}

/*
 * Frames the kernel had to drop because the receive ring was full never
 * reach us: the kernel counts them, and reading the count resets it.
 */
static void
port_packet_stats_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct port_packet *pp = w->data;
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof(st);

	(void)loop;
	(void)revents;
	if (getsockopt(pp->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0) {
		pp->port.cnt.rx_ring_full += st.tp_drops;
		pp->port.cnt.rx_dropped += st.tp_drops;
	}
}

static void
port_packet_rx_close(struct port_packet *pp)
{
	if (pp->fd < 0)
		return;
	ev_io_stop(pp->loop, &pp->rx_watcher);
	port_packet_stats_cb(pp->loop, &pp->stats_timer, 0);
	ring_rx_unmap(&pp->rx);
	close(pp->fd);
	pp->fd = -1;
}

static void
port_packet_free(struct port_packet *pp)
{
	port_packet_rx_close(pp);
	if (pp->tx_fd >= 0)
		close(pp->tx_fd);
	free(pp->tx_buf);
	free(pp);
}

static void
port_packet_close(struct port *port)
{
	struct port_packet *pp = port_packet_of(port);
	struct port_packet **link = &port_poll.ports;

	port_packet_flush(port);
	ev_prepare_stop(pp->loop, &pp->flush_watcher);
	ev_timer_stop(pp->loop, &pp->stats_timer);
	while (*link && *link != pp)
		link = &(*link)->next;
	if (*link)
		*link = pp->next;
	if (!port_poll.ports && ev_is_active(&port_poll.idle))
		ev_idle_stop(pp->loop, &port_poll.idle);
	port_packet_free(pp);
}

static const struct port_ops port_packet_ops = {
    .send = port_packet_send,
    .close = port_packet_close,
};

/*
 * A receiving socket and its ring, not yet receiving (protocol 0, so no
 * frame of another interface arrives either): a V2 ring (each frame seen
 * as soon as it is written) unless bulk rings were asked for and busy
 * polling is off. -1 with errno, closing what it opened.
 */
static int
port_packet_rx_open(struct port_packet *pp, struct ring_rx *rx)
{
	int one = 1, fd, err;
	int version =
	    port_poll.bulk && !port_poll.usec ? TPACKET_V3 : TPACKET_V2;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	if (ring_rx_setup(fd, rx, version, port_frame_max(&pp->port)) < 0) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* Binds fd to the port's interface with protocol p (0: receive nothing). */
static int
port_packet_rx_bind(const struct port_packet *pp, int fd, uint16_t p)
{
	struct sockaddr_ll sll = {0};

	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(p);
	sll.sll_ifindex = pp->port.ifindex;
	return bind(fd, (struct sockaddr *)&sll, sizeof(sll));
}

/*
 * Starts fd (from port_packet_rx_open) receiving every frame of the
 * interface but the ones sent from it; on failure closes it and its ring.
 */
static int
port_packet_rx_live(const struct port_packet *pp, int fd, struct ring_rx *rx)
{
	struct packet_mreq mr = {0};
	int err;

	mr.mr_ifindex = pp->port.ifindex;
	mr.mr_type = PACKET_MR_PROMISC;
	if (port_packet_rx_bind(pp, fd, ETH_P_ALL) < 0 ||
	    (pp->promisc && setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP,
				       &mr, sizeof(mr)) < 0)) {
		err = errno;
		ring_rx_unmap(rx);
		close(fd);
		errno = err;
		return -1;
	}
	return 0;
}

/* Makes a live fd and its ring the port's receiving socket. */
static void
port_packet_rx_install(struct port_packet *pp, int fd, const struct ring_rx *rx)
{
	pp->fd = fd;
	pp->rx = *rx;
	pp->port.rx_ring =
	    rx->version == TPACKET_V3 ? "tpacket_v3" : "tpacket_v2";
	ev_io_init(&pp->rx_watcher, port_packet_read, fd, EV_READ);
	pp->rx_watcher.data = pp;
	ev_io_start(pp->loop, &pp->rx_watcher);
}

/* The receiving socket of a new port. */
static int
port_packet_socket(struct port_packet *pp)
{
	struct ring_rx rx;
	int fd = port_packet_rx_open(pp, &rx);

	if (fd < 0 || port_packet_rx_live(pp, fd, &rx) < 0)
		return -1;
	port_packet_rx_install(pp, fd, &rx);
	return 0;
}

/*
 * Gives a working port a new receiving socket (the ring that suits the
 * busy polling now asked for) with next to no moment in which no socket
 * takes frames, and none in which both do: the new ring is made first,
 * the old socket stops and the new one starts one call later, then what
 * the old ring still holds is handled before it goes. On failure the old
 * socket goes on.
 */
static int
port_packet_rx_reopen(struct port_packet *pp)
{
	struct ring_rx rx;
	int fd = port_packet_rx_open(pp, &rx);

	if (fd < 0)
		return -1;
	port_packet_rx_bind(pp, pp->fd, 0);
	if (port_packet_rx_live(pp, fd, &rx) < 0) {
		/* The old socket goes on as it was. */
		port_packet_rx_bind(pp, pp->fd, ETH_P_ALL);
		return -1;
	}
	while (port_packet_drain(pp) > 0)
		;
	port_packet_rx_close(pp);
	port_packet_rx_install(pp, fd, &rx);
	return 0;
}

/*
 * The sending socket: bound to the interface with protocol 0, so that it
 * receives nothing; its frames skip the queueing discipline.
 */
static int
port_packet_tx_socket(struct port_packet *pp)
{
	int one = 1, bufsize = PACKET_SNDBUF;
	struct sockaddr_ll sll = {0};

	pp->tx_fd =
	    socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (pp->tx_fd < 0)
		return -1;
	setsockopt(pp->tx_fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
		   sizeof(one));
	setsockopt(pp->tx_fd, SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof(bufsize));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = pp->port.ifindex;
	return bind(pp->tx_fd, (struct sockaddr *)&sll, sizeof(sll));
}

/* Fills in the port from its link, brought up; -1 with a message. */
static int
port_packet_link(struct port_packet *pp, const char *ifname, char *err,
		 size_t errlen)
{
	struct nl_link link;

	if (strlen(ifname) >= PORT_NAME_MAX || nl_link_get(ifname, &link) < 0) {
		snprintf(err, errlen, "%s: no such interface", ifname);
		return -1;
	}
	if (!(link.flags & IFF_UP) && nl_link_set_up(link.ifindex) < 0) {
		snprintf(err, errlen, "%s: cannot bring the link up: %s",
			 ifname, strerror(errno));
		return -1;
	}
	if (nl_link_get(ifname, &link) < 0) {
		snprintf(err, errlen, "%s: interface vanished", ifname);
		return -1;
	}
	snprintf(pp->port.name, sizeof(pp->port.name), "%s", ifname);
	pp->port.ifindex = link.ifindex;
	memcpy(pp->port.mac, link.mac, sizeof(pp->port.mac));
	pp->port.mtu = link.mtu;
	pp->port.up = link.up;
	return 0;
}

struct port *
port_packet_open(struct ev_loop *loop, const char *ifname, bool promisc,
		 port_rx_fn rx, void *arg, char *err, size_t errlen)
{
	struct port_packet *pp = calloc(1, sizeof(*pp));

	if (!pp) {
		snprintf(err, errlen, "%s: out of memory", ifname);
		return NULL;
	}
	pp->fd = pp->tx_fd = -1;
	pp->loop = loop;
	pp->promisc = promisc;
	if (port_packet_link(pp, ifname, err, errlen) < 0) {
		port_packet_free(pp);
		return NULL;
	}
	pp->port.ops = &port_packet_ops;
	pp->port.rx = rx;
	pp->port.rx_arg = arg;
	pp->tx_buf = calloc(PACKET_BATCH, PACKET_TX_SLOT);
	if (!pp->tx_buf) {
		snprintf(err, errlen, "%s: out of memory", ifname);
		port_packet_free(pp);
		return NULL;
	}
	for (int i = 0; i < PACKET_BATCH; i++) {
		pp->tx_msg[i].msg_hdr.msg_iov = &pp->tx_iov[i];
		pp->tx_msg[i].msg_hdr.msg_iovlen = 1;
	}
	if (port_packet_tx_socket(pp) < 0 || port_packet_socket(pp) < 0) {
		snprintf(err, errlen, "%s: packet socket: %s", ifname,
			 strerror(errno));
		port_packet_free(pp);
		return NULL;
	}
	ev_prepare_init(&pp->flush_watcher, port_packet_flush_cb);
	pp->flush_watcher.data = pp;
	ev_timer_init(&pp->stats_timer, port_packet_stats_cb,
		      PACKET_STATS_SECONDS, PACKET_STATS_SECONDS);
	pp->stats_timer.data = pp;
	ev_timer_start(loop, &pp->stats_timer);
	if (!port_poll.loop) {
		port_poll.loop = loop;
		ev_idle_init(&port_poll.idle, port_poll_idle_cb);
	}
	pp->next = port_poll.ports;
	port_poll.ports = pp;
	return &pp->port;
}

int
port_packet_busy_poll(unsigned usec)
{
	bool ring_changes = port_poll.bulk && !port_poll.usec != !usec;
	int rc = 0;

	port_poll.usec = usec;
	if (!usec && port_poll.loop && ev_is_active(&port_poll.idle))
		ev_idle_stop(port_poll.loop, &port_poll.idle);
	if (!ring_changes)
		return 0;
	/* Each port gets the receive ring that suits (V2 to poll). */
	for (struct port_packet *pp = port_poll.ports; pp; pp = pp->next) {
		if (port_packet_rx_reopen(pp) < 0) {
			log_warn("port_packet_busy_poll: %s", pp->port.name);
			rc = -1;
		}
	}
	return rc;
}

void
port_packet_bulk_rings(bool bulk)
{
	port_poll.bulk = bulk;
}

unsigned
port_packet_busy_poll_usec(void)
{
	return port_poll.usec;
}

int
port_packet_link_event(struct port *port, const struct nl_link *link)
{
	bool was_up = port->up;

	if (link->ifindex != port->ifindex)
		return 0;
	port->up = link->up;
	if (link->mtu)
		port->mtu = link->mtu;
	if (!ether_is_zero(link->mac))
		memcpy(port->mac, link->mac, sizeof(port->mac));
	return was_up != port->up;
}

void
port_packet_link_apply(struct port **ports, int nports,
		       const struct nl_link *link, bool deleted,
		       void (*changed)(struct port *port, void *arg), void *arg)
{
	struct nl_link gone;

	if (deleted) {
		gone = *link;
		gone.up = false;
		link = &gone;
	}
	for (int i = 0; i < nports; i++)
		if (port_packet_link_event(ports[i], link))
			changed(ports[i], arg);
}
