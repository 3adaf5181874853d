/*
 * hostsock: sockets of a running hostd as ordinary file descriptors.
 *
 * hostsock_udp() asks hostd, over its control socket, for a UDP socket of
 * its stack and gets back one end of a SOCK_SEQPACKET socketpair (passed
 * with SCM_RIGHTS). hostd moves datagrams between the other end and the
 * stack's socket, so read, write, poll and close work unchanged; one
 * message on the descriptor is one UDP datagram.
 *
 * Two modes:
 *
 *  - connected and not HOSTSOCK_FRAMED: each message is a bare payload.
 *    write() sends one datagram to the peer; read() returns one datagram
 *    from the peer. ICMP errors about the socket are not reported. Empty
 *    datagrams cannot be told from end of file with read(); use
 *    hostsock_recv() when they matter.
 *  - otherwise (always when not connected): each message starts with a
 *    struct hostsock_hdr naming the peer. Messages from hostd are
 *    HOSTSOCK_DATA (a datagram from addr:port) or HOSTSOCK_ERROR (an ICMP
 *    error about a datagram sent to addr:port, reported by icmp_from).
 *    Messages to hostd are HOSTSOCK_DATA to addr:port; addr 0 and port 0
 *    mean the connected peer. hostsock_sendto() and hostsock_recvfrom()
 *    add and strip the header. A header alone of kind HOSTSOCK_CONNECT
 *    connects the socket to addr:port afterwards (hostsock_udp_connect),
 *    or with addr 0 undoes that.
 *
 * Closing the descriptor closes the stack's socket.
 *
 * TCP gives each connection as one end of a SOCK_STREAM socketpair: a
 * byte stream, with read, write, poll and close as on a kernel socket.
 * shutdown(fd, SHUT_WR) sends a FIN once the data written is sent; the
 * peer's FIN reads as end of file; close() sends a FIN when the data is
 * sent, and the connection lives on in hostd until it is closed. A reset
 * (or retransmissions that gave up) also reads as end of file, and writes
 * then fail with EPIPE: only the connection's status channel tells the
 * two ends apart (hostsock_tcp_status), for a connection connected
 * (hostsock_tcp_connect) or accepted (hostsock_accept) alike. Set SIGPIPE
 * aside (or send with MSG_NOSIGNAL) as with any socket.
 *
 * A listener (hostsock_tcp_listen) is one end of a SOCK_SEQPACKET
 * socketpair: each accepted connection arrives on it as one message, a
 * struct hostsock_accepted with two descriptors (the connection's and its
 * status channel), which hostsock_accept() takes and acknowledges with one
 * byte written back. hostd passes at most the backlog of connections not
 * yet acknowledged; the rest wait in its accept queue. End of file on the
 * listener means hostd closed it or went away; closing it closes hostd's
 * listener, and the connections already accepted live on.
 *
 * Functions return -1 with errno set on failure; hostsock_error() then
 * holds a message.
 */
#ifndef HOPLAB_HOSTSOCK_H
#define HOPLAB_HOSTSOCK_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define HOSTSOCK_FRAMED 0x1 /* a header on every message, even connected */
#define HOSTSOCK_REUSE                                                         \
	0x2 /* share the port with other HOSTSOCK_REUSE sockets */

enum hostsock_kind {
	HOSTSOCK_DATA = 0,
	HOSTSOCK_ERROR = 1,
	HOSTSOCK_CONNECT = 2, /* to hostd, on a framed descriptor */
};

/* The framing header; every field in network byte order. */
struct hostsock_hdr {
	uint8_t kind;	   /* enum hostsock_kind */
	uint8_t icmp_type; /* HOSTSOCK_ERROR: the ICMP type and code */
	uint8_t icmp_code;
	uint8_t reserved;
	uint32_t addr; /* the peer: source of data, destination of errors */
	uint16_t port; /* the peer's port */
	uint16_t reserved2;
	uint32_t icmp_from; /* HOSTSOCK_ERROR: who sent the ICMP error */
} __attribute__((packed));

