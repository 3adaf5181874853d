/* Fuzz target: control request validation, splitting and lookup. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_parse.h"

static int
noop(struct ctl_req *req, int argc, char **argv, void *arg)
{
	(void)req;
	(void)argc;
	(void)argv;
	(void)arg;
	return CTL_DONE;
}

static const struct ctl_cmd table[] = {
    {"show ports", "", "", noop, 0},
    {"show mac", "", "", noop, 0},
    {"flush mac", "[PORT]", "", noop, 0},
    {"set aging", "SECONDS", "", noop, 0},
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1), *argv[CTL_ARGS_MAX];
	const char *err;
	int argc, nwords;

	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	argc = ctl_split(line, argv, CTL_ARGS_MAX, &err);
	if (argc > 0 &&
	    ctl_lookup(table, sizeof(table) / sizeof(table[0]), argc, argv,
		       &nwords) &&
	    (nwords < 1 || nwords > argc))
		__builtin_trap();
	free(line);
	return 0;
}
