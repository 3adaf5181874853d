#!/usr/bin/env bats
# switchd's spanning tree (IEEE 802.1D): three switchd in a triangle, and a
# switchd beside a Linux bridge on two parallel links. Short timers (hello
# 1 s, max age 6 s, forward delay 4 s) keep the tests quick.

load helpers

HELLO=1
MAX_AGE=6
FWD_DELAY=4

on() {
	local lab=$1 node=$2
	shift 2
	ip netns exec "$lab-$node" "$@"
}
# stp_bridge LAB NODE: show stp's bridge object, as JSON.
stp_bridge() { "$HOPCTL" -j "$1/$2" show stp | sed -n 1p; }
# stp_ports LAB NODE: show stp's port rows, as a JSON array.
stp_ports() { "$HOPCTL" -j "$1/$2" show stp | sed -n 2p; }
port_state() { stp_ports "$1" "$2" | jq -r --arg p "$3" '.[] | select(.port == $p) | .state'; }
rx_frames() { counter "$1" "$2" rx_frames; }

# triangle_converged LAB: the three switches name one root, and exactly
# one port of the triangle's links blocks while every other forwards.
triangle_converged() {
	local lab=$1 roots blocking forwarding
	roots=$(for s in sw1 sw2 sw3; do stp_bridge "$lab" "$s" | jq -r .root_id; done | sort -u | wc -l)
	blocking=$(for s in sw1 sw2 sw3; do stp_ports "$lab" "$s"; done |
		jq -s '[.[][] | select(.port != "p1" and .state == "blocking")] | length')
	forwarding=$(for s in sw1 sw2 sw3; do stp_ports "$lab" "$s"; done |
		jq -s '[.[][] | select(.state == "forwarding")] | length')
	[[ $roots == 1 && $blocking == 1 && $forwarding == 8 ]]
}

# all_reach LAB: every host pings every other.
all_reach() {
	local lab=$1 a b
	for a in 1 2 3; do
		for b in 1 2 3; do
			[[ $a == "$b" ]] && continue
			on "$lab" "h$a" ping -c 1 -W 1 "10.0.0.$b" >/dev/null || return 1
		done
	done
}

setup_file() {
	TRI=$(lab_name stptri)
	export TRI
	sed "s/^lab triangle\$/lab $TRI/" "$REPO_ROOT/conf/triangle.lab" \
		>"$BATS_FILE_TMPDIR/triangle.lab"
	lab_up "$BATS_FILE_TMPDIR/triangle.lab"
}

@test "triangle: one root, one blocked port, no broadcast storm, every host reaches every other" {
	wait_until 30 triangle_converged "$TRI"
	wait_until 15 all_reach "$TRI"
	# A broadcast storm would make the counters race; a tree keeps them
	# at a few BPDUs a second per port and the test's own frames.
	local before after
	before=$(($(rx_frames "$TRI" sw1) + $(rx_frames "$TRI" sw2) + $(rx_frames "$TRI" sw3)))
	on "$TRI" h1 ping -b -c 3 -i 0.2 -W 1 10.0.0.255 >/dev/null 2>&1 || true
	on "$TRI" h1 arping -c 3 -w 2 -I eth0 10.0.0.3 >/dev/null 2>&1 || true
	sleep 3
	after=$(($(rx_frames "$TRI" sw1) + $(rx_frames "$TRI" sw2) + $(rx_frames "$TRI" sw3)))
	echo "frames in about 4 s: $((after - before))"
	((after - before < 400))
	run counter "$TRI" sw1 bpdu
	assert_success
	((output > 0))
	# The blocked port drops what reaches it, under its reason.
	local blocked_sum=0 s n
	for s in sw1 sw2 sw3; do
		n=$(counter "$TRI" "$s" stp_blocked)
		blocked_sum=$((blocked_sum + n))
	done
	((blocked_sum > 0))
}

@test "triangle: cutting a forwarding link restores connectivity within the STP timers" {
	wait_until 30 triangle_converged "$TRI"
	# A non-root switch's root port is a forwarding link of the tree.
	local sw rp t0 ms
	for sw in sw1 sw2 sw3; do
		rp=$(stp_bridge "$TRI" "$sw" | jq -r .root_port)
		[[ -n $rp ]] && break
	done
	[[ -n $rp ]]
	[[ $(port_state "$TRI" "$sw" "$rp") == forwarding ]]
	t0=$(_now_us)
	ip -n "$TRI-$sw" link set "$rp" down
	# 802.1D's bound: the old information ages out (max age), then the
	# blocked port listens and learns (twice the forward delay).
	wait_until $((MAX_AGE + 2 * FWD_DELAY + 8)) all_reach "$TRI"
	ms=$(elapsed_ms "$t0")
	echo "connectivity back after $ms ms"
	run stp_bridge "$TRI" "$sw"
	refute_output --partial "\"root_port\":\"$rp\""
	[[ $(port_state "$TRI" "$sw" "$rp") == disabled ]]
	# The topology change made every switch age its MACs out quickly.
	for s in sw1 sw2 sw3; do
		(($(stp_bridge "$TRI" "$s" | jq .topology_changes) > 0))
	done
	ip -n "$TRI-$sw" link set "$rp" up
	wait_until 30 triangle_converged "$TRI"
	wait_until 15 all_reach "$TRI"
}

