/* hopctl's udp commands, run over a hostsock descriptor rather than as
 * control requests, so that they carry stdin and any bytes. */
#ifndef HOPLAB_HOPCTL_UDP_H
#define HOPLAB_HOPCTL_UDP_H

#include <stdbool.h>

/* True when words (the command after NODE) is `udp send` or `udp listen`. */
bool hopctl_udp_wants(int argc, char **argv);

/*
 * Runs `udp send DEST PORT [MESSAGE...]` or `udp listen PORT [-c N]` on
 * the hostd whose control socket is path; returns hopctl's exit status.
 */
int hopctl_udp(const char *node, const char *path, int argc, char **argv,
	       bool json);

#endif
