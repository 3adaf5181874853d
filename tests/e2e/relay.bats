#!/usr/bin/env bats
# relay (tests/tools/relay.c), the impairment relay: a Linux node r between
# hosts a and b forwards every frame like a wire, and loses, delays,
# reorders, duplicates, corrupts and rate-limits them when told to, with
# counters that agree with what ping, nc and the hosts' kernels saw.
# Needs root.

load helpers

TOOLS=${HOPLAB_TOOLS:-$REPO_ROOT/build/san/tools}
RELAY=$TOOLS/relay
PKTINJECT=$TOOLS/pktinject

# One lab for the whole file, a - r - b; each test starts its own relay.
setup_file() {
	LAB=$(lab_name relay)
	export LAB
	cat >"$BATS_FILE_TMPDIR/relay.lab" <<EOF
lab $LAB
node a linux
node r linux
node b linux
link a:eth0 r:eth0
link r:eth1 b:eth0
addr a:eth0 10.0.0.1/24
addr b:eth0 10.0.0.2/24
EOF
	lab_up "$BATS_FILE_TMPDIR/relay.lab"
}

on() {
	local node=$1
	shift
	ip netns exec "$LAB-$node" "$@"
}
mac_of() { on "$1" cat /sys/class/net/eth0/address; }

# Without ARP nothing but the tests' own packets crosses r (hoplab turns
# IPv6 off), so the relay's counters can be held to what ping counted.
test_setup() {
	RELAY_PID=
	on a ip neigh replace 10.0.0.2 lladdr "$(mac_of b)" dev eth0 nud permanent
	on b ip neigh replace 10.0.0.1 lladdr "$(mac_of a)" dev eth0 nud permanent
}

# The VLAN test turns the tag offload of r's eth0 on; no other test may
# see it.
test_teardown() {
	local rc=0
	relay_stop || rc=1
	on r ethtool -K eth0 rxvlan off || rc=1
	return "$rc"
}

# relay_start ARGS...: the relay in r between eth0 (a) and eth1 (b), with
# ARGS; ready once it has written its first stats.
relay_start() {
	local dir=$BATS_TEST_TMPDIR
	[[ -x $RELAY ]] || fail "$RELAY is not built"
	rm -f "$dir/stats" "$dir/relay.out"
	# Not through on(): $! must be the relay itself, which ip netns exec
	# becomes.
	ip netns exec "$LAB-r" "$RELAY" -a eth0 -b eth1 --stats "$dir/stats" "$@" \
		>"$dir/relay.out" 2>"$dir/relay.err" 3>&- &
	RELAY_PID=$!
	wait_until 5 test -s "$dir/stats"
}

relay_exited() {
	local state
	state=$(ps -o stat= -p "$1") || return 0
	[[ $state == Z* ]]
}

# relay_stop: SIGTERM; the relay must exit 0 at once, print its counters
# and leave no sanitizer report.
relay_stop() {
	local pid=$RELAY_PID dir=$BATS_TEST_TMPDIR rc=0
	[[ -n $pid ]] || return 0
	RELAY_PID=
	kill -TERM "$pid" 2>/dev/null || true
	if ! wait_until 5 relay_exited "$pid"; then
		kill -KILL "$pid" 2>/dev/null || true
		echo "relay_stop: the relay ignored SIGTERM" >&2
		rc=1
	fi
	wait "$pid" || {
		echo "relay_stop: the relay exited with status $?:" >&2
		cat "$dir/relay.err" >&2
		rc=1
	}
	if grep -qE "$SANITIZER_RE" "$dir/relay.err"; then
		echo "relay_stop: sanitizer report from the relay:" >&2
		cat "$dir/relay.err" >&2
		rc=1
	fi
	grep -q '^b>a socket_drops [0-9]' "$dir/relay.out" || {
		echo "relay_stop: the relay printed no counters" >&2
		rc=1
	}
	return "$rc"
}

