/*
 * Ports over AF_PACKET. Frames are received with recvmmsg and sent with
 * sendmmsg in batches: a burst of frames costs one system call, not one per
 * frame. Frames queued for sending leave before the event loop next blocks
 * (an ev_prepare watcher), or at once when the batch is full.
 */
#include "port_packet.h"

#include <errno.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"

#define PACKET_BATCH 32
#define PACKET_RX_ROUNDS 8 /* batches per wake-up, so no port starves */
#define PACKET_TX_SLOT 9216
#define PACKET_SOCKBUF (4 * 1024 * 1024)
#define PACKET_STATS_SECONDS 1.0

struct port_packet {
	struct port port;
	struct ev_loop *loop;
	int fd;
	ev_io rx_watcher;
	ev_prepare flush_watcher;
	ev_timer stats_timer;
	uint8_t *rx_buf[PACKET_BATCH];
	struct iovec rx_iov[PACKET_BATCH];
	struct sockaddr_ll rx_addr[PACKET_BATCH];
	struct mmsghdr rx_msg[PACKET_BATCH];
	uint8_t (*tx_buf)[PACKET_TX_SLOT];
	struct iovec tx_iov[PACKET_BATCH];
	struct mmsghdr tx_msg[PACKET_BATCH];
	unsigned tx_count;
};

static struct port_packet *
port_packet_of(struct port *port)
{
	return (struct port_packet *)port;
}

void
port_packet_flush(struct port *port)
{
	struct port_packet *pp = port_packet_of(port);
	unsigned sent = 0;

	while (sent < pp->tx_count) {
		int n =
		    sendmmsg(pp->fd, pp->tx_msg + sent, pp->tx_count - sent, 0);

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

static int
port_packet_send(struct port *port, const uint8_t *frame, size_t len)
{
	struct port_packet *pp = port_packet_of(port);
	struct mmsghdr *msg;

	if (len > PACKET_TX_SLOT) {
		port_packet_flush(port);
		return send(pp->fd, frame, len, 0) < 0 ? -1 : 0;
	}
	memcpy(pp->tx_buf[pp->tx_count], frame, len);
	pp->tx_iov[pp->tx_count].iov_len = len;
	msg = &pp->tx_msg[pp->tx_count];
	msg->msg_hdr.msg_iov = &pp->tx_iov[pp->tx_count];
	msg->msg_hdr.msg_iovlen = 1;
	if (pp->tx_count++ == 0)
		ev_prepare_start(pp->loop, &pp->flush_watcher);
	if (pp->tx_count == PACKET_BATCH)
		port_packet_flush(port);
	return 0;
}

static void
port_packet_flush_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	(void)loop;
	(void)revents;
	port_packet_flush(w->data);
}

static void
port_packet_read(struct ev_loop *loop, ev_io *w, int revents)
{
	struct port_packet *pp = w->data;

	(void)loop;
	(void)revents;
	for (int round = 0; round < PACKET_RX_ROUNDS; round++) {
		int n;

		for (int i = 0; i < PACKET_BATCH; i++) {
			pp->rx_msg[i].msg_hdr.msg_namelen =
			    sizeof(pp->rx_addr[i]);
			pp->rx_msg[i].msg_hdr.msg_flags = 0;
		}
		n = recvmmsg(pp->fd, pp->rx_msg, PACKET_BATCH, MSG_TRUNC, NULL);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("port_packet_read: %s", pp->port.name);
			return;
		}
		for (int i = 0; i < n; i++) {
			size_t len = pp->rx_msg[i].msg_len;

			/* Older kernels lack PACKET_IGNORE_OUTGOING. */
			if (pp->rx_addr[i].sll_pkttype == PACKET_OUTGOING)
				continue;
			if (len > PORT_FRAME_MAX) {
				pp->port.cnt.rx_packets++;
				pp->port.cnt.rx_dropped++;
				continue;
			}
			port_deliver(&pp->port, pp->rx_buf[i], len);
		}
		if (n < PACKET_BATCH)
			return;
	}
}

/*
 * Frames the kernel had to drop because the socket's buffer was full never
 * reach us: the kernel counts them, and reading the count resets it.
 */
