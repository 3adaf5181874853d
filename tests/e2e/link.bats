#!/usr/bin/env bats
# A lab's links at run time and its fixed addresses: 'mac' lines in the
# topology file, 'hoplab link LAB NODE:IF down|up' across a host, a switch
# and a router with hostd and linux nodes on it, and the lock that makes
# two runs of up or down on the same lab take turns.  Needs root.

load helpers
bats_require_minimum_version 1.5.0

# hA (hostd) and lx (linux) on sw1, sw1 to r1, r1 to hB (hostd).
write_topology() {
	cat >"$1" <<EOF
lab $2
node hA host
node lx linux
node sw1 switch
node r1 router
node hB host
link hA:eth0 sw1:p1
link lx:eth0 sw1:p2
link sw1:p3 r1:e0
link r1:e1 hB:eth0
addr hA:eth0 10.0.1.10/24
addr lx:eth0 10.0.1.20/24
addr r1:e0 10.0.1.1/24
addr r1:e1 10.0.2.1/24
addr hB:eth0 10.0.2.10/24
route hA default via 10.0.1.1
route lx default via 10.0.1.1
route hB default via 10.0.2.1
mac hA:eth0 02:00:00:00:01:0a
mac lx:eth0 02:00:00:00:01:14 # a comment after it
mac r1:e0 02:00:00:00:01:01
mac sw1:p1 02:00:00:00:0F:01
EOF
}

setup_file() {
	LAB=$(lab_name link)
	export LAB TOPO=$BATS_FILE_TMPDIR/link.lab
	write_topology "$TOPO" "$LAB"
	lab_up "$TOPO"
}

ctl() { "$HOPCTL" "$LAB/$1" "${@:2}"; }
ctlj() { "$HOPCTL" -j "$LAB/$1" "${@:2}" | head -n 1; }
on() { ip netns exec "$LAB-$1" "${@:2}"; }

