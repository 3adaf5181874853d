/*
 * How hopctl shows a daemon's reply: newline-delimited JSON read from the
 * control socket up to the closing {"ok":...} line, with arrays of flat
 * objects rendered as tables, objects as key: value lines and {"text":
 * ...} lines as they are; or, with -j, the JSON lines themselves.
 */
#ifndef HOPLAB_HOPCTL_RENDER_H
#define HOPLAB_HOPCTL_RENDER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "hopctl.h"

struct hopctl_out {
	FILE *out;	  /* the reply */
	FILE *err;	  /* the daemon's error and hopctl's own messages */
	const char *node; /* as the user named it, for messages */
	bool json;	  /* the JSON lines as they are */
};

/* Renders one reply value on out; -1 when out of memory. */
int hopctl_render(FILE *out, json_t *v);

/*
 * Handles one reply line: -1 to go on reading, else the exit status (the
 * closing line's, or HOPCTL_EXIT_FAIL for a line that is not JSON).
 */
int hopctl_line(const struct hopctl_out *o, const char *line);

/* Reads and handles reply lines from fd; returns the exit status. */
int hopctl_read(const struct hopctl_out *o, int fd);

#endif
