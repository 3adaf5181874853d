#!/usr/bin/env bats
# The fast path's modes change how frames move, never what the daemons
# decide: with receive rings in TPACKET_V3 blocks (--bulk-rings) and with
# busy polling (--busy-poll, set busy-poll), switched at run time while
# traffic flows, the seed path forwards as it does by default.
#
#   hA (linux) --- sw1 --- r1 --- sw2 --- hB (hostd)
#   10.0.1.10/24    .1 | .1    10.0.2.20/24

load helpers

setup_file() {
	LAB=$(lab_name fast)
	export LAB
	# The daemons, each started with the modes under test: a wrapper
	# that execs the real program keeps its pid and its name.
	local bin=$BATS_FILE_TMPDIR/bin d
	mkdir -p "$bin"
	for d in switchd hostd; do
		printf '#!/bin/sh\nexec "%s" --bulk-rings "$@"\n' "$HOPLAB_BIN_DIR/$d" >"$bin/$d"
	done
	printf '#!/bin/sh\nexec "%s" --bulk-rings --busy-poll 30 "$@"\n' \
		"$HOPLAB_BIN_DIR/routerd" >"$bin/routerd"
	chmod +x "$bin"/*
	ln -s "$HOPCTL" "$bin/hopctl"
	cat >"$BATS_FILE_TMPDIR/fast.lab" <<-EOF
		lab $LAB
		node hA linux
		node sw1 switch
		node r1 router
		node sw2 switch
		node hB host
		link hA:eth0 sw1:p1
		link sw1:p2 r1:eth0
		link r1:eth1 sw2:p1
		link sw2:p2 hB:eth0
		addr hA:eth0 10.0.1.10/24
		route hA default via 10.0.1.1
		addr r1:eth0 10.0.1.1/24
		addr r1:eth1 10.0.2.1/24
		addr hB:eth0 10.0.2.20/24
		route hB default via 10.0.2.1
	EOF
	HOPLAB_BIN=$bin lab_up "$BATS_FILE_TMPDIR/fast.lab"
}

ctl() { "$HOPCTL" -j "$LAB/$1" "${@:2}" | head -n 1; }
on() { ip netns exec "$LAB-$1" "${@:2}"; }
# rings NODE: the receive ring of each of NODE's ports, one per line.
rings() { ctl "$1" show ports | jq -r '.[].rx_ring'; }
# rings_are NODE KIND: every port of NODE receives in KIND.
rings_are() {
	local got
	got=$(rings "$1" | sort -u)
	[[ $got == "$2" ]] || {
		echo "$1: rings '$got', expected '$2'" >&2
		return 1
	}
}
hostd_listening() {
	ctl hB show sockets | jq -e --arg p ":$1" \
		'any(.[]; .proto == "tcp" and .state == "LISTEN" and (.local | endswith($p)))' >/dev/null
}
busy_poll_of() { ctl "$1" show stats | jq -r .busy_poll_usec; }

@test "--bulk-rings gives every port a TPACKET_V3 ring; --busy-poll keeps V2 rings for polling" {
	rings_are sw1 tpacket_v3
	rings_are sw2 tpacket_v3
	rings_are hB tpacket_v3
	rings_are r1 tpacket_v2
	[ "$(busy_poll_of r1)" = 30 ]
	[ "$(busy_poll_of sw1)" = 0 ]
}

@test "ping crosses V3 rings and a busy-polling router: every reply, TTL one lower" {
	run on hA ping -c 5 -i 0.2 -W 2 10.0.2.20
	assert_success
	assert_output --partial "5 packets transmitted, 5 received"
	# hostd answers with TTL 64; r1 takes one off.
	assert_output --partial "ttl=63"
}

@test "4 MB of TCP from a linux host to hostd cross the modes intact" {
	head -c 4000000 /dev/urandom >"$BATS_TEST_TMPDIR/data"
	"$HOPCTL" "$LAB/hB" tcp listen 5001 >"$BATS_TEST_TMPDIR/got" 2>"$BATS_TEST_TMPDIR/listen.err" &
	local listener=$!
	wait_until 5 hostd_listening 5001
	on hA timeout 30 nc -N 10.0.2.20 5001 <"$BATS_TEST_TMPDIR/data"
	wait "$listener"
	cmp "$BATS_TEST_TMPDIR/data" "$BATS_TEST_TMPDIR/got"
}

@test "set busy-poll moves every port between V3 and V2 rings while traffic flows, losing nothing" {
	on hA ping -c 60 -i 0.05 -W 2 10.0.2.20 >"$BATS_TEST_TMPDIR/ping" 2>&1 &
	local pinger=$! node
	sleep 0.5
	for node in sw1 sw2 hB; do
		run "$HOPCTL" -j "$LAB/$node" set busy-poll 50
		assert_success
		assert_line --index 0 '{"busy_poll_usec":50}'
		rings_are "$node" tpacket_v2
		[ "$(busy_poll_of "$node")" = 50 ]
	done
	sleep 0.5
	for node in sw1 sw2 hB; do
		"$HOPCTL" "$LAB/$node" set busy-poll 0 >/dev/null
		rings_are "$node" tpacket_v3
		[ "$(busy_poll_of "$node")" = 0 ]
	done
	# r1 was started polling: off, its rings become V3 blocks too.
	"$HOPCTL" "$LAB/r1" set busy-poll 0 >/dev/null
	rings_are r1 tpacket_v3
	wait "$pinger" || true
	# (On failure: the summary and the sequence numbers without a reply.)
	grep -v "bytes from" "$BATS_TEST_TMPDIR/ping"
	seq 1 60 | grep -vxFf <(sed -n 's/.*icmp_seq=\([0-9]*\) .*/\1/p' "$BATS_TEST_TMPDIR/ping") | tr '\n' ' '
	# The new socket starts one call after the old one stops (a port that
	# closed its socket before opening the next lost one frame in ten at
	# each change): one late reply in 60 is allowed on a busy machine.
	local got
	got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$BATS_TEST_TMPDIR/ping")
	((got >= 59))
	run on hA ping -c 3 -i 0.2 -W 2 10.0.2.20
	assert_output --partial "3 packets transmitted, 3 received"
}

@test "busy-poll refuses what it cannot do, on the command line and at run time" {
	run "$HOPCTL" "$LAB/sw1" set busy-poll -1
	assert_failure 2
	assert_output --partial "busy-poll must be 0 (off) to 1000000 microseconds"
	run "$HOPCTL" "$LAB/sw1" set busy-poll 1000001
	assert_failure 2
	run "$HOPCTL" "$LAB/sw1" set busy-poll lots
	assert_failure 2
	run "$HOPCTL" "$LAB/sw1" set busy-poll
	assert_failure 2
	assert_output --partial "usage: set busy-poll USEC"
	[ "$(busy_poll_of sw1)" = 0 ]
	run "$HOPLAB_BIN_DIR/switchd" --busy-poll 2000000 -i lo
	assert_failure 2
	assert_output --partial "--busy-poll wants 0 to 1000000 microseconds"
	run "$HOPLAB_BIN_DIR/routerd" --busy-poll x -i lo
	assert_failure 2
}
