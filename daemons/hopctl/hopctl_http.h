/* hopctl's `http get`: an HTTP/1.1 client, like curl, over a TCP
 * connection of hostd's (hostsock). */
#ifndef HOPLAB_HOPCTL_HTTP_H
#define HOPLAB_HOPCTL_HTTP_H

#include <stdbool.h>

/* True when words (the command after NODE) is `http get`. */
bool hopctl_http_wants(int argc, char **argv);

/*
 * Runs `http get [-o FILE] [-v] [-I] [-m SECONDS] URL` through the hostd
 * whose control socket is path; returns hopctl's exit status: 0 for a
 * 2xx response, 1 for any other (its status line on stderr) or a
 * failure (worded as curl words it), 2 for a usage error.
 */
int hopctl_http(const char *node, const char *path, int argc, char **argv);

#endif
