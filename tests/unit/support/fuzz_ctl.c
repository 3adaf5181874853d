/* Control-command fuzzing support. */
#include "fuzz_ctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ctl_server *
fuzz_ctl_server(const struct ctl_cmd *table, size_t n, void *arg)
{
	static char path[64];
	struct ctl_server *srv;
	char err[256];

	snprintf(path, sizeof(path), "/tmp/hoplab-fuzz-%d.sock", (int)getpid());
	srv =
	    ctl_server_open(EV_DEFAULT, path, table, n, arg, err, sizeof(err));
	if (!srv)
		abort();
	return srv;
}

void
fuzz_ctl_lines(struct ctl_server *srv, const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	char err[512];

	if (memmem(data, size, "capture", 7))
		return;
	while (size > 0) {
		const char *nl = memchr(line, '\n', size);
		size_t len = nl ? (size_t)(nl - line) : size;

		ctl_exec(srv, line, len, err, sizeof(err));
		if (!nl)
			break;
		size -= len + 1;
		line = nl + 1;
	}
}
