/* hopctl's rendering of replies: tables, key: value lines, text. */
#include "hopctl_render.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One value of a table cell or key: value line, as text. */
static char *
hopctl_cell(json_t *v)
{
	char buf[64];

	if (!v)
		return strdup("-");
	switch (json_typeof(v)) {
	case JSON_STRING:
		return strdup(json_string_value(v));
	case JSON_INTEGER:
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		return strdup(buf);
	case JSON_REAL:
		/* %g keeps small figures short (an RTT of 0.571), but would
		 * print a timestamp as 1.79639e+09: large values keep their
		 * microseconds instead. */
		if (fabs(json_real_value(v)) >= 1e6)
			snprintf(buf, sizeof(buf), "%.6f", json_real_value(v));
		else
			snprintf(buf, sizeof(buf), "%g", json_real_value(v));
		return strdup(buf);
	case JSON_TRUE:
		return strdup("true");
	case JSON_FALSE:
		return strdup("false");
	case JSON_NULL:
		return strdup("-");
	default:
		return json_dumps(v, JSON_COMPACT);
	}
}

/*
 * The columns of a table: every key of every row, in the order first
 * seen, so that rows of different kinds (a listening socket without the
 * columns of a connection) share one table. NULL when out of memory.
 */
static const char **
hopctl_columns(json_t *rows, size_t *ncols)
{
	size_t cap = 0, i, c;
	const char **keys = NULL, *key;
	json_t *row, *v;

	*ncols = 0;
	json_array_foreach(rows, i, row)
	{
		cap += json_object_size(row);
	}
	keys = calloc(cap ? cap : 1, sizeof(*keys));
	if (!keys)
		return NULL;
	json_array_foreach(rows, i, row)
	{
		json_object_foreach(row, key, v)
		{
			for (c = 0; c < *ncols && strcmp(keys[c], key); c++)
				;
			if (c == *ncols)
				keys[(*ncols)++] = key;
		}
	}
	return keys;
}

/* An array of objects as a table: a column per key, "-" where a row has
 * none. */
static int
hopctl_table(FILE *out, json_t *rows)
{
	json_t *first = json_array_get(rows, 0), *row;
	size_t ncols, i, c;
	const char **keys;
	size_t *width;

	if (!json_is_object(first) || json_object_size(first) == 0) {
		json_array_foreach(rows, i, row)
		{
			char *cell = hopctl_cell(row);

			fprintf(out, "%s\n", cell ? cell : "");
			free(cell);
		}
		return 0;
	}
	keys = hopctl_columns(rows, &ncols);
	width = calloc(ncols ? ncols : 1, sizeof(*width));
	if (!keys || !width) {
		free(keys);
		free(width);
		return -1;
	}
	for (c = 0; c < ncols; c++)
		width[c] = strlen(keys[c]);
	json_array_foreach(rows, i, row)
	{
		for (c = 0; c < ncols; c++) {
			char *cell = hopctl_cell(json_object_get(row, keys[c]));

			if (cell && strlen(cell) > width[c])
				width[c] = strlen(cell);
			free(cell);
		}
	}
	for (c = 0; c < ncols; c++)
		fprintf(out, "%-*s%s", c + 1 < ncols ? (int)width[c] : 0,
			keys[c], c + 1 < ncols ? "  " : "\n");
	json_array_foreach(rows, i, row)
	{
		for (c = 0; c < ncols; c++) {
			char *cell = hopctl_cell(json_object_get(row, keys[c]));

			fprintf(out, "%-*s%s",
				c + 1 < ncols ? (int)width[c] : 0,
				cell ? cell : "", c + 1 < ncols ? "  " : "\n");
			free(cell);
		}
	}
	free(keys);
	free(width);
	return 0;
}

int
hopctl_render(FILE *out, json_t *v)
{
	const char *key;
	json_t *val;
	int rc = 0;

	if (json_is_array(v)) {
		rc = hopctl_table(out, v);
	} else if (json_is_object(v) && json_object_size(v) == 1 &&
		   json_is_string(json_object_get(v, "text"))) {
		fprintf(out, "%s\n",
			json_string_value(json_object_get(v, "text")));
	} else if (json_is_object(v)) {
		json_object_foreach(v, key, val)
		{
			char *cell = hopctl_cell(val);

			fprintf(out, "%s: %s\n", key, cell ? cell : "");
			free(cell);
		}
	} else {
		char *cell = hopctl_cell(v);

		fprintf(out, "%s\n", cell ? cell : "");
		free(cell);
	}
	fflush(out);
	return rc;
}

int
hopctl_line(const struct hopctl_out *o, const char *line)
{
	json_error_t jerr;
	json_t *v = json_loads(line, JSON_DECODE_ANY, &jerr);
	json_t *ok;
	int status = -1;

	if (!v)
		return hopctl_ferror(o->err, HOPCTL_EXIT_FAIL,
				     "%s: bad reply: %s", o->node, jerr.text);
	if (o->json) {
		fprintf(o->out, "%s\n", line);
		fflush(o->out);
	}
	ok = json_is_object(v) ? json_object_get(v, "ok") : NULL;
	if (json_is_boolean(ok)) {
		json_t *err = json_object_get(v, "error");

		status = 0;
		if (!json_is_true(ok)) {
			hopctl_ferror(o->err, 0, "%s: %s", o->node,
				      json_is_string(err)
					  ? json_string_value(err)
					  : "command failed");
			status = json_is_true(json_object_get(v, "usage"))
				     ? HOPCTL_EXIT_USAGE
				     : HOPCTL_EXIT_FAIL;
		}
	} else if (!o->json && hopctl_render(o->out, v) < 0) {
		status =
		    hopctl_ferror(o->err, HOPCTL_EXIT_FAIL, "out of memory");
	}
	json_decref(v);
	return status;
}

int
hopctl_read(const struct hopctl_out *o, int fd)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap);

	if (!buf)
		return hopctl_ferror(o->err, HOPCTL_EXIT_FAIL, "out of memory");
	for (;;) {
		char *nl;
		ssize_t n;

		while ((nl = memchr(buf, '\n', len))) {
			int status;

			*nl = '\0';
			status = hopctl_line(o, buf);
			len -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, len);
			if (status >= 0) {
				free(buf);
				return status;
			}
		}
		if (len == cap) {
			char *bigger = realloc(buf, cap * 2);

			if (!bigger) {
				free(buf);
				return hopctl_ferror(o->err, HOPCTL_EXIT_FAIL,
						     "out of memory");
			}
			buf = bigger;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			return hopctl_ferror(o->err, HOPCTL_EXIT_FAIL,
					     "%s: connection closed before the "
					     "reply ended",
					     o->node);
		}
		len += (size_t)n;
	}
}
