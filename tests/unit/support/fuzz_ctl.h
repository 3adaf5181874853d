/*
 * For fuzz targets of a daemon's control commands: a control server for
 * the daemon's table, and a runner that feeds it the fuzzer's input one
 * line at a time through the real dispatcher and handlers.
 */
#ifndef HOPLAB_FUZZ_CTL_H
#define HOPLAB_FUZZ_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "ctl.h"

/* A server for table on the default loop, with a socket in /tmp. */
struct ctl_server *fuzz_ctl_server(const struct ctl_cmd *table, size_t n,
				   void *arg);
/*
 * Runs each line of data as a request. Inputs that mention `capture` are
 * left out: captures write files.
 */
void fuzz_ctl_lines(struct ctl_server *srv, const uint8_t *data, size_t size);

#endif
