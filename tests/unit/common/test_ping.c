/* ping's options and its iputils wording of ICMP errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ping.h"

/* Parses the words of line as ping's arguments. */
static int
parse(const char *line, struct ping_opts *o, char *err, size_t errlen)
{
	static char buf[256];
	char *argv[16];
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *w = strtok(buf, " "); w && argc < 16; w = strtok(NULL, " "))
		argv[argc++] = w;
	return ping_parse(argc, argv, o, err, errlen);
}

static void
test_defaults(void **state)
{
	struct ping_opts o;
	char err[160];

	(void)state;
	assert_int_equal(parse("10.0.2.20", &o, err, sizeof(err)), 0);
	assert_int_equal(o.count, 0);
	assert_true(o.interval == 1.0);
	assert_int_equal(o.size, 56);
	assert_int_equal(o.ttl, 64);
	assert_int_equal(o.dst, 0x0a000214);
	assert_string_equal(o.dst_str, "10.0.2.20");
}

static void
test_options(void **state)
{
	struct ping_opts o;
	char err[160];

	(void)state;
	assert_int_equal(parse("-c 3 -i 0.005 -s 3000 -t 1 -W 2 10.0.0.1", &o,
			       err, sizeof(err)),
			 0);
	assert_int_equal(o.count, 3);
	assert_true(o.interval == 0.005);
	assert_int_equal(o.size, 3000);
	assert_int_equal(o.ttl, 1);
	assert_true(o.wait == 2.0);
	assert_int_equal(parse("-s 0 -s 65507 1.2.3.4", &o, err, sizeof(err)),
			 0);
	assert_int_equal(o.size, 65507);
	/* After the destination too, as GNU getopt permutes them. */
	assert_int_equal(parse("10.0.0.9 -c 2 -t 3", &o, err, sizeof(err)), 0);
	assert_int_equal(o.dst, 0x0a000009);
	assert_int_equal(o.count, 2);
	assert_int_equal(o.ttl, 3);
}

static void
test_bad_input(void **state)
{
	static const char *const bad[] = {
	    "",
	    "-c 3",
	    "-c 0 10.0.0.1",
	    "-c 1.5 10.0.0.1",
	    "-c x 10.0.0.1",
	    "-i 0 10.0.0.1",
	    "-s 65508 10.0.0.1",
	    "-s -1 10.0.0.1",
	    "-t 0 10.0.0.1",
	    "-t 256 10.0.0.1",
	    "-W 0 10.0.0.1",
	    "-x 1 10.0.0.1",
	    "-c 10.0.0.1",
	    "10.0.0.256",
	    "10.0.0",
	    "host.example",
	    "10.0.0.1 extra",
	};
	struct ping_opts o;
	char err[160];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (parse(bad[i], &o, err, sizeof(err)) != -1)
			fail_msg("accepted: '%s'", bad[i]);
		assert_true(strlen(err) > 0);
	}
}

static void
test_error_text(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(ping_error_text(ICMP_TYPE_TIME_EXCEEDED,
					    ICMP_CODE_TTL_EXCEEDED, 0, buf,
					    sizeof(buf)),
			    "Time to live exceeded");
	assert_string_equal(ping_error_text(ICMP_TYPE_DEST_UNREACH,
					    ICMP_CODE_NET_UNREACH, 0, buf,
					    sizeof(buf)),
			    "Destination Net Unreachable");
	assert_string_equal(ping_error_text(ICMP_TYPE_DEST_UNREACH,
					    ICMP_CODE_HOST_UNREACH, 0, buf,
					    sizeof(buf)),
			    "Destination Host Unreachable");
	assert_string_equal(ping_error_text(ICMP_TYPE_DEST_UNREACH,
					    ICMP_CODE_PORT_UNREACH, 0, buf,
					    sizeof(buf)),
			    "Destination Port Unreachable");
	assert_string_equal(ping_error_text(ICMP_TYPE_DEST_UNREACH,
					    ICMP_CODE_FRAG_NEEDED, 1000, buf,
					    sizeof(buf)),
			    "Frag needed and DF set (mtu = 1000)");
	assert_string_equal(
	    ping_error_text(ICMP_TYPE_DEST_UNREACH, 99, 0, buf, sizeof(buf)),
	    "Dest Unreachable, Bad Code: 99");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_options),
	    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_error_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
