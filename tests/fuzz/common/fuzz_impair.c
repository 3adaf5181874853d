/*
 * Fuzz target: impairments (common/impair.h). The input's first line is a
 * spec's words (blank-separated); read, it must write back as words that
 * read as the same spec. Then, when it read, a stage with that spec gets
 * frames under a test clock: the rest of the input is records of two
 * bytes, the time to advance (bits 0-6, in half milliseconds; bit 7: the
 * way out refuses this frame) and the frame's length. After each frame
 * the stage sends what is due; at the end it is cleared, which sends what
 * is held. Every frame the stage took (sent or held) must have left once,
 * and once more for each duplicate, when nothing was refused.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "impair.h"

#define FUZZ_WORDS 64

struct fuzz_rig {
	uint64_t now;
	bool refuse;
	uint64_t outs, refused;
};

static uint64_t
fuzz_now(void *arg)
{
	return ((struct fuzz_rig *)arg)->now;
}

static int
fuzz_out(void *arg, const uint8_t *frame, size_t len)
{
	struct fuzz_rig *r = arg;

	(void)frame;
	(void)len;
	r->outs++;
	if (r->refuse) {
		r->refused++;
		return -1;
	}
	return 0;
}

static int
fuzz_split(char *line, char **argv)
{
	int n = 0;

	for (char *w = strtok(line, " \t"); w && n < FUZZ_WORDS;
	     w = strtok(NULL, " \t"))
		argv[n++] = w;
	return n;
}

static void
fuzz_stage(const struct impair_spec *spec, const uint8_t *data, size_t size)
{
	struct fuzz_rig r = {.now = 1000000000ULL};
	struct impair_io io = {.out = fuzz_out, .now = fuzz_now, .arg = &r};
	struct impair *imp = impair_new(NULL, &io);
	struct impair_spec s = *spec;
	uint8_t frame[256];
	uint64_t taken = 0;

	if (!imp)
		return;
	s.has_seed = true;
	impair_set(imp, &s);
	for (size_t i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)i;
	for (size_t i = 0; i + 1 < size; i += 2) {
		enum impair_fate fate;

		r.now += (uint64_t)(data[i] & 0x7f) * 500000;
		r.refuse = data[i] & 0x80;
		fate = impair_frame(imp, frame, data[i + 1], NULL);
		taken += fate == IMPAIR_SENT || fate == IMPAIR_HELD;
		r.refuse = false;
		impair_run(imp);
		if (impair_next_due(imp) != UINT64_MAX &&
		    impair_next_due(imp) <= r.now)
			__builtin_trap();
	}
	impair_clear(imp);
	if (impair_held(imp) != 0)
		__builtin_trap();
	if (!r.refused && r.outs != taken + impair_counters_of(imp)->duplicated)
		__builtin_trap();
	impair_free(imp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t len = nl ? (size_t)(nl - data) : size;
	char *line = malloc(len + 1), *argv[FUZZ_WORDS];
	char err[IMPAIR_ERR_MAX], text[IMPAIR_TEXT_MAX], again[IMPAIR_TEXT_MAX];
	struct impair_spec spec, back;
	int argc;

	if (!line)
		return 0;
	memcpy(line, data, len);
	line[len] = '\0';
	argc = fuzz_split(line, argv);
	if (impair_spec_parse(argc, argv, &spec, err, sizeof(err)) == 0) {
		impair_spec_format(&spec, text, sizeof(text));
		memcpy(again, text, sizeof(text));
		argc = fuzz_split(again, argv);
		if (argc > 0) {
			if (impair_spec_parse(argc, argv, &back, err,
					      sizeof(err)) < 0 ||
			    memcmp(&spec, &back, sizeof(spec)) != 0)
				__builtin_trap();
		}
		if (nl)
			fuzz_stage(&spec, nl + 1, size - len - 1);
	} else if (!err[0]) {
		__builtin_trap();
	}
	free(line);
	return 0;
}
