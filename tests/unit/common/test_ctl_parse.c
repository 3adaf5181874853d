/* The control protocol's parser: validation, words, command lookup. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_parse.h"

static int
dummy(struct ctl_req *req, int argc, char **argv, void *arg)
{
	(void)req;
	(void)argc;
	(void)argv;
	(void)arg;
	return CTL_DONE;
}

static const struct ctl_cmd table[] = {
    {"show ports", "", "", dummy, 0}, {"show mac", "", "", dummy, 0},
    {"show", "THING", "", dummy, 0},  {"flush mac", "[PORT]", "", dummy, 0},
    {"ping", "DEST", "", dummy, 1},
};
static const size_t ntable = sizeof(table) / sizeof(table[0]);

static void
test_split_words(void **state)
{
	char line[] = "  show \t mac  p1 ";
	char *argv[8];
	const char *err = NULL;

	(void)state;
	assert_int_equal(ctl_split(line, argv, 8, &err), 3);
	assert_string_equal(argv[0], "show");
	assert_string_equal(argv[1], "mac");
	assert_string_equal(argv[2], "p1");
}

static void
test_split_empty(void **state)
{
	char line[] = " \t ";
	char *argv[4];
	const char *err = NULL;

	(void)state;
	assert_int_equal(ctl_split(line, argv, 4, &err), 0);
}

static void
test_split_too_many(void **state)
{
	char line[] = "a b c d e";
	char *argv[4];
	const char *err = NULL;

	(void)state;
	assert_int_equal(ctl_split(line, argv, 4, &err), -1);
	assert_non_null(err);
}

static void
test_text_valid(void **state)
{
	(void)state;
	assert_true(ctl_text_valid("show mac", 8));
	assert_true(ctl_text_valid("caf\xc3\xa9", 5));	    /* é */
	assert_true(ctl_text_valid("\xf0\x9f\x98\x80", 4)); /* emoji */
	assert_false(ctl_text_valid("a\x01"
				    "b",
				    3));		     /* control */
	assert_false(ctl_text_valid("a\x7f", 2));	     /* DEL */
	assert_false(ctl_text_valid("\xc3", 1));	     /* cut short */
	assert_false(ctl_text_valid("\xc0\xaf", 2));	     /* overlong */
	assert_false(ctl_text_valid("\xe0\x80\xaf", 3));     /* overlong */
	assert_false(ctl_text_valid("\xed\xa0\x80", 3));     /* surrogate */
	assert_false(ctl_text_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	assert_false(ctl_text_valid("\xff", 1));
	assert_false(ctl_text_valid("\x80", 1));
}

static void
test_split_rejects_bad_text(void **state)
{
	char line[] = "show \xff mac";
	char *argv[4];
	const char *err = NULL;

	(void)state;
	assert_int_equal(ctl_split(line, argv, 4, &err), -1);
	assert_non_null(err);
}

static const struct ctl_cmd *
lookup(const char *text, int *nwords)
{
	static char line[128];
	static char *argv[16];
	const char *err;
	int argc;

	snprintf(line, sizeof(line), "%s", text);
	argc = ctl_split(line, argv, 16, &err);
	return ctl_lookup(table, ntable, argc, argv, nwords);
}

static void
test_lookup_longest(void **state)
{
	int n;

	(void)state;
	assert_ptr_equal(lookup("show mac", &n), &table[1]);
	assert_int_equal(n, 2);
	assert_ptr_equal(lookup("show ports extra", &n), &table[0]);
	assert_int_equal(n, 2);
	assert_ptr_equal(lookup("show routes", &n), &table[2]);
	assert_int_equal(n, 1);
	assert_ptr_equal(lookup("flush mac p1", &n), &table[3]);
	assert_int_equal(n, 2);
}

static void
test_lookup_none(void **state)
{
	int n;

	(void)state;
	assert_null(lookup("flush", &n)); /* a prefix of a command is none */
	assert_null(lookup("sho mac", &n));
	assert_null(lookup("showmac", &n));
	assert_null(lookup("", &n));
	assert_null(lookup("mac show", &n));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_split_words),
	    cmocka_unit_test(test_split_empty),
	    cmocka_unit_test(test_split_too_many),
	    cmocka_unit_test(test_text_valid),
	    cmocka_unit_test(test_split_rejects_bad_text),
	    cmocka_unit_test(test_lookup_longest),
	    cmocka_unit_test(test_lookup_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