static void
port_packet_stats_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct port_packet *pp = w->data;
	struct tpacket_stats st;
	socklen_t len = sizeof(st);

	(void)loop;
	(void)revents;
	if (getsockopt(pp->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
		pp->port.cnt.rx_dropped += st.tp_drops;
}

static void
port_packet_close(struct port *port)
{
	struct port_packet *pp = port_packet_of(port);

	port_packet_flush(port);
	ev_timer_stop(pp->loop, &pp->stats_timer);
	ev_io_stop(pp->loop, &pp->rx_watcher);
	close(pp->fd);
	for (int i = 0; i < PACKET_BATCH; i++)
		free(pp->rx_buf[i]);
	free(pp->tx_buf);
	free(pp);
}

static const struct port_ops port_packet_ops = {
    .send = port_packet_send,
    .close = port_packet_close,
};

static int
port_packet_socket(struct port_packet *pp, bool promisc)
{
	struct sockaddr_ll sll = {0};
	int one = 1, bufsize = PACKET_SOCKBUF;

	/* Protocol 0 until bound, so no frame of another interface arrives. */
	pp->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (pp->fd < 0)
		return -1;
	setsockopt(pp->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
		   sizeof(one));
	setsockopt(pp->fd, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof(bufsize));
	setsockopt(pp->fd, SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof(bufsize));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = pp->port.ifindex;
	if (bind(pp->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -1;
	if (promisc) {
		struct packet_mreq mr = {0};

		mr.mr_ifindex = pp->port.ifindex;
		mr.mr_type = PACKET_MR_PROMISC;
		if (setsockopt(pp->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
			       sizeof(mr)) < 0)
			return -1;
	}
	return 0;
}

static int
port_packet_buffers(struct port_packet *pp)
{
	pp->tx_buf = calloc(PACKET_BATCH, PACKET_TX_SLOT);
	if (!pp->tx_buf)
		return -1;
	for (int i = 0; i < PACKET_BATCH; i++) {
		pp->rx_buf[i] = malloc(PORT_FRAME_MAX + 1);
		if (!pp->rx_buf[i])
			return -1;
		pp->rx_iov[i].iov_base = pp->rx_buf[i];
		pp->rx_iov[i].iov_len = PORT_FRAME_MAX + 1;
		pp->rx_msg[i].msg_hdr.msg_iov = &pp->rx_iov[i];
		pp->rx_msg[i].msg_hdr.msg_iovlen = 1;
		pp->rx_msg[i].msg_hdr.msg_name = &pp->rx_addr[i];
		pp->tx_iov[i].iov_base = pp->tx_buf[i];
	}
	return 0;
}

struct port *
port_packet_open(struct ev_loop *loop, const char *ifname, bool promisc,
		 port_rx_fn rx, void *arg, char *err, size_t errlen)
{
	struct port_packet *pp = calloc(1, sizeof(*pp));
	struct nl_link link;

	if (!pp) {
		snprintf(err, errlen, "%s: out of memory", ifname);
		return NULL;
	}
	pp->fd = -1;
	if (strlen(ifname) >= PORT_NAME_MAX || nl_link_get(ifname, &link) < 0) {
		snprintf(err, errlen, "%s: no such interface", ifname);
		goto fail;
	}
	if (!(link.flags & IFF_UP) && nl_link_set_up(link.ifindex) < 0) {
		snprintf(err, errlen, "%s: cannot bring the link up: %s",
			 ifname, strerror(errno));
		goto fail;
	}
	if (nl_link_get(ifname, &link) < 0) {
		snprintf(err, errlen, "%s: interface vanished", ifname);
		goto fail;
	}
	snprintf(pp->port.name, sizeof(pp->port.name), "%s", ifname);
	pp->port.ifindex = link.ifindex;
	memcpy(pp->port.mac, link.mac, sizeof(pp->port.mac));
	pp->port.mtu = link.mtu;
	pp->port.up = link.up;
	pp->port.ops = &port_packet_ops;
	pp->port.rx = rx;
	pp->port.rx_arg = arg;
	pp->loop = loop;
	if (port_packet_buffers(pp) < 0) {
		snprintf(err, errlen, "%s: out of memory", ifname);
		goto fail;
	}
	if (port_packet_socket(pp, promisc) < 0) {
		snprintf(err, errlen, "%s: packet socket: %s", ifname,
			 strerror(errno));
		goto fail;
	}
	ev_io_init(&pp->rx_watcher, port_packet_read, pp->fd, EV_READ);
	pp->rx_watcher.data = pp;
	ev_io_start(loop, &pp->rx_watcher);
	ev_prepare_init(&pp->flush_watcher, port_packet_flush_cb);
	pp->flush_watcher.data = pp;
	ev_timer_init(&pp->stats_timer, port_packet_stats_cb,
		      PACKET_STATS_SECONDS, PACKET_STATS_SECONDS);
	pp->stats_timer.data = pp;
	ev_timer_start(loop, &pp->stats_timer);
	return &pp->port;
fail:
	if (pp->fd >= 0)
		close(pp->fd);
	for (int i = 0; i < PACKET_BATCH; i++)
		free(pp->rx_buf[i]);
	free(pp->tx_buf);
	free(pp);
	return NULL;
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
