/* Options of control commands, one parser for all. */
#include "ctl_opt.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
ctl_opt_number(const char *s, double min, double max, bool integer, double *out)
{
	char *end;
	double v;

	if (!*s || strchr(" \t+", *s))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (*end || errno || !isfinite(v) || v < min || v > max)
		return -1;
	/* In range, so it fits: whole when it survives the round trip. */
	if (integer && v != (double)(long long)v)
		return -1;
	*out = v;
	return 0;
}

static const struct ctl_opt *
ctl_opt_find(const struct ctl_opt *opts, size_t nopts, char name)
{
	for (size_t i = 0; i < nopts; i++)
		if (opts[i].name == name)
			return &opts[i];
	return NULL;
}

/* Stores arg as the value of o; -1 with a message when it is bad. */
static int
ctl_opt_store(const struct ctl_opt *o, const char *arg, char *err,
	      size_t errlen)
{
	double v;

	switch (o->kind) {
	case CTL_OPT_FLAG:
		*(bool *)o->value = true;
		return 0;
	case CTL_OPT_STRING:
		*(const char **)o->value = arg;
		return 0;
	case CTL_OPT_INT:
	case CTL_OPT_REAL:
		if (ctl_opt_number(arg, o->min, o->max, o->kind == CTL_OPT_INT,
				   &v) < 0) {
			snprintf(err, errlen, "-%c: %g to %g, not '%s'",
				 o->name, o->min, o->max, arg);
			return -1;
		}
		if (o->kind == CTL_OPT_INT)
			*(long *)o->value = (long)v;
		else
			*(double *)o->value = v;
		return 0;
	}
	return -1;
}

int
ctl_opt_parse(int argc, char **argv, const struct ctl_opt *opts, size_t nopts,
	      char *err, size_t errlen)
{
	int n = 0, i;

	for (i = 0; i < argc; i++) {
		const char *w = argv[i], *arg;
		const struct ctl_opt *o;

		if (strcmp(w, "--") == 0) {
			i++;
			break;
		}
		if (w[0] != '-' || !w[1]) {
			argv[n++] = argv[i];
			continue;
		}
		o = ctl_opt_find(opts, nopts, w[1]);
		if (!o) {
			snprintf(err, errlen, "unknown option '%.32s'", w);
			return -1;
		}
		arg = w + 2;
		if (o->kind == CTL_OPT_FLAG && *arg) {
			snprintf(err, errlen, "-%c takes no value", o->name);
			return -1;
		}
		if (o->kind != CTL_OPT_FLAG && !*arg) {
			if (i + 1 == argc) {
				snprintf(err, errlen, "-%c needs a value",
					 o->name);
				return -1;
			}
			arg = argv[++i];
		}
		if (ctl_opt_store(o, arg, err, errlen) < 0)
			return -1;
	}
	while (i < argc)
		argv[n++] = argv[i++];
	return n;
}

int
ctl_opt_join(int argc, char **argv, char *buf, size_t size)
{
	size_t len = 0;

	if (size == 0)
		return -1;
	buf[0] = '\0';
	for (int i = 0; i < argc; i++) {
		int n = snprintf(buf + len, size - len, "%s%s", i ? " " : "",
				 argv[i]);

		if (n < 0 || (size_t)n >= size - len)
			return -1;
		len += (size_t)n;
	}
	return 0;
}
