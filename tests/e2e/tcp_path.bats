#!/usr/bin/env bats
# hostd's TCP over bad paths: a link with a smaller
# MTU (path MTU discovery), and a relay that loses, reorders and
# duplicates frames (linkrelay; this kernel has no sch_netem).  Two labs:
#
#   PMTU  hA(host) - sw1 - r1 ==mtu 1000== r2 - sw2 - hB(host)
#   BAD   hA(host) - rl(linux, the relay) - lB(linux)
#
# Needs root.

load helpers

setup_file() {
	PMTU=$(lab_name pmtu)
	BAD=$(lab_name tcpbad)
	export PMTU BAD
	cat >"$BATS_FILE_TMPDIR/pmtu.lab" <<EOF
lab $PMTU
node hA host
node sw1 switch
node r1 router
node r2 router
node sw2 switch
node hB host
link hA:eth0 sw1:p1
link sw1:p2 r1:eth0
link r1:eth1 r2:eth0 mtu 1000
link r2:eth1 sw2:p1
link sw2:p2 hB:eth0
addr hA:eth0 10.0.1.10/24
route hA default via 10.0.1.1
addr r1:eth0 10.0.1.1/24
addr r1:eth1 10.0.12.1/24
route r1 10.0.2.0/24 via 10.0.12.2
addr r2:eth0 10.0.12.2/24
addr r2:eth1 10.0.2.1/24
route r2 10.0.1.0/24 via 10.0.12.1
addr hB:eth0 10.0.2.20/24
route hB default via 10.0.2.1
EOF
	cat >"$BATS_FILE_TMPDIR/bad.lab" <<EOF
lab $BAD
node hA host
node rl linux
node lB linux
link hA:eth0 rl:eth0
link rl:eth1 lB:eth0
addr hA:eth0 10.0.3.10/24
addr lB:eth0 10.0.3.30/24
EOF
	lab_up "$BATS_FILE_TMPDIR/pmtu.lab"
	lab_up "$BATS_FILE_TMPDIR/bad.lab"
	head -c 10M /dev/urandom >"$BATS_FILE_TMPDIR/10a"
	head -c 10M /dev/urandom >"$BATS_FILE_TMPDIR/10b"
}

test_teardown() {
	relay_stop
	local pid
	for pid in $(jobs -p); do
		kill "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
}

sha() { sha256sum <"$1" | cut -d' ' -f1; }

# must CMD...: run CMD (its stdout wherever the caller sends it); fail,
# showing its stderr, unless it succeeds.
must() {
	local err=$BATS_TEST_TMPDIR/must.err rc=0
	"$@" 2>"$err" || rc=$?
	((rc == 0)) || {
		cat "$err" >&2
		fail "exit status $rc: $*"
	}
}

# tsh ARGS...: tshark without its warning about running as root.
tsh() { tshark "$@" 2>/dev/null; }

same() {
	local a b
	a=$(sha "$1")
	b=$(sha "$2")
	[[ $a == "$b" ]] ||
		fail "$2 ($(stat -c %s "$2") bytes, sha256 $b) differs from $1 ($(stat -c %s "$1") bytes, sha256 $a)"
}

linux_listening() { ip netns exec "$1-$2" ss -Hltn "sport = :$3" | grep -q .; }

hostd_listening() {
	"$HOPCTL" -j "$1" show sockets | head -n 1 |
		jq -e --arg p ":$2" 'any(.[]; .state == "LISTEN" and (.local | endswith($p)))' >/dev/null
}

tcp_stat() { "$HOPCTL" -j "$1" show tcp | head -n 1 | jq ".$2"; }

# ---------------------------------------------------------------------------
# Path MTU discovery

@test "two routers, an MTU-1000 link: a transfer that starts with MSS 1460 finishes after PMTU discovery" {
	local d=$BATS_TEST_TMPDIR cap pa pb
	pa=$(tcp_stat "$PMTU/hA" pmtu_updates)
	pb=$(tcp_stat "$PMTU/hB" pmtu_updates)
	run "$HOPCTL" "$PMTU/hA" capture start eth0
	assert_success
	"$HOPCTL" "$PMTU/hB" tcp listen 5001 <"$BATS_FILE_TMPDIR/10b" >"$d/at_hB" &
	local hpid=$!
	wait_until 5 hostd_listening "$PMTU/hB" 5001
	must timeout 120 "$HOPCTL" "$PMTU/hA" tcp connect 10.0.2.20 5001 \
		<"$BATS_FILE_TMPDIR/10a" >"$d/at_hA"
	wait "$hpid"
	"$HOPCTL" "$PMTU/hA" capture stop
	same "$BATS_FILE_TMPDIR/10a" "$d/at_hB"
	same "$BATS_FILE_TMPDIR/10b" "$d/at_hA"
	# Both senders learnt the smaller MTU from r1's or r2's ICMP.
	[ "$(tcp_stat "$PMTU/hA" pmtu_updates)" -gt "$pa" ]
	[ "$(tcp_stat "$PMTU/hB" pmtu_updates)" -gt "$pb" ]
	# hA's own capture, in the order hA did things: the handshake offered
	# 1460 both ways, and once the first ICMP was in, hA sent nothing
	# larger than the path.
	local caps=("$HOPLAB_RUN_ROOT/$PMTU/capture/"hA*.pcap)
	cap=${caps[-1]}
	run tsh -r "$cap" -Y 'tcp.flags.syn == 1' -T fields -e tcp.options.mss_val
	assert_success
	assert_output $'1460\n1460'
	run tsh -r "$cap" -Y 'icmp.type == 3 && icmp.code == 4' -T fields -e icmp.mtu
	assert_success
	assert_line 1000
	local first_icmp big_after
	first_icmp=$(tsh -r "$cap" -Y 'icmp.type == 3 && icmp.code == 4' -T fields -e frame.number | head -n 1)
	big_after=$(tsh -r "$cap" -Y "ip.src == 10.0.1.10 && !icmp && ip.len > 1000 && frame.number > $first_icmp" -T fields -e frame.number | wc -l)
	[ "$big_after" = 0 ]
}

