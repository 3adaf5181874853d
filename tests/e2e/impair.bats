#!/usr/bin/env bats
# Impairments: `impair NODE:IF ...` in a topology file and
# `hoplab impair LAB NODE:IF ...|clear` at run time, on what leaves an
# interface.  A daemon's interface is impaired by the daemon's port layer;
# a linux node's by a relay hoplab puts on the link (this kernel has no
# sch_netem).  Round trips and losses are measured with ping; the bounds
# are generous, for a busy machine only adds time.  Needs root.
#
#   h1 (linux) --p1-- sw --p3-- eth0 r eth1 -- c (linux)
#   h2 (linux) --p2--/
#
# Pings from h1 to c cross sw:p3 -> r:eth0 (two daemons' ends of one
# link); pings between h2 and h1 leave by h2:eth0 (a linux node's).

load helpers

setup_file() {
	LAB=$(lab_name impair)
	export LAB
	cat >"$BATS_FILE_TMPDIR/impair.lab" <<EOF
lab $LAB
node h1 linux
node h2 linux
node sw switch
node r router
node c linux
link h1:eth0 sw:p1
link h2:eth0 sw:p2
link sw:p3 r:eth0
link r:eth1 c:eth0
addr h1:eth0 10.0.0.1/24
addr h2:eth0 10.0.0.2/24
addr r:eth0 10.0.0.254/24
addr r:eth1 10.0.1.254/24
addr c:eth0 10.0.1.1/24
route h1 default via 10.0.0.254
route h2 10.0.1.0/24 via 10.0.0.254
route c default via 10.0.1.254
EOF
	lab_up "$BATS_FILE_TMPDIR/impair.lab"
}

test_setup() {
	LABS=()
}

# Every test leaves the lab unimpaired, and takes its own labs down.
test_teardown() {
	local rc=0 lab ep
	for ep in sw:p3 r:eth0 sw:p2 h2:eth0; do
		"$HOPLAB" impair "$LAB" "$ep" clear >/dev/null || rc=1
	done
	for lab in "${LABS[@]}"; do
		lab_down "$lab" || rc=1
	done
	return "$rc"
}

on() {
	local node=$1
	shift
	ip netns exec "$LAB-$node" "$@"
}

# rtt_avg NODE DEST: the average round trip in ms of 10 pings (after one
# that fills the ARP caches).
rtt_avg() {
	on "$1" ping -c 1 -W 3 "$2" >/dev/null || true
	on "$1" ping -q -c 10 -i 0.05 -W 3 "$2" |
		sed -nE 's|^rtt min/avg/max/mdev = [0-9.]+/([0-9.]+)/.*|\1|p'
}

# rtt_between NODE DEST LOW HIGH: the average round trip is in [LOW, HIGH].
rtt_between() {
	local avg
	avg=$(rtt_avg "$1" "$2")
	[[ -n $avg ]] || fail "no reply from $2 to $1"
	awk -v a="$avg" -v l="$3" -v h="$4" 'BEGIN { exit !(a >= l && a <= h) }' ||
		fail "ping $1 -> $2: average round trip $avg ms, not between $3 and $4"
}

# loss_pct NODE DEST: the loss in percent over 200 quick pings.
loss_pct() {
	on "$1" ping -q -c 200 -i 0.02 -W 1 "$2" |
		sed -nE 's/.* ([0-9.]+)% packet loss.*/\1/p'
}

loss_between() {
	local pct
	pct=$(loss_pct "$1" "$2")
	[[ -n $pct ]] || fail "ping $1 -> $2 printed no loss"
	awk -v p="$pct" -v l="$3" -v h="$4" 'BEGIN { exit !(p >= l && p <= h) }' ||
		fail "ping $1 -> $2: $pct% lost, not between $3% and $4%"
}

# port_field NODE PORT KEY: a field of a daemon's (or relay's) show ports.
port_field() {
	"$HOPCTL" -j "$LAB/$1" show ports | head -n 1 |
		jq -r --arg p "$2" --arg k "$3" '.[] | select(.name == $p) | .[$k]'
}

