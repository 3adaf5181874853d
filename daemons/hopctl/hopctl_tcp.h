/* hopctl's tcp commands, run over hostsock descriptors rather than as
 * control requests, so that they carry stdin and stdout as byte streams. */
#ifndef HOPLAB_HOPCTL_TCP_H
#define HOPLAB_HOPCTL_TCP_H

#include <stdbool.h>

/* True when words (the command after NODE) is `tcp connect` or `tcp listen`. */
bool hopctl_tcp_wants(int argc, char **argv);

/*
 * Runs `tcp connect [-w SECONDS] DEST PORT` or `tcp listen PORT [-k]
 * [-b BACKLOG]` on the hostd whose control socket is path; returns
 * hopctl's exit status: 1 when the connection was reset (or failed
 * otherwise). With -k, listen reports a reset and takes the next
 * connection: only the listener's end (or a failure of its own) ends it,
 * with status 1.
 */
int hopctl_tcp(const char *node, const char *path, int argc, char **argv);

#endif
