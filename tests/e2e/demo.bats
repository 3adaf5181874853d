#!/usr/bin/env bats
# make demo's script: it shows the hosts pinging each other through switchd
# and the switch's MAC table, and leaves nothing behind.

load helpers

setup() {
	LAB=$(lab_name demo)
}

teardown() {
	lab_down_check "$LAB"
}

@test "the demo pings every pair of hosts, shows the MAC table and takes the lab down" {
	run env HOPLAB_DEMO_LAB="$LAB" HOPLAB_BIN="$HOPLAB_BIN_DIR" "$REPO_ROOT/netns-lab/demo"
	assert_success
	assert_output --partial "lab $LAB is up"
	[ "$(grep -c '2 packets transmitted, 2 received, 0% packet loss' <<<"$output")" -eq 6 ]
	# The table after the pings: one row per host, each on its own port.
	for p in p1 p2 p3; do
		assert_line --regexp "^[0-9a-f:]{17} +$p +0 +[0-9]+$"
	done
	assert_output --partial "lab $LAB is down"
	run ip netns list
	refute_output --partial "$LAB-"
	[ ! -e "$HOPLAB_RUN_ROOT/$LAB" ]
}