# no_netns RE: no namespace's name matches RE.
no_netns() { ! ip netns list | grep -qE "^$1( |$)"; }

impair() {
	run "$HOPLAB" impair "$LAB" "$@"
	assert_success
}

@test "delay 50ms on one end of a daemons' link adds 50 ms to the round trip, on both ends 100; clear restores it" {
	rtt_between h1 10.0.1.1 0 10
	impair sw:p3 delay 50ms
	assert_output --regexp "^sw:p3: daemon delay 50ms seed [0-9]+$"
	rtt_between h1 10.0.1.1 45 90
	(($(port_field sw p3 impair_delayed) >= 10))
	impair r:eth0 delay 50ms
	rtt_between h1 10.0.1.1 95 150
	impair sw:p3 clear
	assert_output "sw:p3: no impairment"
	rtt_between h1 10.0.1.1 45 90
	impair r:eth0 clear
	rtt_between h1 10.0.1.1 0 10
	# The counters stay; the spec is gone.
	[ "$(port_field sw p3 impair)" = null ]
	(($(port_field sw p3 impair_delayed) >= 10))
}

@test "loss 10% on a daemon's interface loses about a tenth of 200 pings; clear restores it" {
	impair sw:p3 loss 10%
	loss_between h1 10.0.1.1 3 20
	(($(port_field sw p3 impair_loss) > 0))
	impair sw:p3 clear
	loss_between h1 10.0.1.1 0 0
}

@test "a linux node's interface: delay 50ms through a relay, 100 with the switch's end too; clear puts the interface back" {
	local mac mtu
	mac=$(on h2 cat /sys/class/net/eth0/address)
	mtu=$(on h2 cat /sys/class/net/eth0/mtu)
	on h2 ip neigh replace 10.0.0.99 lladdr 02:00:00:00:00:99 dev eth0 nud permanent
	rtt_between h2 10.0.0.1 0 10
	impair h2:eth0 delay 50ms
	assert_output --regexp "^h2:eth0: relay delay 50ms seed [0-9]+$"
	rtt_between h2 10.0.0.1 45 90
	# The relay sits in a namespace of its own; the node's eth0 is as it
	# was: MAC, MTU, address, routes, permanent neighbours.
	ip netns list | grep -qE "^$LAB-h2.eth0( |$)"
	[ "$(on h2 cat /sys/class/net/eth0/address)" = "$mac" ]
	[ "$(on h2 cat /sys/class/net/eth0/mtu)" = "$mtu" ]
	run on h2 ip -br -4 addr show dev eth0
	assert_output --partial "10.0.0.2/24"
	run on h2 ip route show 10.0.1.0/24
	assert_output --partial "via 10.0.0.254 dev eth0"
	run on h2 ip neigh show 10.0.0.99
	assert_output --partial "lladdr 02:00:00:00:00:99 PERMANENT"
	run on h2 ethtool -k eth0
	assert_line "tcp-segmentation-offload: off"
	# A route beyond the router works through the relay too.
	rtt_between h2 10.0.1.1 45 90
	# The relay answers as NODE:IF; what leaves the node is impaired.
	[ "$(port_field h2:eth0 eth0 impair)" != null ]
	(($(port_field h2:eth0 eth0 impair_delayed) >= 10))
	[ "$(port_field h2:eth0 node impair)" = null ]
	impair sw:p2 delay 50ms
	rtt_between h2 10.0.0.1 95 150
	impair h2:eth0 clear
	assert_output "h2:eth0: no impairment"
	rtt_between h2 10.0.0.1 45 90
	impair sw:p2 clear
	rtt_between h2 10.0.0.1 0 10
	no_netns "$LAB-h2.eth0"
	[ ! -e "$HOPLAB_RUN_ROOT/$LAB/h2:eth0.sock" ]
	[ "$(on h2 cat /sys/class/net/eth0/address)" = "$mac" ]
	run on h2 ip route show 10.0.1.0/24
	assert_output --partial "via 10.0.0.254 dev eth0"
	run on h2 ip neigh show 10.0.0.99
	assert_output --partial "PERMANENT"
	on h2 ip neigh del 10.0.0.99 dev eth0
}

