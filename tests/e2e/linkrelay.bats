#!/usr/bin/env bats
# linkrelay (daemons/linkrelay/), the wire hoplab puts on a linux node's
# impaired link: a Linux node r between hosts a and b runs one between its
# two interfaces, which forwards every frame like a wire, and loses,
# delays, reorders, duplicates, corrupts and rate-limits what leaves by an
# impaired port (`set impair`, the port layer's impairments that every
# daemon has), with counters that agree with what ping, nc and the hosts'
# kernels saw.  The relay helpers are in helpers.bash.  Needs root.

load helpers

TOOLS=${HOPLAB_TOOLS:-$REPO_ROOT/build/san/tools}
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

relay() { relay_start "$LAB-r" "$@"; }
count() { relay_count "$@"; }
# settled SENT: the relay shows every one of the SENT frames a sent
# forwarded (a duplicate counts twice), lost or dropped: none still held.
settled() {
	local k
	declare -A c
	for k in received forwarded duplicated lost queue_full rate_dropped held send_errors; do
		c[$k]=$(count 'a>b' "$k")
	done
	c[ring_full]=$(relay_stat rx_ring_full)
	c[oversize]=$(relay_stat oversize)
	((c[received] + c[ring_full] == $1 && c[held] == 0 &&
		c[forwarded] - c[duplicated] + c[lost] + c[queue_full] + c[rate_dropped] + c[oversize] + c[send_errors] == c[received]))
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
	relay
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
		for k in lost duplicated reordered corrupted delayed queue_full rate_dropped send_errors; do
			expect "$d $k" "$(count "$d" "$k") == 0"
		done
	done
	expect "the 5 MB crossed" "$(count 'a>b' received) > 3600"
	expect "nothing refused" "$(relay_stat not_relayed) == 0 && $(relay_stat oversize) == 0"
	# Never impaired: no impairment columns.
	run jq -r '.[0] | has("impair")' "$BATS_TEST_TMPDIR/relay.ports"
	assert_output false
}

@test "loss 20% loses about a fifth each way, as ping counts, and the same seed loses the same" {
	local n tx rx dup lost_ab lost_ba first d k
	for n in 1 2; do
		relay loss 20% seed 7
		run on a ping -q -c 500 -i 0.002 -W 1 10.0.0.2
		read -r tx rx dup < <(ping_counts)
		expect "ping sent" "$tx == 500"
		wait_until 3 test "$(count 'a>b' received)" = 500
		relay_stop
		lost_ab=$(count 'a>b' lost) lost_ba=$(count 'b>a' lost)
		expect "a>b took every request" "$(count 'a>b' received) == 500"
		expect "a>b lost or forwarded each" "$lost_ab + $(count 'a>b' forwarded) == 500"
		expect "b answered what reached it" "$(count 'b>a' received) == $(count 'a>b' forwarded)"
		expect "ping got what b>a forwarded" "$(count 'b>a' forwarded) == $rx"
		expect "a>b lost 10% to 30%" "$lost_ab >= 50 && $lost_ab <= 150"
		expect "b>a lost 10% to 30%" "$lost_ba * 10 >= $(count 'b>a' received) && $lost_ba * 10 <= $(count 'b>a' received) * 3"
		expect "round trips lost 20% to 52% (1 - 0.8^2 = 36%)" "$tx - $rx >= 100 && $tx - $rx <= 260"
		local now="$rx"
		for d in 'a>b' 'b>a'; do
			for k in received forwarded lost; do
				now+=" $(count "$d" "$k")"
			done
		done
		if ((n == 1)); then
			first=$now
		else
			[[ $now == "$first" ]] || fail "seed 7 lost differently the second time: '$first', then '$now'"
		fi
	done
	run jq -r '.[] | .impair' "$BATS_TEST_TMPDIR/relay.ports"
	assert_output "loss 20% seed 7
loss 20% seed 7"
}

@test "delay 20ms holds each frame: ping's RTT is 40 ms at least; jitter spreads it" {
	local min avg mdev
	# A busy machine only adds time: the lower bounds are tight, the
	# upper ones loose (a delay applied twice still fails them).
	relay delay 20ms
	run on a ping -c 5 -i 0.1 -W 2 10.0.0.2
	assert_success
	read -r min avg _ mdev < <(ping_rtt)
	at_least "$min" 40 || fail "rtt min $min ms is below 2 x 20 ms"
	at_least 75 "$avg" || fail "rtt avg $avg ms is far above 2 x 20 ms"
	relay_stop
	expect "a>b delayed all" "$(count 'a>b' delayed) == 5"
	expect "b>a delayed all" "$(count 'b>a' delayed) == 5"

	# Each way 10 to 30 ms: round trips from 20 ms, some below 40.
	relay delay 20ms jitter 10ms
	run on a ping -c 20 -i 0.05 -W 2 10.0.0.2
	assert_success
	read -r min avg _ mdev < <(ping_rtt)
	at_least "$min" 20 || fail "rtt min $min ms is below 2 x (20 - 10) ms"
	at_least 39 "$min" || fail "rtt min $min ms: no round trip was shortened"
	at_least "$mdev" 2 || fail "rtt mdev $mdev ms: no jitter"
	at_least 75 "$avg" || fail "rtt avg $avg ms is far above 2 x 20 ms"
}