# count DIR NAME: a counter the relay printed when it stopped.
count() {
	awk -v d="$1" -v k="$2" '$1 == d && $2 == k { print $3 }' \
		"$BATS_TEST_TMPDIR/relay.out"
}
# stat_is DIR NAME VALUE: the stats file, which the relay rewrites every
# second while it runs, says so.
stat_is() {
	[[ $(awk -v d="$1" -v k="$2" '$1 == d && $2 == k { print $3 }' \
		"$BATS_TEST_TMPDIR/stats") == "$3" ]]
}
# settled SENT: the stats file shows every one of the SENT frames a sent
# forwarded (a duplicate counts twice), lost or dropped: none still held.
settled() {
	local k
	declare -A c
	while read -r k; do
		c[$k]=$(awk -v k="$k" '$1 == "a>b" && $2 == k { print $3 }' "$BATS_TEST_TMPDIR/stats")
	done < <(printf '%s\n' received forwarded duplicated lost dropped_queue_full truncated send_errors)
	((c[received] == $1 && c[forwarded] - c[duplicated] + c[lost] + c[dropped_queue_full] + c[truncated] + c[send_errors] == $1))
}
# expect WHAT ARITHMETIC: fail, saying WHAT, unless ARITHMETIC holds.
expect() {
	(($2)) || fail "$1: $2 does not hold"
}

# ping_counts: "TRANSMITTED RECEIVED DUPLICATES" from the $output of ping.
ping_counts() {
	sed -nE 's/^([0-9]+) packets transmitted, ([0-9]+) received(, \+([0-9]+) duplicates)?.*/\1 \2 \4/p' \
		<<<"$output" | awk '{ print $1, $2, $3 + 0 }'
}
# ping_rtt: "MIN AVG MAX MDEV" in ms from the $output of ping.
ping_rtt() {
	sed -nE 's|^rtt min/avg/max/mdev = ([0-9.]+)/([0-9.]+)/([0-9.]+)/([0-9.]+) ms(, .*)?$|\1 \2 \3 \4|p' \
		<<<"$output"
}
# at_least X Y: X >= Y, for decimals.
at_least() { awk -v x="$1" -v y="$2" 'BEGIN { exit !(x >= y) }'; }

listening() { on "$1" ss -Hln"$2" "sport = :$3" | grep -q .; }

# transfer BYTES: BYTES of random data from a to b over TCP with nc; the
# sha256 must match.  Sets TRANSFER_MS.
transfer() {
	local dir=$BATS_TEST_TMPDIR server t0
	head -c "$1" /dev/urandom >"$dir/sent"
	on b timeout 60 nc -l 5001 >"$dir/received" 3>&- &
	server=$!
	wait_until 5 listening b t 5001
	t0=$(_now_us)
	run on a timeout 60 nc -N 10.0.0.2 5001 <"$dir/sent"
	assert_success
	wait "$server"
	TRANSFER_MS=$(elapsed_ms "$t0")
	[[ $(sha256sum <"$dir/sent") == "$(sha256sum <"$dir/received")" ]] ||
		fail "sha256 differs: sent $(wc -c <"$dir/sent") bytes, received $(wc -c <"$dir/received")"
}

@test "without impairments the relay is a wire: ARP, 200 quick pings, 5 MB of TCP" {
	relay_start
	on a ip neigh del 10.0.0.2 dev eth0
	on b ip neigh del 10.0.0.1 dev eth0
	run on a ping -c 2 -i 0.2 -W 2 10.0.0.2
	assert_success
	assert_output --partial "2 packets transmitted, 2 received"
	run on a ip neigh show 10.0.0.2 dev eth0
	assert_output --partial "lladdr $(mac_of b)"

	run on a ping -q -c 200 -i 0.005 -W 2 10.0.0.2
	assert_success
	assert_output --partial "200 packets transmitted, 200 received, 0% packet loss"
	transfer 5242880
	relay_stop
	local d k
	for d in 'a>b' 'b>a'; do
		expect "$d forwards what it receives" "$(count "$d" received) == $(count "$d" forwarded)"
		for k in lost duplicated reordered corrupted delayed dropped_queue_full truncated send_errors; do
			expect "$d $k" "$(count "$d" "$k") == 0"
		done
	done
	expect "the 5 MB crossed" "$(count 'a>b' received) > 3600"
}

