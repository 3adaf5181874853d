#!/usr/bin/env bats
# Planted failure for the runner's own test: switchd dies during the first
# test (as from a segmentation fault); that test must fail, naming it.

load ../../e2e/helpers

setup_file() {
	LAB=$(lab_name pcrash)
	export LAB
	sed "s/^lab switch3\$/lab $LAB/" "$REPO_ROOT/conf/switch3.lab" >"$BATS_FILE_TMPDIR/sw.lab"
	lab_up "$BATS_FILE_TMPDIR/sw.lab"
}

@test "planted: switchd crashes during this test" {
	kill -SEGV "$(cat "$HOPLAB_RUN_ROOT/$LAB/sw1.pid")"
	sleep 1
}

@test "planted: a later test is not blamed for it" {
	true
}