# port_field NODE PORT FIELD: one field of a daemon's show ports row.
port_field() {
	ctlj "$1" show ports | jq -r --arg p "$2" --arg f "$3" '.[] | select(.name == $p) | .[$f]'
}
port_is() { [ "$(port_field "$1" "$2" up)" = "$3" ]; }
# has_route NODE PREFIX: the daemon's table holds PREFIX.
has_route() { ctlj "$1" show route | jq -e --arg p "$2" 'any(.[]; .prefix == $p)' >/dev/null; }
# macs_on SWITCH PORT: how many MAC entries the switch has on PORT.
macs_on() { ctlj "$1" show mac | jq --arg p "$2" '[.[] | select(.port == $p)] | length'; }
hostd_reaches() { ctl "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1; }
linux_reaches() { on "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1; }
link_is_down_in_status() {
	"$HOPLAB" status "$LAB" | grep -qxF "link: $1 -- $2 down"
}

# expect_mac_error LINE MESSAGE: the mac line at LINE of a lab file made
# from stdin is refused with FILE:LINE: MESSAGE, exit 2, nothing made.
expect_mac_error() {
	local file=$BATS_TEST_TMPDIR/bad.lab lab
	lab=$(lab_name macerr)
	{
		echo "lab $lab"
		echo "node a linux"
		echo "node b linux"
		echo "link a:eth0 b:eth0"
		cat
	} >"$file"
	run "$HOPLAB" up "$file"
	assert_failure 2
	assert_line --index 0 "$file:$1: $2"
	[[ ! -e $HOPLAB_RUN_ROOT/$lab ]]
	run ! grep -q "^$lab-" < <(ip netns list)
}

@test "mac lines: bad, multicast, zero, unknown and duplicate ones are refused with file:line" {
	expect_mac_error 5 "bad MAC address '02:00:00:00:01' (expected six hex bytes: aa:bb:cc:dd:ee:ff)" <<<"mac a:eth0 02:00:00:00:01"
	expect_mac_error 5 "bad MAC address '02-00-00-00-01-02' (expected six hex bytes: aa:bb:cc:dd:ee:ff)" <<<"mac a:eth0 02-00-00-00-01-02"
	expect_mac_error 5 "bad MAC address '0g:00:00:00:01:02' (expected six hex bytes: aa:bb:cc:dd:ee:ff)" <<<"mac a:eth0 0g:00:00:00:01:02"
	expect_mac_error 5 "MAC address '01:00:5e:00:00:01' is a multicast address (the first byte is odd)" <<<"mac a:eth0 01:00:5e:00:00:01"
	expect_mac_error 5 "MAC address 'ff:ff:ff:ff:ff:ff' is a multicast address (the first byte is odd)" <<<"mac a:eth0 ff:ff:ff:ff:ff:ff"
	expect_mac_error 5 "MAC address '00:00:00:00:00:00' is all zeros" <<<"mac a:eth0 00:00:00:00:00:00"
	expect_mac_error 5 "usage: mac NODE:IF aa:bb:cc:dd:ee:ff" <<<"mac a:eth0"
	expect_mac_error 5 "unknown node 'c' (declare it with 'node' before using it)" <<<"mac c:eth0 02:00:00:00:00:01"
	expect_mac_error 5 "node 'a' has no interface 'eth1' (no link gives it one)" <<<"mac a:eth1 02:00:00:00:00:01"
	expect_mac_error 6 "interface a:eth0 already has a MAC address (line 5)" <<EOF
mac a:eth0 02:00:00:00:00:01
mac a:eth0 02:00:00:00:00:02
EOF
	expect_mac_error 6 "MAC address 02:00:00:00:00:01 is already given (line 5)" <<EOF
mac a:eth0 02:00:00:00:00:01
mac b:eth0 02:00:00:00:00:01
EOF
}

@test "mac lines give the interfaces their addresses: ip link, show ports, show ip, a linux node" {
	run on hA ip -o link show eth0
	assert_output --partial "link/ether 02:00:00:00:01:0a "
	[ "$(port_field hA eth0 mac)" = 02:00:00:00:01:0a ]
	run ctlj hA show ip
	assert_output --partial '"mac":"02:00:00:00:01:0a"'
	run on lx cat /sys/class/net/eth0/address
	assert_output 02:00:00:00:01:14
	[ "$(port_field r1 e0 mac)" = 02:00:00:00:01:01 ]
	run ctlj r1 show ip
	assert_output --partial '"port":"e0","addr":"10.0.1.1/24","mac":"02:00:00:00:01:01"'
	# Upper case in the file, lower case everywhere else.
	[ "$(port_field sw1 p1 mac)" = 02:00:00:00:0f:01 ]
	# The neighbours learn them: lx's ARP entry for the router, and the
	# switch's table.
	linux_reaches lx 10.0.1.1
	run on lx ip neigh show 10.0.1.1
	assert_output --partial "lladdr 02:00:00:00:01:01 "
	run ctlj sw1 show mac
	assert_output --partial '"mac":"02:00:00:00:01:14","port":"p2"'
}

@test "link down at a hostd node: both daemons see the port down, the switch forgets it, traffic stops; up restores it" {
	wait_until 10 hostd_reaches hA 10.0.2.10
	[ "$(macs_on sw1 p1)" -ge 1 ]
	run "$HOPLAB" link "$LAB" hA:eth0 down
	assert_success
	assert_output "link hA:eth0 -- sw1:p1 is down"
	wait_until 5 port_is hA eth0 false
	wait_until 5 port_is sw1 p1 false
	[ "$(macs_on sw1 p1)" = 0 ]
	[ "$(counter "$LAB" sw1 mac_flushed)" -ge 1 ]
	link_is_down_in_status hA:eth0 sw1:p1
	run ctl hA ping -c 2 -i 0.2 -W 1 10.0.2.10
	assert_failure
	run "$HOPLAB" link "$LAB" sw1:p1 up
	assert_success
	assert_output "link hA:eth0 -- sw1:p1 is up"
	wait_until 5 port_is hA eth0 true
	wait_until 5 port_is sw1 p1 true
	run ! link_is_down_in_status hA:eth0 sw1:p1
	wait_until 10 hostd_reaches hA 10.0.2.10
}

@test "link down at the router: its connected route goes and comes back; hostd and linux nodes lose and regain the far side" {
	wait_until 10 linux_reaches lx 10.0.2.10
	has_route r1 10.0.2.0/24
	run "$HOPLAB" link "$LAB" r1:e1 down
	assert_success
	wait_until 5 port_is r1 e1 false
	wait_until 5 port_is hB eth0 false
	wait_until 5 eval '! has_route r1 10.0.2.0/24'
	run ! has_route hB 10.0.2.0/24
	has_route r1 10.0.1.0/24
	run on lx ping -c 2 -i 0.2 -W 1 10.0.2.10
	assert_failure
	run ctl hA ping -c 2 -i 0.2 -W 1 10.0.2.10
	assert_failure
	run "$HOPLAB" link "$LAB" r1:e1 up
	assert_success
	wait_until 5 has_route r1 10.0.2.0/24
	wait_until 5 has_route hB 10.0.2.0/24
	wait_until 10 linux_reaches lx 10.0.2.10
	wait_until 10 hostd_reaches hA 10.0.2.10
	wait_until 10 hostd_reaches hB 10.0.1.20
}

@test "link down at a linux node: the switch sees it; up brings back the node's routes and traffic" {
	wait_until 10 linux_reaches lx 10.0.2.10
	run "$HOPLAB" link "$LAB" lx:eth0 down
	assert_success
	wait_until 5 port_is sw1 p2 false
	[ "$(macs_on sw1 p2)" = 0 ]
	run on lx ip -o link show eth0
	assert_output --partial "state DOWN"
	run linux_reaches lx 10.0.1.10
	assert_failure
	run "$HOPLAB" link "$LAB" lx:eth0 up
	assert_success
	wait_until 5 port_is sw1 p2 true
	run on lx ip route show default
	assert_output --partial "default via 10.0.1.1 dev eth0"
	wait_until 10 linux_reaches lx 10.0.2.10
}

@test "link: usage errors and unknown ends" {
	run "$HOPLAB" link --help
	assert_success
	assert_line --index 0 "usage: hoplab link LAB NODE:IF down|up"
	run "$HOPLAB" --help
	assert_output --partial "hoplab link LAB NODE:IF down|up"
	run "$HOPLAB" link "$LAB" hA:eth0
	assert_failure 2
	run "$HOPLAB" link "$LAB" hA:eth0 sideways
	assert_failure 2
	assert_output --partial "expected 'down' or 'up', got 'sideways'"
	run "$HOPLAB" link "$LAB" hA:eth9 down
	assert_failure 2
	assert_output --partial "has no link at 'hA:eth9'"
	run "$HOPLAB" link nosuchlab0 hA:eth0 down
	assert_failure 1
	assert_output --partial "lab nosuchlab0 is not up"
	port_is hA eth0 true
}

# lab_whole LAB: every node's namespace, exactly once, and every daemon
# alive and answering.
lab_whole() {
	local lab=$1 node
	[ "$(ip netns list | grep -c "^$lab-")" = 5 ]
	for node in hA sw1 r1 hB; do
		"$HOPCTL" "$lab/$node" show ports >/dev/null
	done
	"$HOPLAB" status "$lab" | awk 'NR > 2 && $2 != "linux" && $4 != "alive" { exit 1 }'
}

@test "two ups of the same lab at once take turns and leave exactly one working lab" {
	local lab file=$BATS_TEST_TMPDIR/twice.lab
	lab=$(lab_name twice)
	write_topology "$file" "$lab"
	"$HOPLAB" up "$file" >"$BATS_TEST_TMPDIR/up1" 2>&1 &
	local p1=$!
	"$HOPLAB" up "$file" >"$BATS_TEST_TMPDIR/up2" 2>&1 &
	local p2=$! rc1=0 rc2=0
	wait "$p1" || rc1=$?
	wait "$p2" || rc2=$?
	cat "$BATS_TEST_TMPDIR/up1" "$BATS_TEST_TMPDIR/up2"
	[ "$rc1" = 0 ]
	[ "$rc2" = 0 ]
	# One of them waited, and then replaced the other's lab.
	grep -q "lab $lab is busy" "$BATS_TEST_TMPDIR/up1" "$BATS_TEST_TMPDIR/up2"
	grep -q "lab $lab exists; removing it first" "$BATS_TEST_TMPDIR/up1" "$BATS_TEST_TMPDIR/up2"
	lab_whole "$lab"
	wait_until 10 "$HOPCTL" "$lab/hA" ping -c 1 -W 1 10.0.2.10
	lab_down_check "$lab"
	run ! grep -q "^$lab-" < <(ip netns list)
}

@test "a lab's lock held too long: down says so and gives up; down --all waits for it" {
	local lock=$HOPLAB_RUN_ROOT/.locks/$LAB
	[ -e "$lock" ]
	flock "$lock" sleep 3 &
	local holder=$!
	wait_until 2 eval "! flock -n '$lock' true"
	HOPLAB_LOCK_TIMEOUT=1 run "$HOPLAB" down "$LAB"
	assert_failure 1
	assert_output --partial "lab $LAB is still locked by another hoplab after 1s"
	[ -d "$HOPLAB_RUN_ROOT/$LAB" ]
	port_is hA eth0 true
	HOPLAB_LOCK_TIMEOUT=1 run "$HOPLAB" link "$LAB" hA:eth0 down
	assert_failure 1
	port_is hA eth0 true
	wait "$holder"
	# Unheld, it is taken at once.
	run "$HOPLAB" link "$LAB" hA:eth0 down
	assert_success
	refute_output --partial busy
	run "$HOPLAB" link "$LAB" hA:eth0 up
	assert_success
	flock "$lock" sleep 2 &
	holder=$!
	wait_until 2 eval "! flock -n '$lock' true"
	run "$HOPLAB" down --all
	assert_success
	assert_output --partial "lab $LAB is busy"
	assert_output --partial "lab $LAB is down"
	wait "$holder"
	run ! grep -q "^$LAB-" < <(ip netns list)
}
