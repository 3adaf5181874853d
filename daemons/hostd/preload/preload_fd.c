/*
 * The table follows the descriptors: close (and close_range, closefrom)
 * lets a number go, dup, dup2, dup3 and fcntl's F_DUPFD name the same
 * socket with another, and exec hands the sockets the new program
 * inherits over in the environment (see preload_table.c), with their
 * status channels, which are close-on-exec otherwise.
 */
#include "preload_sys.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The room for PL_ENV_FDS=... on exec; sockets past it are not passed. */
#define PL_ENV_ROOM 16384
/* More environment entries than fit in ARG_MAX would not exec anyway. */
#define PL_ENV_ENTRIES_MAX 262144

/* After a call that closed fd: the table lets it go. */
static void
pl_forget(int fd)
{
	if (!pl_table_type(fd))
		return;
	pl_lock();
	pl_table_clear(fd);
	pl_unlock();
}

PL_EXPORT int
close(int fd)
{
	if (pl_on())
		pl_forget(fd);
	return pl_real.close(fd);
}

PL_EXPORT int
close_range(unsigned int first, unsigned int last, int flags)
{
	int r = pl_real.close_range(first, last, flags);

	if (r == 0 && pl_on() && !(flags & CLOSE_RANGE_CLOEXEC)) {
		pl_lock();
		for (unsigned int fd = first;
		     fd <= last && fd < (unsigned int)pl_table_end(); fd++)
			pl_table_clear((int)fd);
		pl_unlock();
	}
	return r;
}

PL_EXPORT void
closefrom(int lowfd)
{
	pl_real.closefrom(lowfd);
	if (pl_on() && lowfd >= 0) {
		pl_lock();
		for (int fd = lowfd; fd < pl_table_end(); fd++)
			pl_table_clear(fd);
		pl_unlock();
	}
}

/* After newfd became a copy of fd (r == newfd): it names fd's socket. */
static int
pl_copied(int fd, int r)
{
	int err = errno;

	if (r < 0 || r == fd || !pl_on())
		return r;
	pl_lock();
	if (r >= PL_FD_MAX && pl_table_get(fd)) {
		pl_unlock();
		pl_real.close(r);
		errno = EMFILE;
		return -1;
	}
	pl_table_dup(fd, r);
	pl_unlock();
	errno = err;
	return r;
}

PL_EXPORT int
dup(int fd)
{
	return pl_copied(fd, pl_real.dup(fd));
}

PL_EXPORT int
dup2(int fd, int newfd)
{
	return pl_copied(fd, pl_real.dup2(fd, newfd));
}

PL_EXPORT int
dup3(int fd, int newfd, int flags)
{
	return pl_copied(fd, pl_real.dup3(fd, newfd, flags));
}

/* fcntl with its argument as the C library passes it on. */
static int
pl_fcntl(int (*real)(int, int, ...), int fd, int cmd, void *arg)
{
	int r = real(fd, cmd, arg);

	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
		return pl_copied(fd, r);
	return r;
}

PL_EXPORT int
fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!pl_ready)
		pl_init();
	return pl_fcntl(pl_real.fcntl, fd, cmd, arg);
}

PL_EXPORT int
fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!pl_ready)
		pl_init();
	return pl_fcntl(pl_real.fcntl64, fd, cmd, arg);
}

/* --- exec -------------------------------------------------------------------
 */

/* Inherited: open and not close-on-exec. */
static bool
pl_inherited(int fd, void *arg)
{
	int fl = pl_real.fcntl(fd, F_GETFD);

	(void)arg;
	return fl >= 0 && !(fl & FD_CLOEXEC);
}

/* The most status channels exec makes inheritable. */
#define PL_EXEC_CHANNELS 1024

/*
 * What exec passes on: PL_ENV_FDS=... into var (empty when there is
 * nothing), and the status channels of the inherited sockets made
 * inheritable, listed in cleared (*ncleared of them) to be made
 * close-on-exec again if exec fails.
 */
static void
pl_exec_prepare(char *var, size_t len, int *cleared, int *ncleared)
{
	size_t pre = strlen(PL_ENV_FDS) + 1;

	*ncleared = 0;
	var[0] = '\0';
	if (!pl_on())
		return;
	pl_lock();
	snprintf(var, len, "%s=", PL_ENV_FDS);
	if (pl_env_format(var + pre, len - pre, pl_inherited, NULL) <= 0) {
		var[0] = '\0';
		pl_unlock();
		return;
	}
	for (int fd = 0; fd < pl_table_end() && *ncleared < PL_EXEC_CHANNELS;
	     fd++) {
		struct pl_sock *s = pl_table_get(fd);
		int fl;

		if (!s || s->status_fd < 0 || !pl_inherited(fd, NULL))
			continue;
		fl = pl_real.fcntl(s->status_fd, F_GETFD);
		if (fl >= 0 && (fl & FD_CLOEXEC) &&
		    pl_real.fcntl(s->status_fd, F_SETFD, fl & ~FD_CLOEXEC) == 0)
			cleared[(*ncleared)++] = s->status_fd;
	}
	pl_unlock();
}

