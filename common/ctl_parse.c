/* Control requests: validation, splitting into words, command lookup. */
#include "ctl_parse.h"

#include <stdint.h>
#include <string.h>

/* Length of the UTF-8 sequence starting with byte c, 0 if c cannot start one.
 */
static size_t
ctl_utf8_len(uint8_t c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

bool
ctl_text_valid(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0;

	while (i < len) {
		size_t n = ctl_utf8_len(p[i]);
		uint32_t cp;

		if (n == 0 || n > len - i)
			return false;
		if (n == 1) {
			if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f)
				return false;
			i++;
			continue;
		}
		cp = p[i] & (0x7f >> n);
		for (size_t k = 1; k < n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates and values past U+10FFFF. */
		if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
		i += n;
	}
	return true;
}

int
ctl_split(char *line, char **argv, int max, const char **err)
{
	int argc = 0;
	char *p = line;

	if (!ctl_text_valid(line, strlen(line))) {
		*err = "request is not valid text (UTF-8, no control "
		       "characters)";
		return -1;
	}
	for (;;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (*p == '\0')
			return argc;
		if (argc == max) {
			*err = "too many words in request";
			return -1;
		}
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
}

/* How many words of argv the command's words match in full, or -1. */
static int
ctl_match(const char *words, int argc, char *const *argv)
{
	int matched = 0;
	const char *w = words;

	while (*w) {
		size_t len = strcspn(w, " ");

		if (matched == argc || strlen(argv[matched]) != len ||
		    strncmp(argv[matched], w, len) != 0)
			return -1;
		matched++;
		w += len;
		while (*w == ' ')
			w++;
	}
	return matched;
}

const struct ctl_cmd *
ctl_lookup(const struct ctl_cmd *table, size_t n, int argc, char *const *argv,
	   int *nwords)
{
	const struct ctl_cmd *best = NULL;
	int best_words = 0;

	for (size_t i = 0; i < n; i++) {
		int m = ctl_match(table[i].words, argc, argv);

		if (m > best_words) {
			best = &table[i];
			best_words = m;
		}
	}
	*nwords = best_words;
	return best;
}
