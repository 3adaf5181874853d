/*
 * Options of a control command, parsed one way for every command: each
 * is a dash and a letter, its value the next word or the rest of the same
 * word (-c 3, -c3); options may come before or after the operands, as GNU
 * getopt permutes them, until a "--". Numbers are checked against a range
 * and, for integers, for being whole.
 */
#ifndef HOPLAB_CTL_OPT_H
#define HOPLAB_CTL_OPT_H

#include <stdbool.h>
#include <stddef.h>

enum ctl_opt_kind {
	CTL_OPT_FLAG,	/* value: bool *, set when the option is given */
	CTL_OPT_INT,	/* value: long *, a whole number in [min, max] */
	CTL_OPT_REAL,	/* value: double *, a number in [min, max] */
	CTL_OPT_STRING, /* value: const char **, the word as it is */
};

struct ctl_opt {
	char name; /* 'c' for -c */
	enum ctl_opt_kind kind;
	double min, max;
	void *value;
};

/*
 * Takes the options of opts out of argv, storing their values, and
 * leaves the operands in argv[0..n) in their order. Returns n, or -1 with
 * a message in err (an unknown option, a missing or bad value).
 */
int ctl_opt_parse(int argc, char **argv, const struct ctl_opt *opts,
		  size_t nopts, char *err, size_t errlen);

/*
 * Reads s as a number in [min, max], whole when integer; -1 when it is
 * not one.
 */
int ctl_opt_number(const char *s, double min, double max, bool integer,
		   double *out);

/*
 * The words argv[0..argc) joined by single blanks into buf (size bytes),
 * as they were on the request line: a filter expression, a message. -1
 * when they do not fit.
 */
int ctl_opt_join(int argc, char **argv, char *buf, size_t size);

#endif
