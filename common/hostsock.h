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
 *    add and strip the header.
 *
 * Closing the descriptor closes the stack's socket. Functions return -1
 * with errno set on failure; hostsock_error() then holds a message.
 */
#ifndef HOPLAB_HOSTSOCK_H
#define HOPLAB_HOSTSOCK_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define HOSTSOCK_FRAMED 0x1 /* a header on every message, even connected */

enum hostsock_kind {
	HOSTSOCK_DATA = 0,
	HOSTSOCK_ERROR = 1,
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
 * when not NULL, the peer. flags: HOSTSOCK_FRAMED. When bound is not NULL
 * it receives the local address and port hostd chose. Returns the
 * descriptor, or -1.
 */
int hostsock_udp(const char *node, const struct sockaddr_in *bind_to,
		 const struct sockaddr_in *connect_to, int flags,
		 struct sockaddr_in *bound);

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

/* The message of the last failure in this thread. */
const char *hostsock_error(void);

/* Parses "A.B.C.D:PORT" (or "A.B.C.D" with port 0); 0 on success. */
int hostsock_parse_addr(const char *s, struct sockaddr_in *sin);

#endif
