#!/usr/bin/env bats
# make demo's script. Act 1: the hosts of conf/switch3.lab ping each other
# through switchd, and the switch's MAC table is shown. Act 2: hostd to
# hostd through switch, routerd, switch, with the MACs rewritten at the
# router and the IPs unchanged. Nothing is left behind.

load helpers

test_setup() {
	LAB=$(lab_name demo)
	LAB2=$(lab_name demob)
}

# mac_in_output WHO: the MAC the demo's "Who is who" table gives WHO.
mac_in_output() {
	grep -E "^$1 " <<<"$output" | grep -oE '([0-9a-f]{2}:){5}[0-9a-f]{2}'
}

@test "the demo shows switching, then the whole journey through the router, and takes the labs down" {
	run env HOPLAB_DEMO_LAB="$LAB" HOPLAB_DEMO_LAB2="$LAB2" \
		HOPLAB_BIN="$HOPLAB_BIN_DIR" "$REPO_ROOT/netns-lab/demo"
	assert_success

	# Act 1: six pairs ping; the table has one row per host, each on its port.
	assert_output --partial "lab $LAB is up"
	[ "$(grep -c '2 packets transmitted, 2 received, 0% packet loss' <<<"$output")" -eq 6 ]
	for p in p1 p2 p3; do
		assert_line --regexp "^[0-9a-f:]{17} +$p +0 +[0-9]+$"
	done
	assert_output --partial "lab $LAB is down"

	# Act 2: hostd pings and traces through routerd; UDP arrives.
	assert_output --partial "lab $LAB2 is up"
	assert_line --regexp '^64 bytes from 10\.0\.2\.20: icmp_seq=1 ttl=63 time=[0-9.]+ ms$'
	assert_line --regexp '^3 packets transmitted, 3 received, 0% packet loss'
	assert_line --regexp '^ 1  10\.0\.1\.1  '
	assert_line --regexp '^ 2  10\.0\.2\.20  '
	assert_line 'B received: hello from A'
	# The captured echo request: A -> r1 eth0 on one side, r1 eth1 -> B
	# on the other, with the same IP addresses and the TTL one less.
	local a r0 r1 b
	a=$(mac_in_output "host A eth0")
	r0=$(mac_in_output "router r1 eth0")
	r1=$(mac_in_output "router r1 eth1")
	b=$(mac_in_output "host B eth0")
	[ -n "$a" ]
	[ -n "$r0" ]
	[ -n "$r1" ]
	[ -n "$b" ]
	assert_line --regexp "^[0-9:.]+ $a > $r0, ethertype IPv4 .*ttl 64,"
	assert_line --regexp "^[0-9:.]+ $r1 > $b, ethertype IPv4 .*ttl 63,"
	[ "$(grep -c '10.0.1.10 > 10.0.2.20: ICMP echo request' <<<"$output")" -eq 2 ]
	assert_output --partial "lab $LAB2 is down"

	run ip netns list
	refute_output --partial "$LAB-"
	refute_output --partial "$LAB2-"
	[ ! -e "$HOPLAB_RUN_ROOT/$LAB" ]
	[ ! -e "$HOPLAB_RUN_ROOT/$LAB2" ]
}