#define HOSTSOCK_HDR_LEN ((size_t)sizeof(struct hostsock_hdr))
#define HOSTSOCK_PAYLOAD_MAX 65507 /* the largest UDP payload over IPv4 */
#define HOSTSOCK_MSG_MAX (HOSTSOCK_HDR_LEN + HOSTSOCK_PAYLOAD_MAX)

/*
 * Finds the control socket of node: a path (starting with '/' or '.', or
 * ending in ".sock"), LAB/NODE, or NODE when exactly one lab has it, under
 * $HOPLAB_RUN_DIR or /run/hoplab. 0 on success.
 */
int hostsock_resolve(const char *node, char *path, size_t len);

/*
 * Opens a UDP socket on node's hostd. bind_to gives the local address and
 * port (NULL or port 0: an ephemeral port, address 0: any); connect_to,
 * when not NULL, the peer. flags: HOSTSOCK_FRAMED, HOSTSOCK_REUSE (the
 * port may be shared with other sockets that asked for it, as
 * SO_REUSEADDR lets UDP sockets share one; a datagram goes to the socket
 * that matches it best, a connected one first). When bound is not NULL it
 * receives the local address and port hostd chose. Returns the
 * descriptor, or -1 with errno ECONNREFUSED when hostd refused (then
 * hostsock_named_errno() tells the errno it named, EADDRINUSE,
 * EADDRNOTAVAIL, ...), another errno when hostd could not be asked.
 */
int hostsock_udp(const char *node, const struct sockaddr_in *bind_to,
		 const struct sockaddr_in *connect_to, int flags,
		 struct sockaddr_in *bound);

/*
 * Connects the socket of framed descriptor fd to peer from now on (peer
 * NULL or address 0: undoes it): hostd then passes on only the peer's
 * datagrams, and sends to addr 0, port 0 go to the peer. Datagrams
 * already on their way are not taken back. 0, or -1 with errno.
 */
int hostsock_udp_connect(int fd, const struct sockaddr_in *peer);

/* Sends one datagram to `to` on a framed descriptor (to NULL: the peer). */
ssize_t hostsock_sendto(int fd, const void *buf, size_t len,
			const struct sockaddr_in *to);

/*
 * Receives one message from a framed descriptor: its payload (cut to len)
 * into buf, the peer into from and the header into hdr (either may be
 * NULL). Returns the payload length, 0 for an empty datagram, -1 with
 * errno ECONNRESET at end of file.
 */
ssize_t hostsock_recvfrom(int fd, void *buf, size_t len,
			  struct sockaddr_in *from, struct hostsock_hdr *hdr);

/*
 * Receives one datagram from a bare (connected, unframed) descriptor:
 * the length, 0 for an empty datagram, -1 with errno ECONNRESET at end of
 * file.
 */
ssize_t hostsock_recv(int fd, void *buf, size_t len);

/*
 * Connects to peer over node's TCP. bind_to, when not NULL, gives the
 * local address and port (port 0: an ephemeral one, address 0: chosen by
 * the route); timeout_ms > 0 bounds the connect (whole seconds, rounded
 * up; otherwise hostd's default, about 127 s). Blocks until the
 * connection is established or has failed. When local is not NULL it
 * receives the connection's local address and port.
 *
 * Returns the connection's descriptor, or -1 with errno ECONNREFUSED,
 * ETIMEDOUT, ENETUNREACH, EHOSTUNREACH, EADDRINUSE or EADDRNOTAVAIL as
 * hostd named it (EINVAL for a request hostd refused as malformed, EIO for
 * a failure it named no errno for, EPROTO for a reply not understood)
 * and hostd's message in hostsock_error().
 *
 * When status_fd is not NULL it receives the connection's status channel
 * (the control connection, close it when done); otherwise that is closed,
 * which leaves the connection as it is.
 */
int hostsock_tcp_connect(const char *node, const struct sockaddr_in *bind_to,
			 const struct sockaddr_in *peer, int timeout_ms,
			 struct sockaddr_in *local, int *status_fd);