@test "reorder 25% with delay 10ms: UDP datagrams arrive out of order; 5 MB of TCP still arrives intact" {
	local dir=$BATS_TEST_TMPDIR server
	relay reorder 25% delay 10ms
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

@test "duplicate 1% sends some frames twice, as ping's duplicates show; 50% makes DUP! plain" {
	local tx rx dup extra d
	relay duplicate 1%
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

	relay duplicate 50%
	run on a ping -c 10 -i 0.05 -W 1 10.0.0.2
	assert_success
	assert_output --partial "(DUP!)"
}

@test "corrupt 100% flips a bit of every frame: b's kernel takes none of the pings" {
	local rx0 echos0
	rx0=$(on b cat /sys/class/net/eth0/statistics/rx_packets)
	echos0=$(icmp_in "$LAB" b InEchos)
	relay corrupt 100%
	run on a ping -c 5 -i 0.05 -W 1 10.0.0.2
	assert_failure 1
	assert_output --partial "5 packets transmitted, 0 received"
	relay_stop
	expect "a>b corrupted all" "$(count 'a>b' corrupted) == 5 && $(count 'a>b' forwarded) == 5"
	expect "b received them" "$(on b cat /sys/class/net/eth0/statistics/rx_packets) >= $rx0 + 5"
	expect "b answered none" "$(icmp_in "$LAB" b InEchos) == $echos0"
}

@test "rate 8mbit paces 1 MB of TCP to a second or more, intact" {
	relay rate 8mbit
	transfer 1048576
	relay_stop
	expect "1 MB at 8 Mbit/s takes over a second (took ${TRANSFER_MS} ms)" "$TRANSFER_MS >= 1000"
	expect "and not forever (took ${TRANSFER_MS} ms)" "$TRANSFER_MS <= 10000"
	expect "a>b delayed some" "$(count 'a>b' delayed) > 0"
}

@test "limit 4 with delay 100ms: frames beyond four held are dropped and counted" {
	local tx rx dup d
	relay limit 4 delay 100ms
	run on a ping -q -c 50 -i 0.002 -W 1 10.0.0.2
	read -r tx rx dup < <(ping_counts)
	relay_stop
	expect "a>b dropped some" "$(count 'a>b' queue_full) > 0"
	for d in 'a>b' 'b>a'; do
		expect "$d forwarded or dropped each" \
			"$(count "$d" received) == $(count "$d" forwarded) + $(count "$d" queue_full)"
	done
	expect "ping got what b>a forwarded" "$(count 'b>a' forwarded) == $rx && $rx < $tx"
}

@test "an 802.1Q tag the kernel took out of a frame on the way in goes back in" {
	local dir=$BATS_TEST_TMPDIR frame server
	[[ -x $PKTINJECT ]] || fail "$PKTINJECT is not built"
	on r ethtool -K eth0 rxvlan on
	relay
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
	relay loss 10% delay 5ms jitter 5ms reorder 10% \
		duplicate 10% corrupt 50% rate 100mbit seed 3
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

@test "linkrelay refuses a bad command line with status 2 and says why; set impair refuses bad words" {
	local args
	run "$LINKRELAY" --help
	assert_success
	assert_output --partial "usage: linkrelay"
	assert_output --partial "exactly two interfaces"
	# In r, and with interfaces that do not exist: a relay that took
	# its arguments wrongly fails fast and touches nothing.
	while read -r args; do
		# shellcheck disable=SC2086 # each line is a list of arguments
		run on r timeout 5 "$LINKRELAY" -s "$BATS_TEST_TMPDIR/x.sock" $args
		((status == 2)) || fail "linkrelay $args: status $status, not 2: $output"
	done <<'EOF'
-i nosuch0
-i nosuch0 -i nosuch1 -i nosuch2
-i nosuch0 -i nosuch1 --bogus
-i nosuch0 -i nosuch1 stray
EOF
	run on r timeout 5 "$LINKRELAY" -i eth0 -i nosuch1 -s "$BATS_TEST_TMPDIR/x.sock"
	assert_failure 1
	assert_output --partial "nosuch1"

	relay
	local sock=$BATS_TEST_TMPDIR/relay.sock
	while read -r args; do
		# shellcheck disable=SC2086 # each line is a list of arguments
		run "$HOPCTL" "$sock" set impair $args
		((status == 2)) || fail "set impair $args: status $status, not 2: $output"
		assert_output --regexp "set impair: |usage: set impair"
	done <<'EOF'
eth0
eth0 loss 101%
eth0 loss -1%
eth0 loss many
eth0 delay 5parsecs
eth0 delay 20
eth0 jitter 2ms
eth0 rate 0mbit
eth0 rate 10mbitz
eth0 seed x
eth0 limit 0
eth0 reorder
eth0 bogus 1
eth0 clear now
EOF
	run "$HOPCTL" "$sock" set impair nosuch0 loss 1%
	assert_failure 1
	assert_output --partial "no port 'nosuch0'"
	run "$HOPCTL" "$sock" set impair eth0 loss 1% seed 5
	assert_success
	assert_output --partial "impair: loss 1% seed 5"
	run "$HOPCTL" "$sock" set impair eth1 delay 1500us
	assert_success
	assert_output --regexp "impair: delay 1.5ms seed [0-9]+"
}
