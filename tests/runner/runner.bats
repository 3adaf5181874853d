#!/usr/bin/env bats
# The test runner's own test: each planted failure (tests/runner/planted/)
# must make tests/run fail, with a line that names it, however much of the
# planted test passed first.

load ../e2e/helpers

PLANTED=$REPO_ROOT/build/san/runner

# runner ARGS...: tests/run with short timeouts, its output in $output.
runner() {
	run env UNIT_TIMEOUT=5 E2E_TIMEOUT=60 "$REPO_ROOT/tests/run" "$@"
}

@test "a heap overflow in a unit test fails the binary, and the tests after it are missed" {
	runner "$PLANTED/planted_overflow"
	assert_failure
	assert_line --regexp "^not ok - $PLANTED/planted_overflow: sanitizer report: .*AddressSanitizer: heap-buffer-overflow"
	assert_line "not ok - $PLANTED/planted_overflow: ran 2 of the 4 tests it planned"
	assert_line "2 passed, 3 failed"
}

@test "a leak in a unit test fails the binary although every test passed, whatever the caller's ASAN_OPTIONS" {
	ASAN_OPTIONS=detect_leaks=0:log_path=$BATS_TEST_TMPDIR/asan LSAN_OPTIONS=log_path=$BATS_TEST_TMPDIR/lsan \
		runner "$PLANTED/planted_leak"
	assert_failure
	assert_line --regexp "^not ok - $PLANTED/planted_leak: sanitizer report: .*LeakSanitizer: detected memory leaks"
	assert_line --regexp "^not ok - $PLANTED/planted_leak: exited with status [1-9][0-9]* after its last result$"
	assert_line "3 passed, 2 failed"
}

@test "an undefined-behaviour error in a unit test fails the binary, whatever the caller's UBSAN_OPTIONS" {
	UBSAN_OPTIONS=halt_on_error=0:log_path=$BATS_TEST_TMPDIR/ubsan runner "$PLANTED/planted_ubsan"
	assert_failure
	assert_line --regexp "^not ok - $PLANTED/planted_ubsan: sanitizer report: .*runtime error: signed integer overflow"
	assert_line "not ok - $PLANTED/planted_ubsan: ran 1 of the 3 tests it planned"
}

@test "a unit test that hangs is ended by the timeout and fails" {
	runner "$PLANTED/planted_hang"
	assert_failure
	assert_line "not ok - $PLANTED/planted_hang: timed out after 5s"
}

@test "a unit-test binary that was not built fails" {
	runner "$PLANTED/planted_nosuch"
	assert_failure
	assert_line "not ok - $PLANTED/planted_nosuch: not built"
}

@test "a daemon that crashes during an end-to-end test fails that test, by name" {
	runner tests/runner/planted/crash.bats
	assert_failure
	assert_line "not ok 1 planted: switchd crashes during this test"
	assert_line --regexp "^# health_check: daemon of node [a-z0-9]+/sw1 is not running \\(dead\\)"
	assert_line "ok 2 planted: a later test is not blamed for it"
	assert_line "1 passed, 1 failed"
}

@test "a daemon that ignores SIGTERM fails the test that took its lab down" {
	runner tests/runner/planted/sigterm.bats
	assert_failure
	assert_line "not ok 1 planted: switchd ignores SIGTERM when this test takes the lab down"
	assert_line --regexp "hoplab: daemon of node [a-z0-9]+/sw1 \\(pid [0-9]+\\) ignored SIGTERM for 3s; killed it"
	assert_line --regexp "^# health_check: lab [a-z0-9]+ was taken down with the daemon of node sw1 killed"
}