# ---------------------------------------------------------------------------
# A bad path: loss, reordering, duplication

# The relay in rl between hA and lB: relay_start, relay_stop and
# relay_count (helpers.bash).

# both_ways TAG: 10 MB from hostd to Linux, then 10 MB from Linux to hostd,
# through the relay; both must arrive intact.
both_ways() {
	local d=$BATS_TEST_TMPDIR
	ip netns exec "$BAD-lB" nc -l -N 10.0.3.30 6001 </dev/null >"$d/at_lB" &
	local lpid=$!
	wait_until 5 linux_listening "$BAD" lB 6001
	must timeout 180 "$HOPCTL" "$BAD/hA" tcp connect 10.0.3.30 6001 \
		<"$BATS_FILE_TMPDIR/10a" >/dev/null
	wait "$lpid"
	same "$BATS_FILE_TMPDIR/10a" "$d/at_lB"

	"$HOPCTL" "$BAD/hA" tcp listen 6002 </dev/null >"$d/at_hA" &
	local hpid=$!
	wait_until 5 hostd_listening "$BAD/hA" 6002
	must timeout 180 ip netns exec "$BAD-lB" nc -N 10.0.3.10 6002 \
		<"$BATS_FILE_TMPDIR/10b" >/dev/null
	wait "$hpid"
	same "$BATS_FILE_TMPDIR/10b" "$d/at_hA"
}

@test "5% loss: 10 MB each way intact; hostd's retransmissions did it" {
	local retrans ooo
	retrans=$(tcp_stat "$BAD/hA" retrans_segs)
	ooo=$(tcp_stat "$BAD/hA" ooo_segs)
	relay_start "$BAD-rl" loss 5% seed 11
	both_ways
	relay_stop
	echo "lost: a>b $(relay_count 'a>b' lost), b>a $(relay_count 'b>a' lost); hostd retransmitted $(($(tcp_stat "$BAD/hA" retrans_segs) - retrans))"
	(($(relay_count 'a>b' lost) > 100 && $(relay_count 'b>a' lost) > 100))
	# hostd sent again what was lost on its way out...
	[ "$(tcp_stat "$BAD/hA" retrans_segs)" -gt "$((retrans + 100))" ]
	# ...and saw the holes in what Linux sent.
	[ "$(tcp_stat "$BAD/hA" ooo_segs)" -gt "$ooo" ]
}

@test "25% reordering with 10 ms delay: 10 MB each way intact" {
	local retrans ooo
	retrans=$(tcp_stat "$BAD/hA" retrans_segs)
	ooo=$(tcp_stat "$BAD/hA" ooo_segs)
	relay_start "$BAD-rl" delay 10ms reorder 25% seed 12
	both_ways
	relay_stop
	(($(relay_count 'a>b' reordered) > 100 && $(relay_count 'b>a' reordered) > 100))
	# Out of order on the way in; on the way out, duplicate ACKs that
	# looked like loss made hostd resend.
	[ "$(tcp_stat "$BAD/hA" ooo_segs)" -gt "$((ooo + 100))" ]
	[ "$(tcp_stat "$BAD/hA" retrans_segs)" -gt "$retrans" ]
}

@test "1% duplication: 10 MB each way intact; the copies are counted and dropped" {
	local oow dup
	oow=$(tcp_stat "$BAD/hA" out_of_window)
	dup=$(tcp_stat "$BAD/hA" dup_acks)
	relay_start "$BAD-rl" duplicate 1% seed 13
	both_ways
	relay_stop
	(($(relay_count 'a>b' duplicated) > 10 && $(relay_count 'b>a' duplicated) > 10))
	# A copy of a segment already taken is acknowledged and dropped; a
	# copy of an ACK is a duplicate ACK.
	[ "$(tcp_stat "$BAD/hA" out_of_window)" -gt "$oow" ]
	[ "$(tcp_stat "$BAD/hA" dup_acks)" -gt "$dup" ]
}
