/* The one option parser of control commands. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_opt.h"

struct parsed {
	bool flag;
	long count;
	double wait;
	const char *name;
	int n;
	char *operands[8];
	char err[128];
};

/* Parses the words of line with -f (flag), -c (1..10), -w (0.5..2), -b
 * (a word). */
static void
parse(const char *line, struct parsed *p)
{
	static char buf[256];
	char *argv[16];
	int argc = 0;
	const struct ctl_opt opts[] = {
	    {'f', CTL_OPT_FLAG, 0, 0, &p->flag},
	    {'c', CTL_OPT_INT, 1, 10, &p->count},
	    {'w', CTL_OPT_REAL, 0.5, 2, &p->wait},
	    {'b', CTL_OPT_STRING, 0, 0, &p->name},
	};

	memset(p, 0, sizeof(*p));
	snprintf(buf, sizeof(buf), "%s", line);
	for (char *w = strtok(buf, " "); w && argc < 16; w = strtok(NULL, " "))
		argv[argc++] = w;
	p->n = ctl_opt_parse(argc, argv, opts, 4, p->err, sizeof(p->err));
	for (int i = 0; i < p->n && i < 8; i++)
		p->operands[i] = argv[i];
}

static void
test_options_anywhere(void **state)
{
	struct parsed p;

	(void)state;
	parse("-c 3 DEST -w 1.5 -f", &p);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.operands[0], "DEST");
	assert_int_equal(p.count, 3);
	assert_true(p.wait == 1.5);
	assert_true(p.flag);
	parse("ONE -c4 TWO -bname THREE", &p);
	assert_int_equal(p.n, 3);
	assert_string_equal(p.operands[0], "ONE");
	assert_string_equal(p.operands[1], "TWO");
	assert_string_equal(p.operands[2], "THREE");
	assert_int_equal(p.count, 4);
	assert_string_equal(p.name, "name");
	assert_false(p.flag);
}

static void
test_double_dash_ends_options(void **state)
{
	struct parsed p;

	(void)state;
	parse("-c 2 -- -f -x", &p);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.operands[0], "-f");
	assert_string_equal(p.operands[1], "-x");
	assert_false(p.flag);
	parse("- -c 1", &p); /* a lone dash is an operand */
	assert_int_equal(p.n, 1);
	assert_string_equal(p.operands[0], "-");
}

static void
test_bad_options(void **state)
{
	static const struct {
		const char *line, *err;
	} bad[] = {
	    {"-x 1", "unknown option '-x'"},
	    {"-c", "-c needs a value"},
	    {"-c 0", "-c: 1 to 10, not '0'"},
	    {"-c 11", "-c: 1 to 10, not '11'"},
	    {"-c 2.5", "-c: 1 to 10, not '2.5'"},
	    {"-c x", "-c: 1 to 10, not 'x'"},
	    {"-c +3", "-c: 1 to 10, not '+3'"},
	    {"-w 0.1", "-w: 0.5 to 2, not '0.1'"},
	    {"-w nan", "-w: 0.5 to 2, not 'nan'"},
	    {"-fx", "-f takes no value"},
	};
	struct parsed p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		parse(bad[i].line, &p);
		if (p.n != -1)
			fail_msg("accepted: '%s'", bad[i].line);
		assert_string_equal(p.err, bad[i].err);
	}
}

static void
test_number(void **state)
{
	double v;

	(void)state;
	assert_int_equal(ctl_opt_number("42", 0, 100, true, &v), 0);
	assert_true(v == 42);
	assert_int_equal(ctl_opt_number("0.25", 0, 1, false, &v), 0);
	assert_true(v == 0.25);
	assert_int_equal(ctl_opt_number("", 0, 1, false, &v), -1);
	assert_int_equal(ctl_opt_number(" 1", 0, 9, true, &v), -1);
	assert_int_equal(ctl_opt_number("1e3", 0, 999, true, &v), -1);
	assert_int_equal(ctl_opt_number("inf", 0, 1e9, false, &v), -1);
	assert_int_equal(ctl_opt_number("7x", 0, 9, true, &v), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_options_anywhere),
	    cmocka_unit_test(test_double_dash_ends_options),
	    cmocka_unit_test(test_bad_options),
	    cmocka_unit_test(test_number),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
