/* What hopctl's parts share. */
#ifndef HOPLAB_HOPCTL_H
#define HOPLAB_HOPCTL_H

/* Prints "hopctl: MESSAGE" on stderr and returns status (an exit status). */
int hopctl_error(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