@test "loss 10% on a linux node's interface loses about a tenth of 200 pings; a new spec replaces it; clear restores it" {
	impair h2:eth0 loss 10% seed 4
	assert_output "h2:eth0: relay loss 10% seed 4"
	loss_between h2 10.0.0.1 3 20
	(($(port_field h2:eth0 eth0 impair_loss) > 0))
	# The relay stays; its impairment changes.
	impair h2:eth0 delay 50ms
	loss_between h2 10.0.0.1 0 0
	rtt_between h2 10.0.0.1 45 90
	impair h2:eth0 clear
	loss_between h2 10.0.0.1 0 0
}

@test "hoplab status lists the impairments: how, the relay's pid, the spec" {
	local pid
	impair sw:p3 loss 5% seed 9
	impair h2:eth0 delay 10ms jitter 2ms
	run "$HOPLAB" status "$LAB"
	assert_success
	assert_line --regexp '^IMPAIRED +VIA +PID +IMPAIRMENT$'
	assert_line --regexp '^sw:p3 +daemon +- +loss 5% seed 9$'
	assert_line --regexp '^h2:eth0 +relay +[0-9]+ +delay 10ms jitter 2ms seed [0-9]+$'
	pid=$(awk '$1 == "h2:eth0" { print $3 }' <<<"$output")
	[ "$(cat "$HOPLAB_RUN_ROOT/$LAB/h2:eth0.pid")" = "$pid" ]
	# The lab's own health: every daemon still alive above them.
	assert_line --regexp '^sw +switch +[0-9]+ +alive$'
	run "$HOPLAB" impair "$LAB"
	assert_success
	assert_line --regexp '^sw:p3 +daemon'
	impair sw:p3 clear
	impair h2:eth0 clear
	run "$HOPLAB" status "$LAB"
	refute_line --partial IMPAIRED
}

@test "the same seed drops the same frames" {
	local first second
	# Only the pings may leave by sw:p3: no ARP from h1 for the router,
	# and none from the router for h1 that h1 answers.
	on h1 ip neigh replace 10.0.0.254 lladdr "$(port_field r eth0 mac)" dev eth0 nud permanent
	on h1 ping -c 1 -W 2 10.0.1.1 >/dev/null
	impair sw:p3 loss 30% seed 21
	first=$(on h1 ping -c 40 -i 0.02 -W 1 10.0.1.1 | sed -nE 's/.*icmp_seq=([0-9]+) .*/\1/p' | tr '\n' ' ')
	impair sw:p3 loss 30% seed 21
	second=$(on h1 ping -c 40 -i 0.02 -W 1 10.0.1.1 | sed -nE 's/.*icmp_seq=([0-9]+) .*/\1/p' | tr '\n' ' ')
	[ "$first" = "$second" ] || fail "seed 21 answered '$first' then '$second'"
	impair sw:p3 loss 30% seed 22
	second=$(on h1 ping -c 40 -i 0.02 -W 1 10.0.1.1 | sed -nE 's/.*icmp_seq=([0-9]+) .*/\1/p' | tr '\n' ' ')
	[ "$first" != "$second" ] || fail "seeds 21 and 22 lost the same"
	on h1 ip neigh del 10.0.0.254 dev eth0
}

@test "rate 200kbit paces and drops what is over its backlog" {
	impair sw:p3 rate 200kbit
	run on h1 ping -q -c 30 -i 0.01 -s 1400 -W 2 10.0.1.1
	(($(port_field sw p3 impair_delayed) > 0))
	(($(port_field sw p3 impair_rate_dropped) > 0))
	assert_output --regexp "rtt min/avg/max/mdev = [0-9.]+/[0-9.]+/([4-9][0-9]|[0-9]{3,})\."
}

