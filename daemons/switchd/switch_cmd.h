/* switchd as a process: the bridge in the daemon shell, and its commands. */
#ifndef HOPLAB_SWITCH_CMD_H
#define HOPLAB_SWITCH_CMD_H

#include <ev.h>

#include "ctl.h"
#include "daemon.h"
#include "switch.h"

struct switchd {
	struct daemon d; /* first: the shell hands the daemon to callbacks */
	struct switch_state sw;
	ev_timer aging_timer;
	ev_timer stp_timer; /* the spanning tree's next deadline */
	double aging;	    /* --aging, when aging_given */
	bool aging_given;   /* else MACTABLE_DEFAULT_AGING */
	long max_macs;	    /* --max-macs; 0: MACTABLE_DEFAULT_CAPACITY */
};

extern const struct ctl_cmd switch_cmds[];
extern const size_t switch_ncmds;
extern const struct daemon_spec switchd_spec;

/* Re-arms the aging sweep after `set aging`. */
void switchd_aging_changed(struct switchd *sd);

#endif
