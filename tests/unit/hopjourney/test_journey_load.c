/* Loading topologies and traces, bad ones included; the command line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "journey.h"
#include "journey_cli.h"
#include "journey_harness.h"

#define ROW(node, in, out, t)                                                  \
	"{\"time\":" t ",\"node\":\"" node "\",\"in\":" in ",\"out\":" out     \
	",\"key\":\"00000000000000aa\",\"summary\":\"s\",\"decision\":\"d\"}"

struct warnings {
	unsigned n;
	char last[JOURNEY_ERR_MAX];
};

static void
count_warning(void *arg, const char *msg)
{
	struct warnings *w = arg;

	w->n++;
	snprintf(w->last, sizeof(w->last), "%s", msg);
}

static int
load(struct journey *j, const char *text)
{
	return journey_load_trace(j, "t.json", text, strlen(text));
}

/* A row that is not one is skipped with a warning naming its file, line
 * and place; the rows around it stay. */
static void
test_bad_rows_skipped(void **state)
{
	static const struct {
		const char *line, *why;
	} bad[] = {
	    {"[{\"node\":\"hA\",\"in\":null,\"out\":\"eth0\",\"key\":\"k\"}]",
	     "t.json:1: row 1: \"time\" is not a time"},
	    {"[" ROW("hA", "null", "\"eth0\"", "\"1\"") "]",
	     "\"time\" is not a time"},
	    {"[" ROW("hA", "5", "\"eth0\"", "1") "]",
	     "\"in\" is neither a string nor null"},
	    {"[" ROW("hA", "null", "[\"eth0\"]", "1") "]",
	     "\"out\" is neither a string nor null"},
	    {"[1, \"x\", null]", "t.json:1: row 3: not a row object"},
	    {"{\"node\":\"hA\"}", "t.json:1: \"time\""},
	    {"[" ROW("hA", "null", "\"eth0\"", "-1") "]", "\"time\""},
	    {"[{\"time\":1,\"node\":\"hA\",\"in\":null,\"out\":null,\"key\":"
	     "\"k\",\"in_ttl\":300}]",
	     "\"in_ttl\" is neither a TTL nor null"},
	    {"[{\"time\":1,\"node\":\"\",\"in\":null,\"out\":null,\"key\":"
	     "\"k\"}]",
	     "\"node\" is not a string"},
	};
	struct warnings w = {0};
	struct journey j;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		journey_on(&j, TOPO_SEED);
		j.warn = count_warning;
		j.warn_arg = &w;
		w.n = 0;
		assert_int_equal(load(&j, bad[i].line), 0);
		assert_true(w.n >= 1);
		assert_non_null(strstr(w.last, bad[i].why));
		assert_int_equal(j.n_rows, 0);
		journey_free(&j);
	}
	journey_on(&j, TOPO_SEED);
	j.warn = count_warning;
	j.warn_arg = &w;
	w.n = 0;
	assert_int_equal(
	    load(&j, "[" ROW("hA", "null", "\"eth0\"",
			     "1") ",7," ROW("sw1", "\"p1\"", "null",
					    "1.00001") "]\n"
						       "\n  \n{\"ok\":true}\n"),
	    0);
	assert_int_equal(w.n, 1);
	assert_int_equal(j.n_rows, 2);
	assert_int_equal(journey_match(&j), 0);
	assert_int_equal(j.n_packets, 1);
	assert_int_equal(j.packets[0].n_hops, 2);
	journey_free(&j);
}

/* A line that is no JSON, or a daemon's error, fails naming file and
 * line. */
static void
test_bad_lines_fail(void **state)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
	    {"[]\n[]\nnot json\n", "t.json:3: not JSON"},
	    {"[{\"time\":1,\n", "t.json:1: not JSON"},
	    {"{\"ok\":false,\"error\":\"no such command\"}\n",
	     "t.json:1: the daemon replied with an error: no such command"},
	    {"[]\n{\"ok\":false}\n", "t.json:2: the daemon replied"},
	    {"42\n", "t.json:1: not JSON"},
	};
	static const char nul[] = "[]\n[{\"a\":\"x\0y\"}]\n";
	struct journey j;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		journey_on(&j, TOPO_SEED);
		assert_int_equal(journey_load_trace(&j, "t.json", bad[i].text,
						    strlen(bad[i].text)),
				 -1);
		assert_non_null(strstr(j.err, bad[i].why));
		journey_free(&j);
	}
	journey_on(&j, TOPO_SEED);
	assert_int_equal(journey_load_trace(&j, "t.json", nul, sizeof(nul) - 1),
			 -1);
	assert_non_null(strstr(j.err, "t.json:2: not JSON"));
	journey_free(&j);
}