@test "hoplab impair refuses bad words (2), unknown nodes and interfaces (1)" {
	local args
	while read -r args; do
		# shellcheck disable=SC2086 # each line is a list of arguments
		run "$HOPLAB" impair "$LAB" $args
		((status == 2)) || fail "impair $args: status $status, not 2: $output"
	done <<'EOF'
sw:p3
sw:p3 loss
sw:p3 loss 101%
sw:p3 delay 50
sw:p3 jitter 5ms
sw:p3 rate 10
sw:p3 bogus 1
sw:p3 clear now
sw:p3 loss 1% loss 2%
sw-p3 loss 1%
sw:p/3 loss 1%
EOF
	run "$HOPLAB" impair "$LAB" sw:p3 delay 50
	assert_output --partial "delay: bad time '50'"
	run "$HOPLAB" impair "$LAB" nosuch:eth0 loss 1%
	assert_failure 1
	assert_output --partial "no node 'nosuch'"
	run "$HOPLAB" impair "$LAB" sw:p9 loss 1%
	assert_failure 1
	assert_output --partial "no port 'p9'"
	run "$HOPLAB" impair "$LAB" h2:eth9 loss 1%
	assert_failure 1
	assert_output --partial "no interface 'eth9'"
	run "$HOPLAB" impair nolab1 sw:p3 loss 1%
	assert_failure 1
	assert_output --partial "lab nolab1 is not up"
	# netem asked for, on a kernel without it: said so, nothing changed.
	HOPLAB_LINUX_IMPAIR=netem run "$HOPLAB" impair "$LAB" h2:eth0 loss 1%
	assert_failure 1
	assert_output --partial "netem"
	no_netns "$LAB-h2.eth0"
	HOPLAB_LINUX_IMPAIR=bogus run "$HOPLAB" impair "$LAB" h2:eth0 loss 1%
	assert_failure 2
	run "$HOPLAB" impair --help
	assert_success
	assert_line --index 0 "usage: hoplab impair LAB NODE:IF SPEC...|clear"
	run "$HOPLAB" --help
	assert_line --regexp "^       hoplab impair LAB NODE:IF SPEC"
	run "$HOPLAB" status "$LAB"
	refute_line --partial IMPAIRED
}

@test "where the kernel has netem, a linux node's interface is impaired by it (a stand-in tc)" {
	local bin=$BATS_TEST_TMPDIR/bin
	mkdir -p "$bin"
	printf '#!/bin/sh\necho "$*" >>"%s/tc.log"\n' "$BATS_TEST_TMPDIR" >"$bin/tc"
	chmod +x "$bin/tc"
	PATH=$bin:$PATH run "$HOPLAB" impair "$LAB" h2:eth0 loss 1% jitter 5ms delay 50ms seed 3
	assert_success
	assert_output "h2:eth0: netem loss 1% jitter 5ms delay 50ms seed 3"
	run cat "$BATS_TEST_TMPDIR/tc.log"
	assert_output "qdisc replace dev eth0 root netem delay 50ms 5ms loss 1% seed 3"
	run "$HOPLAB" status "$LAB"
	assert_line --regexp '^h2:eth0 +netem +- +loss 1% jitter 5ms delay 50ms seed 3$'
	no_netns "$LAB-h2.eth0"
	# HOPLAB_LINUX_IMPAIR=relay passes netem by, and takes it away.
	HOPLAB_LINUX_IMPAIR=relay PATH=$bin:$PATH run "$HOPLAB" impair "$LAB" h2:eth0 loss 2%
	assert_success
	assert_output --regexp "^h2:eth0: relay loss 2% seed [0-9]+$"
	run tail -n 1 "$BATS_TEST_TMPDIR/tc.log"
	assert_output "qdisc del dev eth0 root"
	PATH=$bin:$PATH run "$HOPLAB" impair "$LAB" h2:eth0 clear
	assert_success
	no_netns "$LAB-h2.eth0"
	: >"$BATS_TEST_TMPDIR/tc.log"
	PATH=$bin:$PATH run "$HOPLAB" impair "$LAB" h2:eth0 delay 1ms
	assert_output "h2:eth0: netem delay 1ms"
	PATH=$bin:$PATH run "$HOPLAB" impair "$LAB" h2:eth0 clear
	assert_success
	run cat "$BATS_TEST_TMPDIR/tc.log"
	assert_output "qdisc replace dev eth0 root netem delay 1ms
qdisc del dev eth0 root"
}