# A switchd and a Linux bridge joined by two links.
bridge_lab() {
	local lab=$1
	cat <<EOF
lab $lab
node sw1 switch
node br linux
node h1 linux
node h2 linux
link sw1:p1 br:e1
link sw1:p2 br:e2
link h1:eth0 sw1:p3
link h2:eth0 br:e3
addr h1:eth0 10.0.0.1/24
addr h2:eth0 10.0.0.2/24
run sw1 set stp hello $HELLO
run sw1 set stp max-age $MAX_AGE
run sw1 set stp forward-delay $FWD_DELAY
EOF
}

# make_bridge LAB: br's namespace becomes a Linux bridge with STP on.
make_bridge() {
	local ns=$1-br e
	ip -n "$ns" link add br0 type bridge stp_state 1 \
		hello_time $((HELLO * 100)) max_age $((MAX_AGE * 100)) \
		forward_delay $((FWD_DELAY * 100))
	for e in e1 e2 e3; do
		ip -n "$ns" link set "$e" master br0
	done
	ip -n "$ns" link set br0 up
}

# br_state LAB PORT: the Linux bridge's state of PORT (0 disabled,
# 1 listening, 2 learning, 3 forwarding, 4 blocking).
br_state() { on "$1" br cat "/sys/class/net/$2/brport/state"; }
br_root() { on "$1" br cat /sys/class/net/br0/bridge/root_id; }

# agree LAB: both name the same root, and of the four ends of the two
# links exactly one blocks (three forward).
agree() {
	local lab=$1 root blocking=0 forwarding=0 s p
	root=$(stp_bridge "$lab" sw1 | jq -r .root_id)
	[[ $root == "$(br_root "$lab")" ]] || return 1
	for p in p1 p2; do
		s=$(port_state "$lab" sw1 "$p")
		[[ $s == blocking ]] && blocking=$((blocking + 1))
		[[ $s == forwarding ]] && forwarding=$((forwarding + 1))
	done
	for p in e1 e2; do
		s=$(br_state "$lab" "$p")
		[[ $s == 4 ]] && blocking=$((blocking + 1))
		[[ $s == 3 ]] && forwarding=$((forwarding + 1))
	done
	[[ $blocking == 1 && $forwarding == 3 ]]
}

@test "switchd and a Linux bridge with stp_state 1 on two links agree on a root and block one port" {
	local lab
	lab=$(lab_name stpbr)
	bridge_lab "$lab" >"$BATS_TEST_TMPDIR/bridge.lab"
	lab_up "$BATS_TEST_TMPDIR/bridge.lab"
	make_bridge "$lab"
	"$HOPCTL" "$lab/sw1" set stp on
	wait_until 30 agree "$lab"
	wait_until 15 on "$lab" h1 ping -c 1 -W 1 10.0.0.2
	# The side that is not root blocks: its port on the link with the
	# higher designated port ID.
	local root sw_id
	root=$(br_root "$lab")
	sw_id=$(stp_bridge "$lab" sw1 | jq -r .bridge_id)
	if [[ $root == "$sw_id" ]]; then
		[[ $(br_state "$lab" e2) == 4 ]]
	else
		[[ $(port_state "$lab" sw1 p2) == blocking ]]
	fi

	# The other one becomes root when its priority says so.
	if [[ $root == "$sw_id" ]]; then
		on "$lab" br ip link set br0 type bridge priority 4096
	else
		"$HOPCTL" "$lab/sw1" set stp priority 4096
	fi
	wait_until 30 agree "$lab"
	[[ $(br_root "$lab") != "$root" ]]
	wait_until 15 on "$lab" h1 ping -c 1 -W 1 10.0.0.2
	lab_down_check "$lab"
}

@test "show stp when off; set stp refuses bad words and values out of 802.1D's ranges" {
	local lab
	lab=$(lab_name stpcli)
	bridge_lab "$lab" >"$BATS_TEST_TMPDIR/bridge.lab"
	lab_up "$BATS_TEST_TMPDIR/bridge.lab"
	run "$HOPCTL" "$lab/sw1" show stp
	assert_success
	assert_line "enabled: false"
	assert_line --regexp '^bridge_id: 8000\.[0-9a-f]{12}$'
	assert_line --regexp '^port +role +state +cost'
	assert_line --regexp '^p1 +disabled +forwarding +19 '
	# The bridge ID is made of the lowest port MAC.
	local lowest
	lowest=$("$HOPCTL" -j "$lab/sw1" show ports | head -n 1 | jq -r '[.[].mac] | sort | .[0]')
	run stp_bridge "$lab" sw1
	assert_output --partial "\"bridge_id\":\"8000.${lowest//:/}\""
	for bad in "bogus" "on now" "priority 70000" "priority x" "hello 0.5" \
		"hello 11" "max-age 5" "max-age 41" "forward-delay 3" \
		"forward-delay 31" "cost p1 0"; do
		# shellcheck disable=SC2086 # the words are separate arguments
		run "$HOPCTL" "$lab/sw1" set stp $bad
		assert_equal "$status" 2
		assert_output --partial "set stp"
	done
	run "$HOPCTL" "$lab/sw1" set stp cost nope 5
	assert_equal "$status" 1
	run "$HOPCTL" "$lab/sw1" set stp cost p1 100
	assert_success
	run "$HOPCTL" "$lab/sw1" help
	assert_output --partial "set stp"
	assert_output --partial "show stp"
	lab_down_check "$lab"
}