@test "--loss 20% loses about a fifth each way, as ping counts, and the same seed loses the same" {
	local n tx rx dup lost_ab lost_ba first
	for n in 1 2; do
		relay_start --loss 20% --seed 7
		run on a ping -q -c 500 -i 0.002 -W 1 10.0.0.2
		read -r tx rx dup < <(ping_counts)
		expect "ping sent" "$tx == 500"
		wait_until 3 stat_is 'a>b' received 500
		relay_stop
		lost_ab=$(count 'a>b' lost) lost_ba=$(count 'b>a' lost)
		expect "a>b took every request" "$(count 'a>b' received) == 500"
		expect "a>b lost or forwarded each" "$lost_ab + $(count 'a>b' forwarded) == 500"
		expect "b answered what reached it" "$(count 'b>a' received) == $(count 'a>b' forwarded)"
		expect "ping got what b>a forwarded" "$(count 'b>a' forwarded) == $rx"
		expect "a>b lost 10% to 30%" "$lost_ab >= 50 && $lost_ab <= 150"
		expect "b>a lost 10% to 30%" "$lost_ba * 10 >= $(count 'b>a' received) && $lost_ba * 10 <= $(count 'b>a' received) * 3"
		expect "round trips lost 20% to 52% (1 - 0.8^2 = 36%)" "$tx - $rx >= 100 && $tx - $rx <= 260"
		if ((n == 1)); then
			first="$rx $(cat "$BATS_TEST_TMPDIR/relay.out")"
		else
			[[ "$rx $(cat "$BATS_TEST_TMPDIR/relay.out")" == "$first" ]] ||
				fail "seed 7 lost differently the second time"
		fi
	done
}

@test "--delay 20ms holds each frame: ping's RTT is 40 ms at least; --jitter spreads it" {
	local min avg mdev
	# A busy machine only adds time: the lower bounds are tight, the
	# upper ones loose (a delay applied twice still fails them).
	relay_start --delay 20ms
	run on a ping -c 5 -i 0.1 -W 2 10.0.0.2
	assert_success
	read -r min avg _ mdev < <(ping_rtt)
	at_least "$min" 40 || fail "rtt min $min ms is below 2 x 20 ms"
	at_least 75 "$avg" || fail "rtt avg $avg ms is far above 2 x 20 ms"
	relay_stop
	expect "a>b delayed all" "$(count 'a>b' delayed) == 5"
	expect "b>a delayed all" "$(count 'b>a' delayed) == 5"

	# Each way 10 to 30 ms: round trips from 20 ms, some below 40.
	relay_start --delay 20ms --jitter 10ms
	run on a ping -c 20 -i 0.05 -W 2 10.0.0.2
	assert_success
	read -r min avg _ mdev < <(ping_rtt)
	at_least "$min" 20 || fail "rtt min $min ms is below 2 x (20 - 10) ms"
	at_least 39 "$min" || fail "rtt min $min ms: no round trip was shortened"
	at_least "$mdev" 2 || fail "rtt mdev $mdev ms: no jitter"
	at_least 75 "$avg" || fail "rtt avg $avg ms is far above 2 x 20 ms"
}

