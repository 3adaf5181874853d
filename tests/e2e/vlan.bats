#!/usr/bin/env bats
# switchd's VLANs (IEEE 802.1Q) on conf/vlan.lab: hostd hosts on access
# ports of VLANs 10 and 20, and a Linux node on a trunk carrying both.
# This kernel has no 8021q module: the trunk node sends raw tagged frames
# with pktinject and reads them with tcpdump.

load helpers

PKTINJECT=${HOPLAB_TOOLS:-$REPO_ROOT/build/san/tools}/pktinject
TRUNK_MAC=02:00:00:00:00:09

setup_file() {
	LAB=$(lab_name vlan)
	export LAB
	sed "s/^lab vlan\$/lab $LAB/" "$REPO_ROOT/conf/vlan.lab" \
		>"$BATS_FILE_TMPDIR/vlan.lab"
	lab_up "$BATS_FILE_TMPDIR/vlan.lab"
}

sw() { "$HOPCTL" "$LAB/sw1" "$@"; }
swj() { "$HOPCTL" -j "$LAB/sw1" "$@"; }
host() {
	local node=$1
	shift
	"$HOPCTL" "$LAB/$node" "$@"
}
stat_of() { swj show stats | head -n 1 | jq -r ".$1"; }
mac_of() { "$HOPCTL" -j "$LAB/$1" show ports | head -n 1 | jq -r '.[0].mac'; }
# vlan_of_mac MAC PORT: the VLANs show mac gives MAC on PORT.
vlan_of_mac() {
	swj show mac | head -n 1 |
		jq -r --arg m "$1" --arg p "$2" '.[] | select(.mac == $m and .port == $p) | .vlan'
}

# start_trunk_capture: tcpdump on the trunk node t1 into trunk.txt.
start_trunk_capture() {
	ip netns exec "$LAB-t1" timeout 20 tcpdump -l -n -e -i eth0 \
		>"$BATS_TEST_TMPDIR/trunk.txt" 2>"$BATS_TEST_TMPDIR/trunk.err" &
	wait_until 5 grep -q "listening on" "$BATS_TEST_TMPDIR/trunk.err"
}
stop_trunk_capture() {
	pkill -INT -f "timeout 20 tcpdump -l -n -e -i eth0" || true
	wait 2>/dev/null || true
}
trunk_saw() { grep -qE -- "$1" "$BATS_TEST_TMPDIR/trunk.txt"; }