/*
 * Starts connecting to peer as hostsock_tcp_connect does, but returns as
 * soon as hostd has made the connection's descriptor, before the
 * handshake: data written to it waits until the connection is
 * established. status_fd (not NULL) receives the status channel, on which
 * hostsock_tcp_connect_result() tells how the handshake went; if it
 * failed, hostd closes its end of the descriptor (it reads end of file
 * and polls hung up). -1 with errno for a connection that could not even
 * start (ENETUNREACH, EADDRINUSE, ...), as for hostsock_tcp_connect.
 */
int hostsock_tcp_connect_start(const char *node,
			       const struct sockaddr_in *bind_to,
			       const struct sockaddr_in *peer, int timeout_ms,
			       struct sockaddr_in *local, int *status_fd);

/*
 * How the handshake of a connection from hostsock_tcp_connect_start went:
 * 0 once established, or the errno that ended it (ECONNREFUSED,
 * ETIMEDOUT, ...). Blocks until that is known when block is not 0;
 * otherwise -1 with errno EAGAIN while it is not. -1 with errno EPROTO
 * when the channel broke or said something else. Read once: afterwards
 * the channel goes on as for hostsock_tcp_status.
 */
int hostsock_tcp_connect_result(int status_fd, int block);

/*
 * Blocks until the connection of status_fd (from hostsock_tcp_connect or
 * hostsock_accept) has ended (it polls readable once the end is known)
 * and tells how: 0 for an orderly close, ECONNRESET for a reset,
 * ETIMEDOUT when retransmissions gave up, or another errno hostd named;
 * -1 with errno EPROTO when the channel broke or said something else.
 * Leaves status_fd open.
 */
int hostsock_tcp_status(int status_fd);

/*
 * Listens on bind_to (address 0: any; NULL stands for 0.0.0.0:0, and
 * hostd refuses port 0 as a usage error, EINVAL) on node's TCP, passing at
 * most backlog connections not yet accepted down the listening descriptor
 * (<= 0: hostd's default, 16); hostd's accept queue holds the rest. When
 * bound is not NULL it receives the address and port listened on.
 *
 * Returns the listening descriptor (SOCK_SEQPACKET, close-on-exec), or -1
 * with errno (EADDRINUSE, EADDRNOTAVAIL, ... as for
 * hostsock_tcp_connect). It polls readable when a connection waits to be
 * accepted, or when the listener has gone; closing it closes the listener
 * (not the connections already accepted). The request's control
 * connection is closed before it returns.
 */
int hostsock_tcp_listen(const char *node, const struct sockaddr_in *bind_to,
			int backlog, struct sockaddr_in *bound);

/*
 * What the listening descriptor carries for each accepted connection (with
 * its two descriptors); network byte order.
 */
struct hostsock_accepted {
	uint32_t laddr;
	uint32_t raddr;
	uint16_t lport;
	uint16_t rport;
};

/*
 * Takes the next connection from the listening descriptor lfd and
 * acknowledges it to hostd. Blocks until one comes, unless lfd is
 * O_NONBLOCK: then -1 with EAGAIN when none waits. The peer's address and
 * port go into peer, the connection's own into local (either may be
 * NULL). When status_fd is not NULL it receives the connection's status
 * channel (for hostsock_tcp_status; close it when done); otherwise that is
 * closed, which leaves the connection as it is. Both descriptors are
 * close-on-exec.
 *
 * Returns the connection's descriptor, or -1 with errno ECONNABORTED when
 * the listener is gone (hostd closed it or went away), EPROTO for a
 * message not understood (its descriptors are closed and the listener
 * still works).
 */
int hostsock_accept(int lfd, struct sockaddr_in *peer,
		    struct sockaddr_in *local, int *status_fd);

/* The name hostd gives errno err ("ECONNREFUSED"; "EIO" for one it has
 * no name for), and the errno of a name (EIO for one it does not know). */
const char *hostsock_errno_name(int err);
int hostsock_errno_value(const char *name);

/*
 * The errno hostd named for the last hostsock_udp() of this thread that
 * it refused, 0 when it named none.
 */
int hostsock_named_errno(void);

/* The message of the last failure in this thread. */
const char *hostsock_error(void);

/* Parses "A.B.C.D:PORT" (or "A.B.C.D" with port 0); 0 on success. */
int hostsock_parse_addr(const char *s, struct sockaddr_in *sin);

#endif
