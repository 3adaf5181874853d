/* What hopctl's parts share. */
#ifndef HOPLAB_HOPCTL_H
#define HOPLAB_HOPCTL_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#define HOPCTL_RUN_DIR "/run/hoplab"
#define HOPCTL_EXIT_FAIL 1
#define HOPCTL_EXIT_USAGE 2

/* Prints "hopctl: MESSAGE" on stderr and returns status (an exit status). */
int hopctl_error(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The same on f. */
int hopctl_ferror(FILE *f, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prints the message and exits with status. */
#define die(status, ...) exit(hopctl_error(status, __VA_ARGS__))

/*
 * Turns NODE (LAB/NODE, NODE when one lab has it, or a socket's path) into
 * the path of its control socket; exits with a message when it cannot.
 */
void hopctl_resolve(const char *node, char *path, size_t len);

/* Connects to the control socket at path; exits with a message if not. */
int hopctl_connect(const char *node, const char *path);

#endif
