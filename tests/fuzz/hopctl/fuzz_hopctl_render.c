/*
 * Fuzz target: hopctl's reading and rendering of a daemon's reply. The
 * input is what the daemon sends, read through a descriptor as hopctl
 * reads its socket, once rendered as text and once as JSON; whatever
 * comes, hopctl ends with an exit status of 0, 1 or 2.
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hopctl_render.h"

static FILE *sink;

static void
fuzz_read(int fd, bool json)
{
	struct hopctl_out o = {
	    .out = sink, .err = sink, .node = "n1", .json = json};
	int status;

	if (lseek(fd, 0, SEEK_SET) != 0)
		abort();
	status = hopctl_read(&o, fd);
	if (status < 0 || status > HOPCTL_EXIT_USAGE)
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd;

	if (!sink && !(sink = fopen("/dev/null", "w")))
		abort();
	fd = memfd_create("reply", MFD_CLOEXEC);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	fuzz_read(fd, false);
	fuzz_read(fd, true);
	close(fd);
	return 0;
}