static void
pl_exec_failed(const int *cleared, int n)
{
	int err = errno;

	for (int i = 0; i < n; i++)
		pl_real.fcntl(cleared[i], F_SETFD, FD_CLOEXEC);
	errno = err;
}

/* The environment envp with var in place of any PL_ENV_FDS it has, into
 * out (room for every entry of envp, var and NULL). */
static void
pl_exec_env(char *const envp[], char *var, char **out)
{
	size_t pre = strlen(PL_ENV_FDS), n = 0;

	for (size_t i = 0; envp && envp[i]; i++)
		if (strncmp(envp[i], PL_ENV_FDS, pre) || envp[i][pre] != '=')
			out[n++] = envp[i];
	if (var[0])
		out[n++] = var;
	out[n] = NULL;
}

static size_t
pl_count(char *const v[])
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* The three ways exec starts a program, with the environment to pass. */
enum pl_exec_how { PL_EXEC_PATH, PL_EXEC_SEARCH, PL_EXEC_FD };

/*
 * Everything here lives on the stack: a child of vfork (as posix_spawn
 * and Python's subprocess make) shares the heap with its parent.
 */
static int
pl_exec(enum pl_exec_how how, const char *file, int fd, char *const argv[],
	char *const envp[])
{
	char var[PL_ENV_ROOM];
	int cleared[PL_EXEC_CHANNELS], ncleared, r;
	size_t n = pl_count(envp);

	if (!pl_ready)
		pl_init();
	if (n > PL_ENV_ENTRIES_MAX)
		return pl_fail(E2BIG);
	{
		char *env[n + 2];

		pl_exec_prepare(var, sizeof(var), cleared, &ncleared);
		pl_exec_env(envp, var, env);
		if (how == PL_EXEC_PATH)
			r = pl_real.execve(file, argv, env);
		else if (how == PL_EXEC_SEARCH)
			r = pl_real.execvpe(file, argv, env);
		else
			r = pl_real.fexecve(fd, argv, env);
	}
	pl_exec_failed(cleared, ncleared);
	return r;
}

PL_EXPORT int
execve(const char *path, char *const argv[], char *const envp[])
{
	return pl_exec(PL_EXEC_PATH, path, -1, argv, envp);
}

PL_EXPORT int
execv(const char *path, char *const argv[])
{
	return pl_exec(PL_EXEC_PATH, path, -1, argv, environ);
}

PL_EXPORT int
execvpe(const char *file, char *const argv[], char *const envp[])
{
	return pl_exec(PL_EXEC_SEARCH, file, -1, argv, envp);
}

PL_EXPORT int
execvp(const char *file, char *const argv[])
{
	return pl_exec(PL_EXEC_SEARCH, file, -1, argv, environ);
}

PL_EXPORT int
fexecve(int fd, char *const argv[], char *const envp[])
{
	return pl_exec(PL_EXEC_FD, NULL, fd, argv, envp);
}

/* execl's arguments, up to NULL, into a vector (freed by the caller);
 * with envp for execle. NULL when out of memory. */
static char **
pl_exec_args(const char *arg0, va_list ap, char *const **envp)
{
	va_list count;
	size_t n = 1;
	char **argv;

	va_copy(count, ap);
	while (va_arg(count, char *))
		n++;
	va_end(count);
	argv = calloc(n + 1, sizeof(*argv));
	if (!argv)
		return NULL;
	argv[0] = (char *)arg0;
	for (size_t i = 1; i <= n; i++)
		argv[i] = va_arg(ap, char *); /* the last is the NULL */
	if (envp)
		*envp = va_arg(ap, char *const *);
	return argv;
}

PL_EXPORT int
execl(const char *path, const char *arg, ...)
{
	va_list ap;
	char **argv;
	int r;

	va_start(ap, arg);
	argv = pl_exec_args(arg, ap, NULL);
	va_end(ap);
	if (!argv)
		return pl_fail(ENOMEM);
	r = execv(path, argv);
	free(argv);
	return r;
}

PL_EXPORT int
execlp(const char *file, const char *arg, ...)
{
	va_list ap;
	char **argv;
	int r;

	va_start(ap, arg);
	argv = pl_exec_args(arg, ap, NULL);
	va_end(ap);
	if (!argv)
		return pl_fail(ENOMEM);
	r = execvp(file, argv);
	free(argv);
	return r;
}

PL_EXPORT int
execle(const char *path, const char *arg, ...)
{
	va_list ap;
	char **argv;
	char *const *envp = NULL;
	int r;

	va_start(ap, arg);
	argv = pl_exec_args(arg, ap, &envp);
	va_end(ap);
	if (!argv)
		return pl_fail(ENOMEM);
	r = execve(path, argv, envp);
	free(argv);
	return r;
}
