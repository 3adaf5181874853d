#!/usr/bin/env bats
# Planted failure for the runner's own test: the test takes its own lab
# down while switchd is stopped, so it ignores SIGTERM and must be killed;
# that test must fail, naming the daemon.

load ../../e2e/helpers

@test "planted: switchd ignores SIGTERM when this test takes the lab down" {
	local lab
	lab=$(lab_name pterm)
	sed "s/^lab switch3\$/lab $lab/" "$REPO_ROOT/conf/switch3.lab" >"$BATS_TEST_TMPDIR/sw.lab"
	lab_up "$BATS_TEST_TMPDIR/sw.lab"
	kill -STOP "$(cat "$HOPLAB_RUN_ROOT/$lab/sw1.pid")"
	"$HOPLAB" down "$lab"
}