@test "--reorder 25% with --delay 10ms: UDP datagrams arrive out of order; 5 MB of TCP still arrives intact" {
	local dir=$BATS_TEST_TMPDIR server
	relay_start --reorder 25% --delay 10ms
	on b timeout 10 nc -u -l -W 300 5002 >"$dir/udp" 3>&- &
	server=$!
	wait_until 5 listening b u 5002
	# One write, one datagram: bash's /dev/udp sends each line alone.
	# shellcheck disable=SC2016 # for the inner bash to expand
	on a bash -c 'exec 3>/dev/udp/10.0.0.2/5002
		for ((i = 1; i <= 300; i++)); do echo "$i" >&3; done'
	wait "$server"
	run sort -n -c "$dir/udp"
	assert_failure
	[[ $(sort -n "$dir/udp") == "$(seq 300)" ]] ||
		fail "datagrams lost or doubled: $(wc -l <"$dir/udp") lines"

	transfer 5242880
	relay_stop
	expect "a>b reordered some" "$(count 'a>b' reordered) > 0"
	expect "a>b lost none" "$(count 'a>b' received) == $(count 'a>b' forwarded)"
}

@test "--duplicate 1% sends some frames twice, as ping's duplicates show; 50% makes DUP! plain" {
	local tx rx dup extra d
	relay_start --duplicate 1%
	run on a ping -q -c 300 -i 0.005 -W 1 10.0.0.2
	assert_success
	read -r tx rx dup < <(ping_counts)
	expect "ping got every reply" "$rx == 300"
	relay_stop
	for d in 'a>b' 'b>a'; do
		expect "$d forwarded each once and duplicates again" \
			"$(count "$d" forwarded) == $(count "$d" received) + $(count "$d" duplicated)"
	done
	expect "some duplicated" "$(count 'a>b' duplicated) + $(count 'b>a' duplicated) > 0"
	expect "b answered every copy" "$(count 'b>a' received) == $(count 'a>b' forwarded)"
	# ping stops at its 300th reply, so up to 3 copies of the last
	# exchange may come after it has gone.
	extra=$(($(count 'b>a' forwarded) - 300))
	expect "ping's duplicates are the extra replies" "$dup <= $extra && $dup >= $extra - 3 && $dup > 0"

	relay_start --duplicate 50%
	run on a ping -c 10 -i 0.05 -W 1 10.0.0.2
	assert_success
	assert_output --partial "(DUP!)"
}

@test "--corrupt 100% flips a bit of every frame: b's kernel takes none of the pings" {
	local rx0 echos0
	rx0=$(on b cat /sys/class/net/eth0/statistics/rx_packets)
	echos0=$(icmp_in "$LAB" b InEchos)
	relay_start --corrupt 100%
	run on a ping -c 5 -i 0.05 -W 1 10.0.0.2
	assert_failure 1
	assert_output --partial "5 packets transmitted, 0 received"
	relay_stop
	expect "a>b corrupted all" "$(count 'a>b' corrupted) == 5 && $(count 'a>b' forwarded) == 5"
	expect "b received them" "$(on b cat /sys/class/net/eth0/statistics/rx_packets) >= $rx0 + 5"
	expect "b answered none" "$(icmp_in "$LAB" b InEchos) == $echos0"
}

@test "--rate 8mbit paces 1 MB of TCP to a second or more, intact" {
	relay_start --rate 8mbit
	transfer 1048576
	relay_stop
	expect "1 MB at 8 Mbit/s takes over a second (took ${TRANSFER_MS} ms)" "$TRANSFER_MS >= 1000"
	expect "and not forever (took ${TRANSFER_MS} ms)" "$TRANSFER_MS <= 10000"
	expect "a>b delayed some" "$(count 'a>b' delayed) > 0"
}

@test "--limit 4 with --delay 100ms: frames beyond four held are dropped and counted" {
	local tx rx dup d
	relay_start --limit 4 --delay 100ms
	run on a ping -q -c 50 -i 0.002 -W 1 10.0.0.2
	read -r tx rx dup < <(ping_counts)
	relay_stop
	expect "a>b dropped some" "$(count 'a>b' dropped_queue_full) > 0"
	for d in 'a>b' 'b>a'; do
		expect "$d forwarded or dropped each" \
			"$(count "$d" received) == $(count "$d" forwarded) + $(count "$d" dropped_queue_full)"
	done
	expect "ping got what b>a forwarded" "$(count 'b>a' forwarded) == $rx && $rx < $tx"
}