# expect_topo_error LINE TEXT: hoplab up on stdin's topology exits 2 with
# FILE:LINE: ... TEXT, and creates nothing.
expect_topo_error() {
	local file=$BATS_TEST_TMPDIR/bad.lab
	cat >"$file"
	run "$HOPLAB" up "$file"
	assert_failure 2
	assert_line --index 0 --partial "$file:$1: "
	assert_line --index 0 --partial "$2"
	no_netns "badimp-.*" && [ ! -e "$HOPLAB_RUN_ROOT/badimp" ]
}

@test "topology: impair lines are checked like the rest, FILE:LINE, nothing created" {
	local head="lab badimp
node a linux
node s switch
link a:eth0 s:p1"
	expect_topo_error 5 "usage: impair NODE:IF [delay D [jitter J]]" <<<"$head
impair a:eth0"
	expect_topo_error 5 "unknown node 'b'" <<<"$head
impair b:eth0 loss 1%"
	expect_topo_error 5 "expected NODE:IF, got 'a'" <<<"$head
impair a loss 1%"
	expect_topo_error 5 "loss: bad percentage '200%'" <<<"$head
impair a:eth0 loss 200%"
	expect_topo_error 5 "delay: bad time '5'" <<<"$head
impair s:p1 delay 5"
	expect_topo_error 5 "jitter needs a delay" <<<"$head
impair s:p1 jitter 5ms"
	expect_topo_error 5 "unknown impairment 'clear'" <<<"$head
impair s:p1 clear"
	expect_topo_error 6 "interface s:p1 is already impaired at line 5" <<<"$head
impair s:p1 loss 1%
impair s:p1 delay 5ms"
	# An interface no link gives, even if a later line does not either.
	expect_topo_error 5 "node 'a' has no interface 'eth1' (no link gives it one)" <<<"$head
impair a:eth1 loss 1%"
}

@test "topology: impair lines are applied at bring-up, shown in the summary, and go with the lab" {
	local lab avg
	lab=$(lab_name impup)
	LABS+=("$lab")
	cat >"$BATS_TEST_TMPDIR/up.lab" <<EOF
lab $lab
node l1 linux
node s switch
node l2 linux
link l1:eth0 s:p1
link s:p2 l2:eth0
addr l1:eth0 10.9.0.1/24
addr l2:eth0 10.9.0.2/24
impair l1:eth0 delay 30ms   # a linux node's: a relay
impair s:p2 delay 20ms seed 1
EOF
	run "$HOPLAB" up "$BATS_TEST_TMPDIR/up.lab"
	assert_success
	assert_line --regexp '^l1:eth0 +relay +[0-9]+ +delay 30ms seed [0-9]+$'
	assert_line --regexp '^s:p2 +daemon +- +delay 20ms seed 1$'
	avg=$(ip netns exec "$lab-l1" ping -c 5 -i 0.1 -W 3 10.9.0.2 | sed -nE 's|^rtt [^=]+= [0-9.]+/([0-9.]+)/.*|\1|p')
	awk -v a="$avg" 'BEGIN { exit !(a >= 45 && a <= 100) }' ||
		fail "round trip $avg ms, not 30 + 20 ms"
	ip netns list | grep -qE "^$lab-l1.eth0( |$)"
	run "$HOPLAB" down "$lab"
	assert_success
	refute_output --partial "hoplab:"
	LABS=()
	no_netns "$lab-.*"
	[ ! -e "$HOPLAB_RUN_ROOT/$lab" ]
	# The relay was stopped as a daemon is, and its log kept.
	run cat "$HOPLAB_LOG_ARCHIVE/$lab.1/down"
	assert_output ""
	[ -s "$HOPLAB_LOG_ARCHIVE/$lab.1/l1:eth0.log" ]
}
