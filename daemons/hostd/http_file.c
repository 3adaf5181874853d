/* The file an HTTP request's target names, opened beneath the served
 * directory. */
#include "http_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define HTTP_FILE_NAME(name, status) #name,
#define HTTP_FILE_STATUS(name, status) status,
const char *const http_file_names[HTTP_FILE_COUNT] = {
    HTTP_FILE_RESULTS(HTTP_FILE_NAME)};
static const int http_file_statuses[HTTP_FILE_COUNT] = {
    HTTP_FILE_RESULTS(HTTP_FILE_STATUS)};
#undef HTTP_FILE_NAME
#undef HTTP_FILE_STATUS

static const struct {
	const char *ext;
	const char *type;
} http_file_types[] = {
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"txt", "text/plain; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"xml", "application/xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"svg", "image/svg+xml"},
    {"ico", "image/vnd.microsoft.icon"},
    {"webp", "image/webp"},
    {"pdf", "application/pdf"},
    {"wasm", "application/wasm"},
    {"woff2", "font/woff2"},
    {"mp4", "video/mp4"},
    {"zip", "application/zip"},
    {"gz", "application/gzip"},
    {"tar", "application/x-tar"},
};

int
http_file_status(enum http_file_result r)
{
	return (unsigned)r < HTTP_FILE_COUNT ? http_file_statuses[r] : 500;
}

const char *
http_file_type(const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *dot = strrchr(slash ? slash + 1 : name, '.');

	if (dot)
		for (size_t i = 0;
		     i < sizeof(http_file_types) / sizeof(http_file_types[0]);
		     i++)
			if (!strcasecmp(dot + 1, http_file_types[i].ext))
				return http_file_types[i].type;
	return "application/octet-stream";
}

const char *
http_file_path(const char *target, size_t *len)
{
	const char *path = target;

	if (!strncasecmp(target, "http://", 7) ||
	    !strncasecmp(target, "https://", 8)) {
		path = strchr(strstr(target, "//") + 2, '/');
		if (!path)
			path = "/";
	}
	*len = strcspn(path, "?#");
	return path;
}

static int
http_file_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * The target's path, decoded, as a path relative to the directory
 * ("." for the directory itself) into rel; *dir_form when it ends with a
 * slash.
 */
static enum http_file_result
http_file_relative(const char *target, char *rel, size_t cap, bool *dir_form)
{
	size_t len, out = 0, seg = 0;
	const char *path = http_file_path(target, &len);

	if (path[0] != '/')
		return HTTP_FILE_bad_target;
	*dir_form = true;
	for (size_t i = 1; i <= len; i++) {
		char c = path[i];

		if (i == len) {
			c = '/'; /* ends the last segment */
		} else if (c == '%') {
			int hi = i + 2 < len ? http_file_hex(path[i + 1]) : -1;
			int lo = hi >= 0 ? http_file_hex(path[i + 2]) : -1;

			if (hi < 0 || lo < 0)
				return HTTP_FILE_bad_escape;
			c = (char)(hi << 4 | lo);
			if (c == '\0')
				return HTTP_FILE_nul;
			i += 2;
		}
		if (c == '/') {
			/* A segment ends, decoded slash or not: "" and "."
			 * are nothing, ".." is refused. */
			size_t n = out - seg;
			bool empty = n == 0 || (n == 1 && rel[seg] == '.');

			if (n == 2 && rel[seg] == '.' && rel[seg + 1] == '.')
				return HTTP_FILE_dot_dot;
			if (empty)
				out = seg;
			if (i == len) {
				*dir_form = empty;
				break;
			}
			if (empty)
				continue;
		}
		if (out + 2 > cap)
			return HTTP_FILE_not_found;
		rel[out++] = c;
		if (c == '/')
			seg = out;
	}
	/* What a slash at the end left, or nothing at all. */
	if (out > 0 && rel[out - 1] == '/')
		out--;
	if (out == 0)
		rel[out++] = '.';
	rel[out] = '\0';
	return HTTP_FILE_ok;
}

/* openat2 beneath dirfd; -1 with errno. */
static int
http_file_openat2(int dirfd, const char *path)
{
	struct open_how how = {
	    .flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY,
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

static enum http_file_result
http_file_errno(int err)
{
	switch (err) {
	case ENOENT:
	case ENOTDIR:
	case ENAMETOOLONG:
	case ELOOP:
		return HTTP_FILE_not_found;
	case EXDEV:
		return HTTP_FILE_escape;
	case EACCES:
	case EPERM:
		return HTTP_FILE_denied;
	default:
		return HTTP_FILE_open_failed;
	}
}

enum http_file_result
http_file_open(int dirfd, const char *target, struct http_file *f)
{
	char rel[PATH_MAX];
	bool dir_form;
	struct stat st;
	enum http_file_result r;
	int fd;

	f->fd = -1;
	f->size = 0;
	f->mtime = 0;
	f->type = NULL;
	r = http_file_relative(target, rel, sizeof(rel), &dir_form);
	if (r != HTTP_FILE_ok)
		return r;
	fd = http_file_openat2(dirfd, rel);
	if (fd < 0)
		return http_file_errno(errno);
	if (fstat(fd, &st) < 0) {
		close(fd);
		return HTTP_FILE_open_failed;
	}
	f->type = http_file_type(rel);
	if (S_ISDIR(st.st_mode)) {
		int dir = fd;

		if (!dir_form) {
			close(dir);
			return HTTP_FILE_redirect;
		}
		fd = http_file_openat2(dir, HTTP_FILE_INDEX);
		close(dir);
		if (fd < 0)
			return errno == ENOENT ? HTTP_FILE_no_index
					       : http_file_errno(errno);
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			close(fd);
			return HTTP_FILE_no_index;
		}
		f->type = http_file_type(HTTP_FILE_INDEX);
	} else if (!S_ISREG(st.st_mode)) {
		close(fd);
		return HTTP_FILE_not_regular;
	}
	f->fd = fd;
	f->size = (uint64_t)st.st_size;
	f->mtime = st.st_mtime;
	return HTTP_FILE_ok;
}
