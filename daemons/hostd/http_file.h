/*
 * What an HTTP request's target is in the directory a server serves:
 * the target percent-decoded, its segments checked (no "..", no NUL),
 * and the file opened with openat2(2) beneath the directory
 * (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS), so that neither a path nor
 * a symbolic link can lead out of it. Only regular files are served; a
 * directory by its index.html.
 */
#ifndef HOPLAB_HTTP_FILE_H
#define HOPLAB_HTTP_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define HTTP_FILE_INDEX "index.html"

/* Every outcome, with the status it answers. */
#define HTTP_FILE_RESULTS(X)                                                   \
	X(ok, 200)                                                             \
	X(redirect, 301)   /* a directory named without its slash */           \
	X(bad_target, 400) /* not a path, nor an absolute URL */               \
	X(bad_escape, 400) /* a % not followed by two hex digits */            \
	X(nul, 400)	   /* %00 */                                           \
	X(dot_dot, 400)	   /* a ".." segment */                                \
	X(escape, 404)	   /* resolving would leave the directory */           \
	X(not_found, 404)                                                      \
	X(denied, 403)	    /* permissions */                                  \
	X(not_regular, 403) /* a device, a FIFO, a socket */                   \
	X(no_index, 403)    /* a directory without index.html */               \
	X(open_failed, 500)

#define HTTP_FILE_ENUM(name, status) HTTP_FILE_##name,
enum http_file_result { HTTP_FILE_RESULTS(HTTP_FILE_ENUM) HTTP_FILE_COUNT };
#undef HTTP_FILE_ENUM

extern const char *const http_file_names[HTTP_FILE_COUNT];

struct http_file {
	int fd; /* ok: the regular file, the caller's to close; else -1 */
	uint64_t size;
	time_t mtime;
	const char *type; /* its Content-Type */
};

/*
 * Resolves target (origin-form "/a/b?q", or absolute-form
 * "http://host/a/b") beneath the directory dirfd (an O_PATH descriptor
 * will do).
 */
enum http_file_result http_file_open(int dirfd, const char *target,
				     struct http_file *f);
/* The status to answer for r. */
int http_file_status(enum http_file_result r);
/* The Content-Type of a file by its name's extension. */
const char *http_file_type(const char *name);
/* The path of target (from its '/', without query), for a redirect. */
const char *http_file_path(const char *target, size_t *len);

#endif
