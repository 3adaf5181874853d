/* Logging: one line per event on stderr, which hoplab sends to NODE.log. */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *log_name = "hoplab";
static enum log_level log_level = LOG_LVL_INFO;
static const char *const log_level_names[] = {"error", "warn", "info", "debug"};

void
log_init(const char *name, enum log_level level)
{
	log_name = name;
	log_level = level;
	setvbuf(stderr, NULL, _IOLBF, 0);
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

static void
log_vwrite(enum log_level level, int errnum, const char *fmt, va_list ap)
{
	struct timespec ts;
	struct tm tm;
	char when[32];

	if (level > log_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ldZ %s %s: ", when, ts.tv_nsec / 1000000,
		log_name, log_level_names[level]);
	vfprintf(stderr, fmt, ap);
	if (errnum)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
}

#define LOG_FN(fn, level, with_errno)                                          \
	void fn(const char *fmt, ...)                                          \
	{                                                                      \
		int saved = errno;                                             \
		va_list ap;                                                    \
		va_start(ap, fmt);                                             \
		log_vwrite(level, (with_errno) ? saved : 0, fmt, ap);          \
		va_end(ap);                                                    \
		errno = saved;                                                 \
	}

LOG_FN(log_warn, LOG_LVL_WARN, 1)
LOG_FN(log_warnx, LOG_LVL_WARN, 0)
LOG_FN(log_info, LOG_LVL_INFO, 0)
LOG_FN(log_debug, LOG_LVL_DEBUG, 0)

void
fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LVL_ERR, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LVL_ERR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
