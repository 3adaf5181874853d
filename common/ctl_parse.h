/*
 * The control protocol's request side, free of I/O so it can be unit-tested
 * and fuzzed: a request is one line of words; each command is declared once
 * as a table row whose words select it, and that row drives dispatch and
 * `help` alike.
 */
#ifndef HOPLAB_CTL_PARSE_H
#define HOPLAB_CTL_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#define CTL_LINE_MAX 4096 /* longest request, newline excluded */
#define CTL_ARGS_MAX 64

struct ctl_req;

/* Returns CTL_DONE, or CTL_ASYNC when the handler will call ctl_finish. */
typedef int (*ctl_handler)(struct ctl_req *req, int argc, char **argv,
			   void *arg);

enum { CTL_DONE = 0, CTL_ASYNC = 1 };

struct ctl_cmd {
	const char *words; /* "show mac" */
	const char *usage; /* arguments after the words: "[PORT]"; "" for
			      none, which the dispatcher then enforces */
	const char *help;
	ctl_handler fn; /* NULL: the client (hopctl) runs the command itself;
			   the daemon lists it in help and refuses it */
	int stream;	/* replies over time (ping): not from a config file */
};

/* True when s[0..len) is well-formed UTF-8 with no control characters. */
bool ctl_text_valid(const char *s, size_t len);

/*
 * Splits line in place into at most max words separated by blanks; returns
 * the count, or -1 with *err set when the line is not valid text or has too
 * many words.
 */
int ctl_split(char *line, char **argv, int max, const char **err);

/*
 * Finds the command whose words are the longest prefix of argv; *nwords is
 * set to how many of argv they take. NULL when none matches.
 */
const struct ctl_cmd *ctl_lookup(const struct ctl_cmd *table, size_t n,
				 int argc, char *const *argv, int *nwords);

#endif
