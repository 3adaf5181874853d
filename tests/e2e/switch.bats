#!/usr/bin/env bats
# switchd against three Linux hosts: learning, forwarding, flooding, aging,
# link state, station moves, hostile frames and a hostile control socket.

load helpers

PKTINJECT=${HOPLAB_TOOLS:-$REPO_ROOT/build/san/tools}/pktinject

setup_file() {
	LAB=$(lab_name sw)
	export LAB
	sed "s/^lab switch3\$/lab $LAB/" "$REPO_ROOT/conf/switch3.lab" \
		>"$BATS_FILE_TMPDIR/switch.lab"
	lab_up "$BATS_FILE_TMPDIR/switch.lab"
}

sw() { "$HOPCTL" "$LAB/sw1" "$@"; }
swj() { "$HOPCTL" -j "$LAB/sw1" "$@"; }
on() {
	local node=$1
	shift
	ip netns exec "$LAB-$node" "$@"
}
mac_of() { on "$1" cat /sys/class/net/eth0/address; }
# port_of_mac MAC: the port show mac -j gives for MAC, or nothing.
port_of_mac() {
	swj show mac | head -n 1 | jq -r --arg m "$1" '.[] | select(.mac == $m) | .port'
}
stat_of() { swj show stats | head -n 1 | jq -r ".$1"; }
# stat_at_least NAME N: switchd's counter NAME is at least N.
stat_at_least() { (($(stat_of "$1") >= $2)); }
# frames_seen_at_least N: switchd took at least N frames, counting those
# the kernel could not put in a full receive ring (a burst outruns a
# daemon built with sanitizers): every frame is accounted for.
frames_seen_at_least() { (($(stat_of rx_frames) + $(stat_of rx_ring_full) >= $1)); }
port_up() { [ "$(swj show ports | head -n 1 | jq -r ".[] | select(.name == \"$1\") | .up")" = "$2" ]; }
mac_on_port() { [ "$(port_of_mac "$1")" = "$2" ]; }
mac_gone() { [ -z "$(port_of_mac "$1")" ]; }
# hopctl_stdout ARGS...: hopctl's standard output alone; its standard
# error goes to $BATS_TEST_TMPDIR/stderr.
hopctl_stdout() { "$HOPCTL" "$@" 2>"$BATS_TEST_TMPDIR/stderr"; }

# start_tcpdump NODE FILTER: capture on NODE's eth0 into $BATS_TEST_TMPDIR/NODE.txt.
start_tcpdump() {
	local node=$1 filter=$2
	on "$node" timeout 20 tcpdump -l -n -e -i eth0 "$filter" \
		>"$BATS_TEST_TMPDIR/$node.txt" 2>"$BATS_TEST_TMPDIR/$node.err" &
	wait_until 5 grep -q "listening on" "$BATS_TEST_TMPDIR/$node.err"
}
stop_tcpdumps() {
	pkill -INT -f "timeout 20 tcpdump" || true
	wait 2>/dev/null || true
}

# frame_from MAC: hex of a broadcast frame from MAC (EtherType 88b5, for
# local experiments), for pktinject.
frame_from() {
	printf 'ffffffffffff%s88b5%s\n' "${1//:/}" \
		00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff0011223344556677
}

# start_extra [OPTION...]: start another switchd with OPTIONs, in sw1's
# namespace on a veth pair of its own (its port xa; inject frames into
# its peer xb with xinject), and wait for its control socket.
# stop_extra ends it; test_teardown does so if the test failed first.
start_extra() {
	local ns=$LAB-sw1
	EXTRA_SOCK=$BATS_TEST_TMPDIR/extra.sock
	EXTRA_LOG=$BATS_TEST_TMPDIR/extra.log
	ip -n "$ns" link add xa type veth peer name xb
	# Nothing but the test's own frames: no IPv6 chatter from xb.
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.xa.disable_ipv6=1 net.ipv6.conf.xb.disable_ipv6=1
	ip -n "$ns" link set xb up
	ip netns exec "$ns" "$HOPLAB_BIN_DIR/switchd" --name extra --socket "$EXTRA_SOCK" \
		-i xa "$@" >"$EXTRA_LOG" 2>&1 &
	EXTRA_PID=$!
	wait_until 10 test -S "$EXTRA_SOCK"
}
xsw() { "$HOPCTL" "$EXTRA_SOCK" "$@"; }
xstat() { "$HOPCTL" -j "$EXTRA_SOCK" show stats | head -n 1 | jq -r ".$1"; }
xstat_is() { [[ $(xstat "$1") == "$2" ]]; }
xmacs() { "$HOPCTL" -j "$EXTRA_SOCK" show mac | head -n 1 | jq -r '.[].mac' | sort; }
xinject() { ip netns exec "$LAB-sw1" "$PKTINJECT" -i xb "$@" >/dev/null; }
# stop_extra: SIGTERM; the extra switchd must exit 0 with a clean log.
stop_extra() {
	local pid=$EXTRA_PID rc=0
	EXTRA_PID=
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	ip -n "$LAB-sw1" link del xa 2>/dev/null || true
	if grep -qE "$SANITIZER_RE" "$EXTRA_LOG"; then
		echo "stop_extra: sanitizer report in the extra switchd's log:" >&2
		cat "$EXTRA_LOG" >&2
		return 1
	fi
	((rc == 0)) || {
		echo "stop_extra: the extra switchd exited $rc" >&2
		return 1
	}
}

test_setup() { EXTRA_PID=; }
test_teardown() {
	[[ -z $EXTRA_PID ]] || stop_extra
}

@test "three hosts on switchd all ping each other" {
	for a in 1 2 3; do
		for b in 1 2 3; do
			[ "$a" = "$b" ] && continue
			run on "h$a" ping -c 2 -i 0.2 -W 2 "10.0.0.$b"
			assert_success
			assert_output --partial "2 received"
		done
	done
}

@test "show mac lists each host's MAC on its own port in VLAN 1 (every port's default), as a table and as JSON" {
	on h1 ping -c 1 -W 2 10.0.0.2 >/dev/null
	on h3 ping -c 1 -W 2 10.0.0.1 >/dev/null
	run sw show mac
	assert_success
	assert_line --index 0 --regexp '^mac +port +vlan +age$'
	for i in 1 2 3; do
		assert_line --regexp "^$(mac_of "h$i") +p$i +1 +[0-9]+$"
		[ "$(port_of_mac "$(mac_of "h$i")")" = "p$i" ]
	done
	run swj show mac
	assert_success
	assert_line --index 1 '{"ok":true}'
}

@test "unknown unicast floods to every other host; learned unicast reaches only its port" {
	local ghost=02:00:00:00:00:99
	on h1 ip neigh replace 10.0.0.99 lladdr "$ghost" dev eth0 nud permanent
	start_tcpdump h2 "ether dst $ghost"
	start_tcpdump h3 "ether dst $ghost"
	on h1 ping -c 2 -i 0.2 -W 1 10.0.0.99 || true
	wait_until 5 grep -q "$ghost" "$BATS_TEST_TMPDIR/h2.txt"
	wait_until 5 grep -q "$ghost" "$BATS_TEST_TMPDIR/h3.txt"
	stop_tcpdumps
	on h1 ip neigh del 10.0.0.99 dev eth0

	# Learned: h1 <-> h2 traffic must not reach h3, while h3's capture
	# does see traffic meant for h3 (so it was listening all along).
	on h1 ping -c 1 -W 2 10.0.0.2 >/dev/null
	start_tcpdump h3 icmp
	run on h1 ping -c 5 -i 0.2 -W 2 10.0.0.2
	assert_success
	on h1 ping -c 1 -W 2 10.0.0.3 >/dev/null
	wait_until 5 grep -q "10.0.0.1 > 10.0.0.3" "$BATS_TEST_TMPDIR/h3.txt"
	stop_tcpdumps
	run grep -E "10.0.0.(1|2) > 10.0.0.(1|2)" "$BATS_TEST_TMPDIR/h3.txt"
	assert_failure
}

@test "after set aging 2 an idle entry is gone within a few seconds" {
	on h1 ping -c 1 -W 2 10.0.0.2 >/dev/null
	local m1
	m1=$(mac_of h1)
	mac_on_port "$m1" p1
	run sw set aging 2
	assert_success
	run swj show stats
	assert_output --partial '"aging":2'
	wait_until 6 mac_gone "$m1"
	sw set aging 300
	[ "$(stat_of mac_aged)" -ge 1 ]
}

@test "a host's link going down shows the port down and removes its entries; up restores traffic" {
	local m3
	m3=$(mac_of h3)
	on h3 ping -c 1 -W 2 10.0.0.1 >/dev/null
	mac_on_port "$m3" p3
	on h3 ip link set eth0 down
	wait_until 5 port_up p3 false
	mac_gone "$m3"
	run sw show ports
	assert_line --regexp '^p3 +[0-9a-f:]+ +1500 +false '
	on h3 ip link set eth0 up
	wait_until 5 port_up p3 true
	wait_until 10 on h1 ping -c 1 -W 1 10.0.0.3
	mac_on_port "$m3" p3
}

@test "a station that moves to another port is followed" {
	local m2 moves
	m2=$(mac_of h2)
	on h2 ping -c 1 -W 2 10.0.0.1 >/dev/null
	mac_on_port "$m2" p2
	moves=$(stat_of station_moves)
	# h2's address now speaks from h3's port.
	on h3 "$PKTINJECT" -i eth0 "ffffffffffff ${m2//:/} 88b5 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff0011223344556677"
	wait_until 5 mac_on_port "$m2" p3
	[ "$(stat_of station_moves)" -gt "$moves" ]
	# And back, when h2 speaks again.
	on h2 ping -c 1 -W 2 10.0.0.1 >/dev/null
	wait_until 5 mac_on_port "$m2" p2
}

@test "a multicast source MAC is never learned" {
	local before
	before=$(stat_of invalid_source_mac)
	on h1 "$PKTINJECT" -i eth0 -c 5 "ffffffffffff 0300000000aa 88b5 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff0011223344556677"
	wait_until 5 stat_at_least invalid_source_mac $((before + 5))
	run port_of_mac 03:00:00:00:00:aa
	assert_output ""
}

@test "thousands of random frames do not stop switchd; drops are counted by reason" {
	local before sent=0 n
	before=$(($(stat_of rx_frames) + $(stat_of rx_ring_full)))
	# The kernel refuses frames shorter than a header; pktinject says how
	# many it did send.
	n=$(on h1 "$PKTINJECT" -i eth0 -r 3000 -s 7 | awk '{ print $1 }')
	sent=$((sent + n))
	n=$(on h2 "$PKTINJECT" -i eth0 -r 3000 -s 8 -m 64 | awk '{ print $1 }')
	sent=$((sent + n))
	# Random frames to the bridge group address (802.1D link-local).
	# Frames cut short inside their Ethernet header cannot be sent over a
	# veth (the kernel drops them first): the unit and fuzz tests cover
	# the truncated drop.
	n=$(on h3 "$PKTINJECT" -i eth0 -r 500 -s 9 -d 01:80:c2:00:00:00 \
		-S "$(mac_of h3)" | awk '{ print $1 }')
	sent=$((sent + n))
	[ "$sent" -ge 5000 ]
	wait_until 10 frames_seen_at_least $((before + sent))
	run sw show stats
	assert_line --regexp '^invalid_source_mac: [1-9][0-9]*$'
	assert_line --regexp '^link_local: [1-9][0-9]*$'
	# Every frame is accounted for: forwarded, flooded or a named drop.
	run bash -c "'$HOPCTL' -j '$LAB/sw1' show stats | head -n 1 | jq '.forwarded + .flooded + .truncated + .oversize + .invalid_source_mac + .link_local + .same_port + .port_down + .out_port_down == .rx_frames'"
	assert_output true
	sw flush mac
	run on h1 ping -c 3 -i 0.2 -W 2 10.0.0.3
	assert_success
	run on h2 ping -c 3 -i 0.2 -W 2 10.0.0.1
	assert_success
}

@test "flush mac empties the table, flush mac PORT only that port's entries" {
	on h1 ping -c 1 -W 2 10.0.0.2 >/dev/null
	on h3 ping -c 1 -W 2 10.0.0.2 >/dev/null
	run sw flush mac p1
	assert_success
	mac_gone "$(mac_of h1)"
	mac_on_port "$(mac_of h3)" p3
	run sw flush mac nosuch
	assert_failure 1
	assert_output --partial "no port 'nosuch'"
	run sw flush mac
	assert_success
	[ "$(swj show mac | head -n 1)" = "[]" ]
}

@test "capture start writes pcap files that tcpdump reads" {
	run sw capture start p1
	assert_success
	local file=$HOPLAB_RUN_ROOT/$LAB/capture/sw1-p1.pcap
	assert_output --partial "$file"
	on h1 ping -c 2 -i 0.2 -W 2 10.0.0.2 >/dev/null
	run sw capture stop
	assert_success
	run tcpdump -n -r "$file" icmp
	assert_success
	assert_output --partial "10.0.0.1 > 10.0.0.2: ICMP echo request"
	assert_output --partial "10.0.0.2 > 10.0.0.1: ICMP echo reply"
}

@test "hopctl exits 2 for an unknown command, bad arguments and an unreachable node" {
	run sw frobnicate
	assert_failure 2
	assert_output --partial "unknown command 'frobnicate'"
	run sw set aging soon
	assert_failure 2
	run sw show ports extra
	assert_failure 2
	assert_output --partial "usage: show ports"
	run "$HOPCTL" "$LAB/nosuchnode" show ports
	assert_failure 2
	assert_output --partial "cannot reach"
	run "$HOPCTL" nosuchnode-anywhere show ports
	assert_failure 2
	run "$HOPCTL"
	assert_failure 2
	run "$HOPCTL" --help
	assert_success
	run sw help
	assert_success
	assert_line --regexp '^show mac +the MAC address table$'
}

@test "random bytes and over-long lines on the control socket get an error; the daemon keeps serving" {
	local sock=$HOPLAB_RUN_ROOT/$LAB/sw1.sock
	[ "$(stat -c %a "$sock")" = 600 ]
	for _ in 1 2 3 4 5; do
		run bash -c "head -c 3000 /dev/urandom | timeout 5 nc -N -U '$sock'"
		assert_output --partial '"ok":false'
	done
	run bash -c "head -c 100000 /dev/zero | tr '\\0' a | timeout 5 nc -N -U '$sock'"
	assert_output --partial 'request longer than 4096 bytes'
	run bash -c "printf 'show stats\\nshow mac\\nbogus\\n' | timeout 5 nc -N -U '$sock'"
	assert_line --index 1 '{"ok":true}'
	assert_output --partial "unknown command 'bogus'"
	# A client that connects and vanishes, many times over.
	for _ in $(seq 1 100); do
		timeout 1 nc -U -N "$sock" </dev/null >/dev/null 2>&1 || true
	done
	run sw show ports
	assert_success
	assert_line --regexp '^p1 '
}

@test "hopctl finds a plain NODE when one lab has it, and refuses an ambiguous one" {
	local root=$BATS_TEST_TMPDIR/run
	mkdir -p "$root/only" "$root/a" "$root/b"
	ln -s "$HOPLAB_RUN_ROOT/$LAB/sw1.sock" "$root/only/sw1.sock"
	run env HOPLAB_RUN_DIR="$root" "$HOPCTL" sw1 show ports
	assert_success
	assert_line --regexp '^p1 '
	ln -s "$HOPLAB_RUN_ROOT/$LAB/sw1.sock" "$root/a/twin.sock"
	ln -s "$HOPLAB_RUN_ROOT/$LAB/sw1.sock" "$root/b/twin.sock"
	run env HOPLAB_RUN_DIR="$root" "$HOPCTL" twin show ports
	assert_failure 2
	assert_output --partial "node 'twin' is in several labs: a/twin b/twin"
	run env HOPLAB_RUN_DIR="$root" "$HOPCTL" a/twin show ports
	assert_success
}

@test "switchd replays its config file at start-up and refuses a bad one with file:line" {
	local ns=$LAB-sw1 sock=$BATS_TEST_TMPDIR/extra.sock
	ip -n "$ns" link add cfga type veth peer name cfgb
	printf '# a config file\nset aging 42\n\nflush mac\n' >"$BATS_TEST_TMPDIR/good.conf"
	ip netns exec "$ns" "$HOPLAB_BIN_DIR/switchd" --name extra --socket "$sock" \
		--config "$BATS_TEST_TMPDIR/good.conf" -i cfga >"$BATS_TEST_TMPDIR/extra.log" 2>&1 &
	local pid=$!
	wait_until 10 test -S "$sock"
	run "$HOPCTL" "$sock" show stats
	assert_line 'aging: 42'
	kill -TERM "$pid"
	wait "$pid"
	if grep -qE "$SANITIZER_RE" "$BATS_TEST_TMPDIR/extra.log"; then
		fail "sanitizer report: $(cat "$BATS_TEST_TMPDIR/extra.log")"
	fi
	[ ! -e "$sock" ]

	printf 'set aging 42\nfrobnicate now\n' >"$BATS_TEST_TMPDIR/bad.conf"
	run ip netns exec "$ns" "$HOPLAB_BIN_DIR/switchd" --name extra --socket "$sock" \
		--config "$BATS_TEST_TMPDIR/bad.conf" -i cfga
	assert_failure
	assert_output --partial "bad.conf:2: unknown command 'frobnicate'"
	ip -n "$ns" link del cfga
}

@test "every program answers --help, and a bad option exits 2" {
	for prog in "$HOPLAB_BIN_DIR"/*; do
		run "$prog" --help
		assert_success
		assert_output --partial "usage:"
		run "$prog" --no-such-option
		assert_failure 2
	done
	run "$HOPLAB" --help
	assert_success
	run "$HOPLAB_BIN_DIR/switchd"
	assert_failure 2
	assert_output --partial "no interface given"
}

@test "make install puts the programs and topologies under PREFIX" {
	local prefix=$BATS_TEST_TMPDIR/prefix
	run make -C "$REPO_ROOT" install PREFIX="$prefix"
	assert_success
	for prog in switchd hopctl hoplab; do
		[ -x "$prefix/bin/$prog" ]
	done
	[ -f "$prefix/share/hoplab/conf/switch3.lab" ]
	[ -f "$prefix/lib/libhostsock.a" ]
	[ -f "$prefix/include/hostsock.h" ]
	run "$prefix/bin/hoplab" --help
	assert_success
	run make -C "$REPO_ROOT" uninstall PREFIX="$prefix"
	assert_success
	[ ! -e "$prefix/bin/switchd" ]
	[ ! -e "$prefix/lib/libhostsock.a" ]
}

@test "capture start without a port captures every port: the ping on p1 and p2, its ARP broadcast on p3" {
	local dir=$HOPLAB_RUN_ROOT/$LAB/capture p
	rm -f "$dir"/sw1-*.pcap
	# h1 has to ask for h2 again: a broadcast every port sees.
	on h1 ip neigh flush dev eth0
	run sw capture start
	assert_success
	for p in p1 p2 p3; do
		assert_line --regexp "^$p +$dir/sw1-$p\.pcap$"
	done
	run on h1 ping -c 2 -i 0.2 -W 2 10.0.0.2
	assert_success
	run sw capture stop
	assert_success
	for p in p1 p2; do
		run tcpdump -n -r "$dir/sw1-$p.pcap"
		assert_success
		assert_line --regexp 'ARP, Request who-has 10\.0\.0\.2 tell 10\.0\.0\.1, length [0-9]+$'
		assert_line --regexp '10\.0\.0\.1 > 10\.0\.0\.2: ICMP echo request, id [0-9]+, seq 2, length 64$'
		assert_line --regexp '10\.0\.0\.2 > 10\.0\.0\.1: ICMP echo reply, id [0-9]+, seq 2, length 64$'
	done
	run tcpdump -n -r "$dir/sw1-p3.pcap"
	assert_success
	assert_line --regexp 'ARP, Request who-has 10\.0\.0\.2 tell 10\.0\.0\.1, length [0-9]+$'
	refute_output --partial "ICMP echo"
}

@test "hopctl --json and -j print the daemon's JSON as it is, ending with {\"ok\":true}; errors too, exit 1 and 2" {
	local sock=$HOPLAB_RUN_ROOT/$LAB/sw1.sock raw
	raw=$(printf 'help\n' | timeout 5 nc -N -U "$sock")
	[[ $raw == *'{"ok":true}' ]]
	run "$HOPCTL" --json "$LAB/sw1" help
	assert_success
	assert_output "$raw"
	run "$HOPCTL" -j "$LAB/sw1" help
	assert_success
	assert_output "$raw"
	run "$HOPCTL" --json "$LAB/sw1" show stats
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_line --index 1 '{"ok":true}'
	run jq -e '.rx_frames >= 0' <<<"${lines[0]}"
	assert_success
	# An error: the daemon's line on stdout, its message on stderr.
	run hopctl_stdout --json "$LAB/sw1" flush mac nosuch
	assert_failure 1
	assert_output '{"ok":false,"error":"no port '\''nosuch'\''"}'
	run cat "$BATS_TEST_TMPDIR/stderr"
	assert_output "hopctl: $LAB/sw1: no port 'nosuch'"
	run hopctl_stdout --json "$LAB/sw1" frobnicate
	assert_failure 2
	assert_output '{"ok":false,"error":"unknown command '\''frobnicate'\'' (try '\''help'\'')","usage":true}'
	run hopctl_stdout -j "$LAB/sw1" show ports extra
	assert_failure 2
	assert_output --regexp '^\{"ok":false,"error":"usage: show ports.*"usage":true\}$'
	# No daemon, no JSON.
	run hopctl_stdout --json "$LAB/nosuchnode" show ports
	assert_failure 2
	assert_output ""
	run cat "$BATS_TEST_TMPDIR/stderr"
	assert_output --partial "cannot reach"
}

@test "switchd --aging 1: show stats says so, and an entry goes a second after its last frame" {
	local t0 ms
	start_extra --aging 1
	run xsw show stats
	assert_line "aging: 1"
	t0=$(_now_us)
	xinject "$(frame_from 02:00:00:00:00:01)"
	wait_until 5 xstat_is mac_learned 1
	wait_until 5 xstat_is mac_aged 1
	ms=$(elapsed_ms "$t0")
	run xmacs
	assert_output ""
	# Not before its time either.
	((ms >= 900)) || fail "aged out after $ms ms"
	stop_extra
}

@test "switchd --max-macs 3 learns three stations, refuses the fourth and counts the refusal" {
	start_extra --max-macs 3
	run xsw show stats
	assert_line "mac_capacity: 3"
	xinject "$(frame_from 02:00:00:00:00:01)" "$(frame_from 02:00:00:00:00:02)" \
		"$(frame_from 02:00:00:00:00:03)" "$(frame_from 02:00:00:00:00:04)"
	wait_until 5 xstat_is rx_frames 4
	run xsw show stats
	assert_line "mac_entries: 3"
	assert_line "mac_learned: 3"
	assert_line "mac_table_full: 1"
	run xmacs
	assert_output "02:00:00:00:00:01
02:00:00:00:00:02
02:00:00:00:00:03"
	# A station it knows is still refreshed; the fourth is refused again.
	xinject "$(frame_from 02:00:00:00:00:02)" "$(frame_from 02:00:00:00:00:04)"
	wait_until 5 xstat_is rx_frames 6
	run xsw show stats
	assert_line "mac_refreshed: 1"
	assert_line "mac_table_full: 2"
	assert_line "mac_entries: 3"
	stop_extra
}

@test "switchd with neither option: a table of 65536 entries aging after 300 s; bad values exit 2" {
	start_extra
	run xsw show stats
	assert_line "mac_capacity: 65536"
	assert_line "aging: 300"
	assert_line "mac_entries: 0"
	stop_extra
	# Nor fast-path options: TPACKET_V2 rings on every port, no busy polling.
	[ "$(swj show ports | head -n 1 | jq -r '[.[].rx_ring] | unique | join(" ")')" = tpacket_v2 ]
	[ "$(stat_of busy_poll_usec)" = 0 ]
	for opt in "--max-macs 0" "--max-macs lots" "--aging -1" "--aging soon"; do
		# shellcheck disable=SC2086 # the option and its value
		run ip netns exec "$LAB-sw1" "$HOPLAB_BIN_DIR/switchd" $opt -i nosuch0
		assert_failure 2
	done
}

@test "a VLAN-tagged frame leaves switchd with its tag, which the kernel had stripped on the way in" {
	local m1
	m1=$(mac_of h1)
	start_tcpdump h2 "ether proto 0x8100 or vlan"
	on h1 "$PKTINJECT" -i eth0 "ffffffffffff ${m1//:/} 8100 a064 88b5 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff0011223344556677"
	wait_until 5 grep -q "vlan 100" "$BATS_TEST_TMPDIR/h2.txt"
	stop_tcpdumps
	run cat "$BATS_TEST_TMPDIR/h2.txt"
	assert_output --partial "vlan 100, p 5, ethertype Unknown (0x88b5)"
}
