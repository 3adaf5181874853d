/* hopctl's rendering of replies: tables, key: value lines, text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hopctl_render.h"

/* What hopctl_render prints for the JSON text json. */
static char *
rendered(const char *json)
{
	json_error_t jerr;
	json_t *v = json_loads(json, JSON_DECODE_ANY, &jerr);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(v);
	assert_non_null(f);
	assert_int_equal(hopctl_render(f, v), 0);
	fclose(f);
	json_decref(v);
	return buf;
}

static void
test_table_columns_aligned(void **state)
{
	char *s = rendered("[{\"name\":\"eth0\",\"mtu\":1500},"
			   "{\"name\":\"eth10\",\"mtu\":9000}]");

	(void)state;
	assert_string_equal(s, "name   mtu\n"
			       "eth0   1500\n"
			       "eth10  9000\n");
	free(s);
}

/* Rows of different kinds share one table: a column for every key of any
 * row, in the order first seen, "-" where a row has none (a listening
 * socket has no congestion window). */
static void
test_table_union_of_columns(void **state)
{
	char *s = rendered(
	    "[{\"proto\":\"tcp\",\"state\":\"LISTEN\"},"
	    "{\"proto\":\"tcp\",\"state\":\"ESTABLISHED\",\"cwnd\":14600},"
	    "{\"proto\":\"udp\",\"state\":\"-\",\"extra\":true}]");

	(void)state;
	assert_string_equal(s, "proto  state        cwnd   extra\n"
			       "tcp    LISTEN       -      -\n"
			       "tcp    ESTABLISHED  14600  -\n"
			       "udp    -            -      true\n");
	free(s);
}

static void
test_object_and_text(void **state)
{
	char *s = rendered("{\"in_segs\":3,\"congestion\":\"cubic\","
			   "\"msl\":30.5}");

	(void)state;
	assert_string_equal(s, "in_segs: 3\ncongestion: cubic\nmsl: 30.5\n");
	free(s);
	s = rendered("{\"text\":\"64 bytes from 10.0.0.1\"}");
	assert_string_equal(s, "64 bytes from 10.0.0.1\n");
	free(s);
	s = rendered("[{\"seq\":1,\"time\":1796391234.810232,\"rtt\":0.571}]");
	assert_string_equal(s, "seq  time               rtt\n"
			       "1    1796391234.810232  0.571\n");
	free(s);
	s = rendered("[\"a\",2]");
	assert_string_equal(s, "a\n2\n");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_columns_aligned),
	    cmocka_unit_test(test_table_union_of_columns),
	    cmocka_unit_test(test_object_and_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