static void
test_topology_errors(void **state)
{
	static const struct {
		const char *topo, *why;
	} bad[] = {
	    {"{\"nodes\":[}", "topo.json:1:"},
	    {"[]", "not a JSON object"},
	    {"{}", "\"nodes\" is not an array"},
	    {"{\"nodes\":[{\"name\":\"a\"}]}", "nodes[0] needs"},
	    {"{\"nodes\":[{\"name\":\"a\",\"kind\":\"host\"},"
	     "{\"name\":\"a\",\"kind\":\"host\"}]}",
	     "node 'a' twice"},
	    {"{\"nodes\":[{\"name\":\"a\",\"kind\":\"host\"}],\"links\":"
	     "[{\"a\":\"a\",\"a_if\":\"e\",\"b\":\"b\",\"b_if\":\"e\"}]}",
	     "links[0] joins a node not in"},
	    {"{\"nodes\":[{\"name\":\"a\",\"kind\":\"host\"},{\"name\":\"b\","
	     "\"kind\":\"host\"}],\"links\":[{\"a\":\"a\",\"a_if\":\"e\","
	     "\"b\":\"b\",\"b_if\":\"e\"},{\"a\":\"a\",\"a_if\":\"e\","
	     "\"b\":\"b\",\"b_if\":\"f\"}]}",
	     "links[1] uses a port already linked"},
	    {"{\"nodes\":[{\"name\":\"a\",\"kind\":\"linux\"}],\"macs\":"
	     "{\"a:eth0\":\"02:00:00:00:00\"}}",
	     "macs: \"a:eth0\" needs"},
	    {"{\"nodes\":[{\"name\":\"a\",\"kind\":\"linux\"}],\"macs\":"
	     "{\"b:eth0\":\"02:00:00:00:00:01\"}}",
	     "\"b:eth0\": no such node"},
	};
	struct journey j;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		journey_init(&j);
		assert_int_equal(journey_load_topology(&j, "topo.json",
						       bad[i].topo,
						       strlen(bad[i].topo)),
				 -1);
		assert_non_null(strstr(j.err, bad[i].why));
		journey_free(&j);
	}
}

/* --- the command line ------------------------------------------------- */

struct run {
	int status;
	char *out, *err;
};

static struct run
cli(const char *const *args)
{
	char *argv[16] = {"hopjourney"};
	int argc = 1;
	size_t olen, elen;
	struct run r = {0};
	FILE *out = open_memstream(&r.out, &olen);
	FILE *err = open_memstream(&r.err, &elen);

	for (; *args; args++)
		argv[argc++] = (char *)*args;
	r.status = journey_cli(argc, argv, out, err);
	fclose(out);
	fclose(err);
	return r;
}

static void
run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_cli(void **state)
{
	char dir[] = "/tmp/journey-cli-XXXXXX", topo[64], good[64], bad[64];
	char missing[64];
	struct run r;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(topo, sizeof(topo), "%s/topo.json", dir);
	snprintf(good, sizeof(good), "%s/hA.json", dir);
	snprintf(bad, sizeof(bad), "%s/sw1.json", dir);
	snprintf(missing, sizeof(missing), "%s/none.json", dir);
	write_file(topo, "{\"nodes\":[{\"name\":\"hA\",\"kind\":\"host\"}]}");
	write_file(good,
		   "[" ROW("hA", "null", "\"eth0\"", "1") "]\n"
							  "{\"ok\":true}\n");
	write_file(bad, "[]\n{\"ok\":false,\"error\":\"unknown command\"}\n");

	r = cli((const char *const[]){"--help", NULL});
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"links\":[{\"a\":\"hA\""));
	run_free(&r);
	r = cli((const char *const[]){good, NULL});
	assert_int_equal(r.status, JOURNEY_EXIT_USAGE);
	assert_non_null(strstr(r.err, "no topology"));
	run_free(&r);
	r = cli((const char *const[]){"-t", topo, NULL});
	assert_int_equal(r.status, JOURNEY_EXIT_USAGE);
	run_free(&r);
	r = cli((const char *const[]){"-j", "--dot", "-t", topo, good, NULL});
	assert_int_equal(r.status, JOURNEY_EXIT_USAGE);
	run_free(&r);
	r = cli((const char *const[]){"--bogus", "-t", topo, good, NULL});
	assert_int_equal(r.status, JOURNEY_EXIT_USAGE);
	assert_non_null(strstr(r.err, "--bogus"));
	run_free(&r);
	r = cli((const char *const[]){"-t", topo, good, missing, NULL});
	assert_int_equal(r.status, JOURNEY_EXIT_FAIL);
	assert_non_null(strstr(r.err, missing));
	run_free(&r);
	r = cli((const char *const[]){"-t", topo, good, bad, NULL});
	assert_int_equal(r.status, JOURNEY_EXIT_FAIL);
	assert_non_null(strstr(r.err, "sw1.json:2: the daemon replied"));
	run_free(&r);
	r = cli((const char *const[]){"-t", topo, "-p", "hA:eth0", good, NULL});
	assert_int_equal(r.status, JOURNEY_EXIT_FAIL);
	assert_non_null(strstr(r.err, "not NODE:IF:FILE"));
	run_free(&r);
	r = cli((const char *const[]){"-t", topo, "--pcap", "hX:eth0:x.pcap",
				      NULL});
	assert_int_equal(r.status, JOURNEY_EXIT_FAIL);
	assert_non_null(strstr(r.err, "node 'hX' is not in the topology"));
	run_free(&r);
	r = cli((const char *const[]){"-t", topo, good, NULL});
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "1  s\n   hA  - \u2192 eth0  -  -  -  d\n");
	run_free(&r);
	r = cli((const char *const[]){"-j", "-t", topo, good, NULL});
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "{\"summary\":\"s\","));
	run_free(&r);
	unlink(topo);
	unlink(good);
	unlink(bad);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bad_rows_skipped),
	    cmocka_unit_test(test_bad_lines_fail),
	    cmocka_unit_test(test_topology_errors),
	    cmocka_unit_test(test_cli),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