@test "an 802.1Q tag the kernel took out of a frame on the way in goes back in" {
	local dir=$BATS_TEST_TMPDIR frame server
	[[ -x $PKTINJECT ]] || fail "$PKTINJECT is not built"
	on r ethtool -K eth0 rxvlan on
	relay_start
	on b timeout 10 tcpdump -c 1 -l -nn -e -i eth0 vlan >"$dir/b.txt" 2>"$dir/b.err" 3>&- &
	server=$!
	wait_until 5 grep -q "listening on" "$dir/b.err"
	frame=$(ipv4_udp_frame ff:ff:ff:ff:ff:ff 02:00:00:00:00:01 10.0.0.1 10.0.0.2)
	run on a "$PKTINJECT" -i eth0 "${frame:0:24}81000123${frame:24}"
	assert_success
	wait "$server"
	run cat "$dir/b.txt"
	assert_output --partial "ethertype 802.1Q (0x8100), length 52: vlan 291, p 0, ethertype IPv4"
}

@test "hostile frames through every impairment at once: the relay lives and counts them" {
	local sent
	[[ -x $PKTINJECT ]] || fail "$PKTINJECT is not built"
	relay_start --loss 10% --delay 5ms --jitter 5ms --reorder 10% \
		--duplicate 10% --corrupt 50% --rate 100mbit --seed 3
	run on a "$PKTINJECT" -i eth0 --random 3000 --seed 5 --max-len 1514
	assert_success
	sent=${output%% sent*}
	expect "pktinject sent most" "$sent > 2900"
	wait_until 5 settled "$sent"
	relay_stop
	expect "some lost" "$(count 'a>b' lost) > 0"
	expect "some corrupted" "$(count 'a>b' corrupted) > 0"
	expect "some duplicated" "$(count 'a>b' duplicated) > 0"
	expect "some reordered" "$(count 'a>b' reordered) > 0"
}

@test "relay refuses bad arguments with status 2 and says why; --help is 0" {
	local args
	run "$RELAY" --help
	assert_success
	assert_output --partial "usage: relay -a IF_A -b IF_B"
	# In r, and with interfaces that do not exist: a relay that took
	# its arguments wrongly fails fast and touches nothing.
	while read -r args; do
		# shellcheck disable=SC2086 # each line is a list of arguments
		run on r timeout 5 "$RELAY" $args
		((status == 2)) || fail "relay $args: status $status, not 2: $output"
		assert_output --regexp "^relay: .+"
	done <<'EOF'
-a nosuch0
-b nosuch1
-a nosuch0 -b nosuch0
-a nosuch0 -b nosuch1 --loss 101%
-a nosuch0 -b nosuch1 --loss -1%
-a nosuch0 -b nosuch1 --loss many
-a nosuch0 -b nosuch1 --loss nan
-a nosuch0 -b nosuch1 --delay 5parsecs
-a nosuch0 -b nosuch1 --delay -20ms
-a nosuch0 -b nosuch1 --jitter 2h
-a nosuch0 -b nosuch1 --rate 0
-a nosuch0 -b nosuch1 --rate 10mbitz
-a nosuch0 -b nosuch1 --seed x
-a nosuch0 -b nosuch1 --limit 0
-a nosuch0 -b nosuch1 --reorder
-a nosuch0 -b nosuch1 --bogus
-a nosuch0 -b nosuch1 stray
-a aaaaaaaaaaaaaaaa -b nosuch1
EOF
	run on r timeout 5 "$RELAY" -a eth0 -b nosuch1
	assert_failure 1
	assert_output --partial "nosuch1"
}
