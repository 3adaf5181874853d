#!/usr/bin/env bats
# hostd's TCP under attack: a SYN flood from random
# sources, random segments with valid checksums, blind RSTs and SYNs with
# wrong sequence numbers, all while a transfer runs.  hostd must not
# crash, the transfer must finish intact, and the listener must serve new
# clients afterwards.
#
#   lA(linux) - sw1 - r1 - sw2 - hB(host)
#                              \- lB(linux, the attacker, on hB's segment)
#
# Needs root and scapy (python3-scapy).

load helpers

TCP_ABUSE=$REPO_ROOT/tests/tools/tcp_abuse.py

setup_file() {
	LAB=$(lab_name abuse)
	export LAB
	cat >"$BATS_FILE_TMPDIR/abuse.lab" <<EOF
lab $LAB
node lA linux
node sw1 switch
node r1 router
node sw2 switch
node hB host
node lB linux
link lA:eth0 sw1:p1
link sw1:p2 r1:eth0
link r1:eth1 sw2:p1
link sw2:p2 hB:eth0
link sw2:p3 lB:eth0
addr lA:eth0 10.0.1.20/24
route lA default via 10.0.1.1
addr r1:eth0 10.0.1.1/24
addr r1:eth1 10.0.2.1/24
addr hB:eth0 10.0.2.20/24
route hB default via 10.0.2.1
addr lB:eth0 10.0.2.30/24
route lB default via 10.0.2.1
EOF
	lab_up "$BATS_FILE_TMPDIR/abuse.lab"
	head -c 30M /dev/urandom >"$BATS_FILE_TMPDIR/30a"
}

test_teardown() {
	local pid
	for pid in $(jobs -p); do
		kill "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
}

sha() { sha256sum <"$1" | cut -d' ' -f1; }

hostd_listening() {
	"$HOPCTL" -j "$1" show sockets | head -n 1 |
		jq -e --arg p ":$2" 'any(.[]; .state == "LISTEN" and (.local | endswith($p)))' >/dev/null
}

tcp_stat() { "$HOPCTL" -j "$1" show tcp | head -n 1 | jq ".$2"; }

hb_mac() { "$HOPCTL" -j "$LAB/hB" show ip | head -n 1 | jq -r '.[0].mac'; }

# abuse MODE ARGS...: tcp_abuse.py from lB at hB.
abuse() {
	local mode=$1
	shift
	ip netns exec "$LAB-lB" /usr/bin/python3 "$TCP_ABUSE" "$mode" -i eth0 \
		--dst-mac "$(hb_mac)" --dst 10.0.2.20 "$@"
}

# the_transfer_port: the Linux client's port of the running transfer
# (hostd's side is in FIN-WAIT-2: its stdin was empty).
the_transfer_port() {
	"$HOPCTL" -j "$LAB/hB" show sockets | head -n 1 |
		jq -r '.[] | select(.state != "LISTEN" and .state != "TIME-WAIT" and .local == "10.0.2.20:5001") | .remote' |
		head -n 1 | cut -d: -f2
}

transfer_up() { [[ -n $(the_transfer_port) ]]; }

@test "a SYN flood, random segments and blind RSTs: hostd stands, the transfer finishes, the listener serves" {
	local d=$BATS_TEST_TMPDIR port synq chal seq
	/usr/bin/python3 -c 'import scapy' || fail "python3-scapy is not installed"
	"$HOPCTL" "$LAB/hB" tcp listen -k 5001 </dev/null >"$d/at_hB" &
	local hpid=$!
	wait_until 5 hostd_listening "$LAB/hB" 5001
	# A transfer from Linux, slowed so that it lasts through the attack:
	# the data comes in pieces from a loop, which waits (a minute at
	# most) before piece 15 until the attack has begun and before piece
	# 25 until it is over, however long the attack takes.
	(
		for i in $(seq 0 29); do
			case $i in
			15) wait_until 60 test -e "$d/attacking" 2>/dev/null || true ;;
			25) wait_until 60 test -e "$d/attacked" 2>/dev/null || true ;;
			esac
			dd if="$BATS_FILE_TMPDIR/30a" bs=1M skip="$i" count=1 status=none
			sleep 0.5
		done
	) | ip netns exec "$LAB-lA" nc -N 10.0.2.20 5001 >/dev/null &
	local npid=$!
	wait_until 5 transfer_up || true
	port=$(the_transfer_port)
	[[ -n $port ]] || fail "no transfer established"
	synq=$(tcp_stat "$LAB/hB" syn_queue_overflow)
	chal=$(tcp_stat "$LAB/hB" challenge_acks)

	# 10,000 SYNs from random sources to the listener.
	run abuse synflood --dport 5001 -n 10000 --seed 1
	assert_success
	assert_output 10000
	# Random segments to the listener, and at the transfer's four-tuple.
	run abuse random --dport 5001 -n 3000 --seed 2
	assert_success
	run abuse random --dport 5001 --src 10.0.1.20 --sport "$port" -n 3000 --seed 3
	assert_success
	# Blind RSTs, SYNs and data with wrong sequence numbers: anywhere,
	# then near where the transfer is, as seen on lA's wire a moment
	# before (RFC 5961: in the window but not exactly at its edge, a RST
	# only draws a challenge ACK).
	run abuse blindrst --dport 5001 --src 10.0.1.20 --sport "$port" -n 5000 --seed 4
	assert_success
	: >"$d/attacking"
	seq=$(ip netns exec "$LAB-lA" timeout 5 tcpdump -i eth0 -n -S -l -c 1 \
		"tcp src port $port and greater 1000" 2>/dev/null |
		sed -n 's/.* seq \([0-9]*\):.*/\1/p')
	[[ -n $seq ]] || fail "the transfer was over before the attack"
	run abuse blindrst --dport 5001 --src 10.0.1.20 --sport "$port" -n 5000 --seed 5 \
		--seq-near "$seq" --spread 2000000
	assert_success
	: >"$d/attacked"

	# The transfer goes on and finishes intact.
	wait "$npid"
	wait_until 30 bash -c "[[ \$(stat -c %s '$d/at_hB') -ge 31457280 ]]"
	[ "$(sha "$d/at_hB")" = "$(sha "$BATS_FILE_TMPDIR/30a")" ]
	# The flood filled the SYN queue, which made room by evicting; the
	# blind segments got challenge ACKs (RFC 5961), rate-limited.
	[ "$(tcp_stat "$LAB/hB" syn_queue_overflow)" -gt "$synq" ]
	[ "$(tcp_stat "$LAB/hB" challenge_acks)" -gt "$chal" ]
	# hostd is alive and the listener serves a new client.
	run bash -c "echo 'after the storm' | timeout 20 ip netns exec '$LAB-lA' nc -N 10.0.2.20 5001"
	assert_success
	wait_until 10 grep -q 'after the storm' "$d/at_hB"
	kill "$hpid"
}