@test "an end-to-end test that hangs is ended by the timeout, and its lab is removed" {
	run env E2E_TIMEOUT=15 "$REPO_ROOT/tests/run" tests/runner/planted/hang.bats
	assert_failure
	assert_line "ok 1 planted: a test that ends"
	assert_line "not ok - tests/runner/planted/hang.bats: timed out after 15s (the last test started is the one after the last result)"
	assert_line "not ok - tests/runner/planted/hang.bats: ran 1 of the 2 tests it planned"
	assert_line --regexp "^not ok - tests/runner/planted/hang.bats: left labs behind: phang[0-9a-f]{6} $"
	run ip netns list
	refute_output --regexp "^phang"
}

@test "a skipped end-to-end test is a failure" {
	runner tests/runner/planted/skip.bats
	assert_failure
	assert_line "ok 1 planted: a test that passes"
	assert_line --regexp "^ok 2 planted: a test that skips # skip"
	assert_line "1 passed, 1 failed"
}

@test "a bats file that stops short of its plan fails" {
	runner tests/runner/planted/short.bats
	assert_failure
	assert_line "not ok - tests/runner/planted/short.bats: ran 1 of the 2 tests it planned"
}

# lint_copy: a copy of the sources the lint stage reads, in $copy.
lint_copy() {
	copy=$BATS_TEST_TMPDIR/copy
	mkdir -p "$copy"
	(cd "$REPO_ROOT" && cp -r --parents .clang-format .ci netns-lab common daemons \
		tests/run tests/coverage tests/layering tests/bench tests/e2e tests/runner tests/unit tests/fuzz/common "$copy"/)
}

@test "lint passes on the repository, and fails on a planted shell mistake, a badly formatted C file and a bats file with its own teardown" {
	local copy
	lint_copy
	run "$copy/tests/run" lint
	assert_success

	# shellcheck disable=SC2016 # the planted mistake is an unquoted $1
	echo 'ls $1' >>"$copy/netns-lab/demo"
	printf 'static int planted  =  1;\n' >>"$copy/common/checksum.c"
	printf 'teardown() {\n\ttrue\n}\n' >>"$copy/tests/e2e/demo.bats"
	run "$copy/tests/run" lint
	assert_failure
	assert_line --partial "SC2086"
	assert_line "not ok - shellcheck: 1 findings; see above"
	assert_line "not ok - clang-format: common/checksum.c need make format"
	assert_line --regexp "^not ok - tests/e2e/demo.bats: defines .*teardown\\(\\)"
}

@test "a missing tool is a failure, not a skip" {
	local bin=$BATS_TEST_TMPDIR/bin f
	mkdir -p "$bin"
	for f in /usr/local/bin/* /usr/bin/* /usr/sbin/* /bin/* /sbin/*; do
		[[ ${f##*/} == bats ]] && continue
		[[ -e $bin/${f##*/} ]] || ln -s "$f" "$bin/${f##*/}"
	done
	PATH=$bin runner tests/runner/planted/skip.bats
	assert_failure
	assert_line "not ok - bats: not installed (make deps installs it)"
}

@test "the include layering check fails on a daemon including another's header, and protocol code including the control socket or a daemon" {
	local copy
	lint_copy
	run "$copy/tests/layering" "$copy"
	assert_success

	sed -i 's|^#include "udp.h"|#include "udp.h"\n#include "router.h"|' "$copy/daemons/hostd/host.c"
	sed -i 's|^#include "log.h"|#include "log.h"\n#include "ctl.h"|' "$copy/common/arp.c"
	sed -i 's|^#include "log.h"|#include "log.h"\n#include "host.h"|' "$copy/common/ipnode.c"
	run "$copy/tests/layering" "$copy"
	assert_failure
	assert_line "daemons/hostd/host.c: includes router.h (daemons/routerd/router.h, another daemon's)"
	assert_line "common/arp.c: includes ctl.h (protocol code may not include control code)"
	assert_line "common/ipnode.c: includes host.h, which is not in common/"
	run "$copy/tests/run" lint
	assert_failure
	assert_line "not ok - include layering: 3 includes break it; see above and tests/layering"
}
