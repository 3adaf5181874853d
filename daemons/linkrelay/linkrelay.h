/*
 * linkrelay: a wire between two interfaces, for hoplab to put on a link
 * whose end is a Linux node, so that the node's interface gets the same
 * impairments as a daemon's port: every frame that arrives on one
 * interface leaves by the other, through the port layer's impairment
 * stage (`set impair PORT ...`, common/impair.h).
 */
#ifndef HOPLAB_LINKRELAY_H
#define HOPLAB_LINKRELAY_H

#include <stdint.h>

#include "ctl.h"
#include "daemon.h"
#include "stats.h"

#define LINKRELAY_COUNTERS(X) X(relayed) X(not_relayed)

enum { LINKRELAY_COUNTERS(STATS_ENUM) LINKRELAY_STAT_COUNT };

struct linkrelay {
	struct daemon d; /* first: the shell hands the daemon to callbacks */
	uint64_t stats[LINKRELAY_STAT_COUNT];
};

extern const struct daemon_spec linkrelay_spec;
extern const struct ctl_cmd linkrelay_cmds[];
extern const size_t linkrelay_ncmds;

/*
 * A frame that arrived on port leaves by the other port; false when that
 * port would not take it (down, or the frame too long for its MTU).
 */
bool linkrelay_input(struct linkrelay *lr, struct port *port,
		     const uint8_t *frame, size_t len);

#endif