# arp_request TCI TARGET: hex of a broadcast ARP request from the trunk
# node (10.0.0.9) for TARGET, tagged with the 802.1Q TCI (4 hex digits),
# or untagged when TCI is "-".
arp_request() {
	local tag="8100$1" mac=${TRUNK_MAC//:/} ip
	[[ $1 != - ]] || tag=""
	# shellcheck disable=SC2086 # the address's four numbers
	ip=$(printf '%02x' ${2//./ })
	printf 'ffffffffffff%s%s08060001080006040001%s0a000009000000000000%s%036d\n' \
		"$mac" "$tag" "$mac" "$ip" 0
}
inject() { ip netns exec "$LAB-t1" "$PKTINJECT" -i eth0 "$1" >/dev/null; }

@test "show vlan lists each port's mode, VLANs and native VLAN, as the topology file set them" {
	run sw show vlan
	assert_success
	assert_line --index 0 --regexp '^port +mode +vlans +native$'
	assert_line --regexp '^p1 +access +10 +-$'
	assert_line --regexp '^p3 +access +20 +-$'
	assert_line --regexp '^p5 +trunk +10,20 +-$'
	run swj show vlan
	assert_success
	[ "$(echo "$output" | head -n 1 | jq -c '.[4]')" = '{"port":"p5","mode":"trunk","vlans":"10,20","native":null}' ]
	[ "$(stat_of vlan_aware)" = true ]
}

@test "hosts in the same VLAN ping each other; hosts in different VLANs do not" {
	run host hA1 ping -c 2 -i 0.2 10.0.0.2
	assert_success
	assert_output --partial "2 received"
	run host hB2 ping -c 2 -i 0.2 10.0.0.3
	assert_success
	assert_output --partial "2 received"
	run host hA1 ping -c 2 -i 0.2 -W 1 10.0.0.3
	assert_failure
	assert_output --partial "0 received"
	run host hB1 ping -c 2 -i 0.2 -W 1 10.0.0.2
	assert_failure
}

@test "show mac has a MAC table per VLAN: each station in the VLAN of its port" {
	host hA1 ping -c 1 10.0.0.2 >/dev/null
	host hB1 ping -c 1 10.0.0.4 >/dev/null
	[ "$(vlan_of_mac "$(mac_of hA1)" p1)" = 10 ]
	[ "$(vlan_of_mac "$(mac_of hA2)" p2)" = 10 ]
	[ "$(vlan_of_mac "$(mac_of hB1)" p3)" = 20 ]
	run sw show mac
	assert_line --regexp "^$(mac_of hB2) +p4 +20 +[0-9]+$"
}

@test "a capture on the trunk shows each VLAN's broadcasts with its 802.1Q tag" {
	start_trunk_capture
	host hA1 ping -c 1 -W 1 10.0.0.71 || true
	host hB1 ping -c 1 -W 1 10.0.0.72 || true
	wait_until 5 trunk_saw "802.1Q \(0x8100\).*vlan 10, p 0, ethertype ARP.*who-has 10.0.0.71 tell 10.0.0.1"
	wait_until 5 trunk_saw "vlan 20, p 0, ethertype ARP.*who-has 10.0.0.72 tell 10.0.0.3"
	stop_trunk_capture
	# Nothing leaves a trunk untagged: it has no native VLAN.
	run grep -c "ethertype ARP (0x0806), length" "$BATS_TEST_TMPDIR/trunk.txt"
	assert_output 0
}

@test "tagged frames from the trunk reach their VLAN's hosts untagged; the replies come back tagged" {
	start_trunk_capture
	# hostd drops tagged frames: an answer means it got the frame untagged.
	inject "$(arp_request a00a 10.0.0.1)"
	wait_until 5 trunk_saw "$(mac_of hA1) > $TRUNK_MAC, ethertype 802.1Q \(0x8100\), length [0-9]+: vlan 10, p 0, ethertype ARP.*Reply 10.0.0.1 is-at"
	inject "$(arp_request 0014 10.0.0.3)"
	wait_until 5 trunk_saw "vlan 20, p 0, ethertype ARP.*Reply 10.0.0.3 is-at"
	# hB1 is in VLAN 20: a VLAN 10 request for it never reaches it.
	inject "$(arp_request 000a 10.0.0.4)"
	sleep 1
	stop_trunk_capture
	run grep "Reply 10.0.0.4" "$BATS_TEST_TMPDIR/trunk.txt"
	assert_failure
	run host hA1 show arp
	assert_line --regexp "^10.0.0.9 +$TRUNK_MAC +eth0 "
	# One station, learned in each VLAN it sent from.
	run vlan_of_mac "$TRUNK_MAC" p5
	assert_line 10
	assert_line 20
}

@test "frames a trunk must not take are dropped and counted by reason" {
	local na nn bt
	na=$(stat_of vlan_not_allowed) nn=$(stat_of vlan_no_native) bt=$(stat_of vlan_bad_tag)
	inject "$(arp_request 001e 10.0.0.1)" # VLAN 30: not on the trunk
	inject "$(arp_request - 10.0.0.1)"    # untagged, and no native VLAN
	inject "$(arp_request 0fff 10.0.0.1)" # VLAN 4095 is reserved
	wait_until 5 test "$(stat_of vlan_not_allowed)" -gt "$na"
	wait_until 5 test "$(stat_of vlan_no_native)" -gt "$nn"
	wait_until 5 test "$(stat_of vlan_bad_tag)" -gt "$bt"
}

@test "set port moves a host to another VLAN at run time; bad input is refused" {
	run host hA1 ping -c 1 -W 1 10.0.0.3
	assert_failure
	run sw set port p3 access 10
	assert_success
	run host hA1 ping -c 2 -i 0.2 10.0.0.3
	assert_success
	# hB1 is now a station of VLAN 10 on p3; moving p3 forgets it there.
	local hb1
	hb1=$(mac_of hB1)
	[ "$(vlan_of_mac "$hb1" p3)" = 10 ]
	run sw set port p3 access 20
	assert_success
	[ -z "$(vlan_of_mac "$hb1" p3)" ]
	run sw set port p5 trunk 10,20-21 native 30
	assert_success
	run sw show vlan
	assert_line --regexp '^p5 +trunk +10,20,21,30 +30$'
	run sw set port p5 trunk 10,20
	assert_success
	local bad
	for bad in "p1 access 4095" "p1 access 0" "p1 access x" "p1 trunk 10,,20" \
		"p1 trunk 20-10" "p1 trunk 10 native" "p1 trunk 10 native 5000" \
		"p1 trunk 10 nat 5" "p1 bogus 10" "p1 access" "p1"; do
		# shellcheck disable=SC2086 # the words of a request
		run sw set port $bad
		assert_failure 2
	done
	run sw set port nosuch access 10
	assert_failure 1
	assert_output --partial "no port 'nosuch'"
	run sw show vlan
	assert_line --regexp '^p1 +access +10 +-$'
	run sw help
	assert_output --partial "set port"
	assert_output --partial "show vlan"
}

# expect_vlan_error LINE TEXT: hoplab up refuses stdin's topology with
# FILE:LINE: TEXT and exit status 2, creating nothing.
expect_vlan_error() {
	local file=$BATS_TEST_TMPDIR/bad.lab lab
	lab=$(lab_name vlbad)
	{
		printf 'lab %s\nnode s switch\nnode h host\nlink h:eth0 s:p1\n' "$lab"
		cat
	} >"$file"
	run "$HOPLAB" up "$file"
	assert_failure 2
	assert_line --index 0 --partial "$file:$1: $2"
	run ip netns list
	refute_output --partial "$lab-"
}

@test "topology: bad vlan lines name the file and line" {
	expect_vlan_error 5 "node 'h' is a host; VLAN port modes go on switch nodes" <<<"vlan h:eth0 access 10"
	expect_vlan_error 5 "bad VLAN ID '4095' (1 to 4094)" <<<"vlan s:p1 access 4095"
	expect_vlan_error 5 "bad VLAN list '10,,20'" <<<"vlan s:p1 trunk 10,,20"
	expect_vlan_error 5 "bad VLAN list '30-20'" <<<"vlan s:p1 trunk 30-20"
	expect_vlan_error 5 "bad native VLAN '0'" <<<"vlan s:p1 trunk 10 native 0"
	expect_vlan_error 5 "expected 'native ID'" <<<"vlan s:p1 trunk 10 natve 3"
	expect_vlan_error 5 "unknown VLAN port mode 'hybrid'" <<<"vlan s:p1 hybrid 10"
	expect_vlan_error 5 "usage: vlan NODE:IF access ID" <<<"vlan s:p1 access"
	expect_vlan_error 5 "unknown node 'x'" <<<"vlan x:p1 access 10"
	expect_vlan_error 5 "node 's' has no interface 'p9'" <<<"vlan s:p9 access 10"
	expect_vlan_error 6 "port s:p1 already has a VLAN mode (line 5)" <<EOF
vlan s:p1 access 10
vlan s:p1 trunk 10
EOF
}
