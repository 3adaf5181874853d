/*
 * pktinject: sends raw Ethernet frames out of an interface, for tests that
 * throw hostile input at a daemon. Either frames given in hex, or random
 * frames whose destination, source and EtherType can be fixed so that they
 * reach a given layer of the receiver.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ether.h"

static void
usage(FILE *f, int status)
{
	fprintf(
	    f,
	    "usage: pktinject -i IF [OPTIONS] [HEX...]\n"
	    "Sends each HEX frame, or --random N random frames, out of IF.\n\n"
	    "  -i, --interface IF   interface to send on\n"
	    "  -r, --random N       send N random frames\n"
	    "  -s, --seed N         random seed (default 1)\n"
	    "  -d, --dst MAC        fix the destination of random frames\n"
	    "  -S, --src MAC        fix the source of random frames\n"
	    "  -t, --type HEX       fix the EtherType of random frames\n"
	    "  -m, --max-len N      longest random frame (default 1514)\n"
	    "  -c, --count N        send each HEX frame N times (default 1)\n"
	    "  -h, --help           show this help\n");
	exit(status);
}

/* Decodes hex (blanks and colons allowed) into buf; returns the length. */
static size_t
unhex(const char *s, uint8_t *buf, size_t max)
{
	size_t n = 0;

	while (*s) {
		int hi, lo;

		if (*s == ':' || *s == ' ' || *s == '.') {
			s++;
			continue;
		}
		hi = ether_hexdigit(s[0]);
		lo = hi < 0 ? -1 : ether_hexdigit(s[1]);
		if (lo < 0 || n == max) {
			fprintf(stderr, "pktinject: bad hex frame\n");
			exit(2);
		}
		buf[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	return n;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"interface", required_argument, NULL, 'i'},
	    {"random", required_argument, NULL, 'r'},
	    {"seed", required_argument, NULL, 's'},
	    {"dst", required_argument, NULL, 'd'},
	    {"src", required_argument, NULL, 'S'},
	    {"type", required_argument, NULL, 't'},
	    {"max-len", required_argument, NULL, 'm'},
	    {"count", required_argument, NULL, 'c'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	uint8_t dst[6], src[6], frame[65536];
	int have_dst = 0, have_src = 0, type = -1, opt, fd;
	long nrandom = 0, count = 1, maxlen = 1514;
	unsigned seed = 1;
	unsigned long sent = 0, refused = 0;
	const char *ifname = NULL;
	struct sockaddr_ll sll = {0};

	while ((opt = getopt_long(argc, argv, "i:r:s:d:S:t:m:c:h", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 'r':
			nrandom = atol(optarg);
			break;
		case 's':
			seed = (unsigned)atol(optarg);
			break;
		case 'd':
			if (ether_aton_buf(optarg, dst) < 0)
				usage(stderr, 2);
			have_dst = 1;
			break;
		case 'S':
			if (ether_aton_buf(optarg, src) < 0)
				usage(stderr, 2);
			have_src = 1;
			break;
		case 't':
			type = (int)strtol(optarg, NULL, 16);
			break;
		case 'm':
			maxlen = atol(optarg);
			if (maxlen < 1 || maxlen > (long)sizeof(frame))
				usage(stderr, 2);
			break;
		case 'c':
			count = atol(optarg);
			break;
		case 'h':
			usage(stdout, 0);
			break;
		default:
			usage(stderr, 2);
		}
	}
	if (!ifname)
		usage(stderr, 2);
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	sll.sll_protocol = htons(ETH_P_ALL);
	if (fd < 0 || sll.sll_ifindex == 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "pktinject: %s: %s\n", ifname, strerror(errno));
		return 1;
	}
	srandom(seed);
	for (long i = 0; i < nrandom; i++) {
		size_t len = (size_t)(random() % maxlen) + 1;

		for (size_t k = 0; k < len; k++)
			frame[k] = (uint8_t)random();
		if (have_dst && len >= 6)
			memcpy(frame, dst, 6);
		if (have_src && len >= 12)
			memcpy(frame + 6, src, 6);
		if (type >= 0 && len >= 14) {
			frame[12] = (uint8_t)(type >> 8);
			frame[13] = (uint8_t)type;
		}
		/* The kernel refuses frames shorter than a header: counted. */
		if (send(fd, frame, len, 0) < 0)
			refused++;
		else
			sent++;
	}
	for (int a = optind; a < argc; a++) {
		size_t len = unhex(argv[a], frame, sizeof(frame));

		for (long k = 0; k < count; k++) {
			if (send(fd, frame, len, 0) < 0) {
				fprintf(stderr, "pktinject: send: %s\n",
					strerror(errno));
				return 1;
			}
			sent++;
		}
	}
	printf("%lu sent, %lu refused by the kernel\n", sent, refused);
	close(fd);
	return 0;
}
