#!/usr/bin/env bats
# routerd between Linux hosts: forwarding with TTL and MAC rewriting, its
# own addresses, traceroute, ICMP errors (time exceeded, net and host
# unreachable, fragmentation needed), fragmentation, the show commands,
# static routes at run time, bulk TCP across one and two routers, and
# hostile frames.  Needs root.

load helpers

PKTINJECT=${HOPLAB_TOOLS:-$REPO_ROOT/build/san/tools}/pktinject

# Two labs for the whole file: ONE is conf/seed-linux.lab (hA - sw1 - r1 -
# sw2 - hB), TWO is conf/two-routers.lab (hA - sw1 - r1 - r2 - sw2 - hB).
setup_file() {
	ONE=$(lab_name rt1)
	TWO=$(lab_name rt2)
	export ONE TWO
	sed "s/^lab seedlx\$/lab $ONE/" "$REPO_ROOT/conf/seed-linux.lab" \
		>"$BATS_FILE_TMPDIR/one.lab"
	sed "s/^lab tworouters\$/lab $TWO/" "$REPO_ROOT/conf/two-routers.lab" \
		>"$BATS_FILE_TMPDIR/two.lab"
	lab_up "$BATS_FILE_TMPDIR/one.lab"
	lab_up "$BATS_FILE_TMPDIR/two.lab"
}

# on LAB NODE CMD...: run CMD in NODE's namespace.
on() {
	local lab=$1 node=$2
	shift 2
	ip netns exec "$lab-$node" "$@"
}
r1() { "$HOPCTL" "$ONE/r1" "$@"; }
mac_of() { on "$1" "$2" cat "/sys/class/net/${3:-eth0}/address"; }
# port_mac LAB NODE PORT: the MAC routerd reports for one of its ports.
port_mac() {
	"$HOPCTL" -j "$1/$2" show ports | head -n 1 | jq -r --arg p "$3" '.[] | select(.name == $p) | .mac'
}
# port_mtu LAB NODE PORT: the MTU routerd reports for one of its ports.
port_mtu() {
	"$HOPCTL" -j "$1/$2" show ports | head -n 1 | jq -r --arg p "$3" '.[] | select(.name == $p) | .mtu'
}
port_mtu_is() { [[ $(port_mtu "$1" "$2" "$3") == "$4" ]]; }
counter_above() { (($(counter "$1" "$2" "$3") > $4)); }
listening() { on "$1" "$2" ss -Hltn "sport = :$3" | grep -q LISTEN; }

# transfer LAB: 10 MB from hA to hB over TCP with nc; the sha256 must match.
transfer() {
	local lab=$1 dir=$BATS_TEST_TMPDIR server
	head -c 10485760 /dev/urandom >"$dir/sent"
	on "$lab" hB timeout 60 nc -l 5001 >"$dir/received" &
	server=$!
	wait_until 5 listening "$lab" hB 5001
	run on "$lab" hA timeout 60 nc -N 10.0.2.20 5001 <"$dir/sent"
	assert_success
	wait "$server"
	[[ $(sha256sum <"$dir/sent") == "$(sha256sum <"$dir/received")" ]] ||
		fail "sha256 differs: sent $(wc -c <"$dir/sent") bytes, received $(wc -c <"$dir/received")"
}

@test "hosts on two subnets ping each other through routerd; the TTL is one less" {
	local ttl
	ttl=$(on "$ONE" hB sysctl -n net.ipv4.ip_default_ttl)
	run on "$ONE" hA ping -c 3 -i 0.2 -W 2 10.0.2.20
	assert_success
	assert_output --partial "3 packets transmitted, 3 received, 0% packet loss"
	assert_output --partial "64 bytes from 10.0.2.20: icmp_seq=1 ttl=$((ttl - 1)) "
	ttl=$(on "$ONE" hA sysctl -n net.ipv4.ip_default_ttl)
	run on "$ONE" hB ping -c 3 -i 0.2 -W 2 10.0.1.10
	assert_success
	assert_output --partial "64 bytes from 10.0.1.10: icmp_seq=1 ttl=$((ttl - 1)) "
}

@test "routerd answers ping on each of its addresses" {
	local addr host
	for host in hA hB; do
		for addr in 10.0.1.1 10.0.2.1; do
			run on "$ONE" "$host" ping -c 2 -i 0.2 -W 2 "$addr"
			assert_success
			assert_output --partial "64 bytes from $addr: icmp_seq=1 ttl=64"
			refute_output --partial "DIFFERENT ADDRESS"
		done
	done
}

@test "tcpdump on both sides: MACs rewritten by the router, IP addresses the same" {
	local dir=$BATS_TEST_TMPDIR ha_mac hb_mac r1_eth0 r1_eth1 a b
	ha_mac=$(mac_of "$ONE" hA)
	hb_mac=$(mac_of "$ONE" hB)
	r1_eth0=$(port_mac "$ONE" r1 eth0)
	r1_eth1=$(port_mac "$ONE" r1 eth1)
	on "$ONE" hA timeout 20 tcpdump -l -n -e -c 1 -i eth0 'icmp[icmptype] == icmp-echo' \
		>"$dir/a" 2>"$dir/a.err" &
	a=$!
	on "$ONE" hB timeout 20 tcpdump -l -n -e -c 1 -i eth0 'icmp[icmptype] == icmp-echo' \
		>"$dir/b" 2>"$dir/b.err" &
	b=$!
	wait_until 10 grep -q "listening on" "$dir/a.err"
	wait_until 10 grep -q "listening on" "$dir/b.err"
	run on "$ONE" hA ping -c 1 -W 2 10.0.2.20
	assert_success
	wait "$a" "$b"
	run cat "$dir/a"
	assert_output --regexp "$ha_mac > $r1_eth0, .* 10\.0\.1\.10 > 10\.0\.2\.20: ICMP echo request"
	run cat "$dir/b"
	assert_output --regexp "$r1_eth1 > $hb_mac, .* 10\.0\.1\.10 > 10\.0\.2\.20: ICMP echo request"
}

@test "Linux traceroute lists the router as hop 1 and the far host as hop 2" {
	run on "$ONE" hA traceroute -n -w 2 -q 1 -m 5 10.0.2.20
	assert_success
	assert_line --regexp '^ 1  10\.0\.1\.1  '
	assert_line --regexp '^ 2  10\.0\.2\.20  '
	refute_line --regexp '^ 3 '
}

@test "ping -t 1 across the router gets Time to live exceeded from it" {
	run on "$ONE" hA ping -c 1 -t 1 -W 2 10.0.2.20
	assert_failure
	assert_output --partial "From 10.0.1.1 icmp_seq=1 Time to live exceeded"
}

@test "a destination with no route gets Destination Net Unreachable" {
	run on "$ONE" hA ping -c 1 -W 2 192.0.2.1
	assert_failure
	assert_output --partial "From 10.0.1.1 icmp_seq=1 Destination Net Unreachable"
}

@test "an address on a connected subnet that nobody answers gets Destination Host Unreachable" {
	run on "$ONE" hA ping -c 1 -W 8 10.0.2.99
	assert_failure
	assert_output --partial "From 10.0.1.1 icmp_seq=1 Destination Host Unreachable"
	# The router's own ping reports it the same way, and exits 1.
	run r1 ping -c 1 10.0.2.98
	assert_failure 1
	assert_output --partial "From 10.0.2.1 icmp_seq=1 Destination Host Unreachable"
	assert_output --partial "1 packets transmitted, 0 received, +1 errors, 100% packet loss"
}

@test "routerd pings its own addresses" {
	for dst in 10.0.1.1 10.0.2.1; do
		run r1 ping -c 3 -i 0.05 "$dst"
		assert_success
		assert_line --regexp '^3 packets transmitted, 3 received, 0% packet loss'
	done
}

@test "a 3000-byte ping to the router is reassembled and answered" {
	local before
	before=$(counter "$ONE" r1 reass_ok)
	run on "$ONE" hA ping -c 2 -i 0.2 -W 2 -s 3000 10.0.1.1
	assert_success
	assert_output --partial "3008 bytes from 10.0.1.1: icmp_seq=1 ttl=64"
	counter_above "$ONE" r1 reass_ok "$before"
}

@test "routerd pings in iputils style" {
	run r1 ping -c 3 -i 0.2 10.0.2.20
	assert_success
	assert_line "PING 10.0.2.20 (10.0.2.20) 56(84) bytes of data."
	assert_line --regexp '^64 bytes from 10\.0\.2\.20: icmp_seq=1 ttl=64 time=[0-9.]+ ms$'
	assert_line "--- 10.0.2.20 ping statistics ---"
	assert_line --regexp '^3 packets transmitted, 3 received, 0% packet loss, time [0-9]+ms$'
	assert_line --regexp '^rtt min/avg/max/mdev = [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms$'
	run r1 ping -c 1 -s 70000 10.0.2.20
	assert_failure 2
}

@test "mtu 1000: DF gets Frag needed (mtu = 1000); without DF routerd fragments and the ping is answered" {
	local before
	# conf/two-routers.lab gives the r1 - r2 link 'mtu 1000'; routerd takes
	# its ports' MTU from the links.
	port_mtu_is "$TWO" r1 eth1 1000
	port_mtu_is "$TWO" r2 eth0 1000
	port_mtu_is "$TWO" r1 eth0 1500
	on "$TWO" hA ip route flush cache
	before=$(counter "$TWO" r1 fragmented)
	run on "$TWO" hA ping -c 2 -i 0.2 -W 2 -s 1400 -M dont 10.0.2.20
	assert_success
	assert_output --partial "1408 bytes from 10.0.2.20: icmp_seq=1 ttl=62"
	counter_above "$TWO" r1 fragmented "$before"
	counter_above "$TWO" r2 fragmented 0
	run on "$TWO" hA ping -c 1 -W 2 -s 1400 -M "do" 10.0.2.20
	assert_failure
	assert_output --partial "From 10.0.1.1 icmp_seq=1 Frag needed and DF set (mtu = 1000)"
	on "$TWO" hA ip route flush cache
}

@test "show ip, show arp and show route (and -j) report what the router knows" {
	local ha_mac r1_eth0 reason
	ha_mac=$(mac_of "$ONE" hA)
	r1_eth0=$(port_mac "$ONE" r1 eth0)
	run on "$ONE" hA ping -c 1 -W 2 10.0.2.20
	assert_success

	run r1 show ip
	assert_success
	assert_line --regexp "^port +addr +mac"
	assert_line --regexp "^eth0 +10\.0\.1\.1/24 +$r1_eth0"
	assert_line --regexp "^eth1 +10\.0\.2\.1/24 +"
	run bash -c "'$HOPCTL' -j '$ONE/r1' show ip | head -n 1 | jq -r '.[] | \"\(.port) \(.addr) \(.mac)\"'"
	assert_line "eth0 10.0.1.1/24 $r1_eth0"

	run r1 show arp
	assert_success
	assert_line --regexp "^ip +mac +port +state +age"
	assert_line --regexp "^10\.0\.1\.10 +$ha_mac +eth0 +(reachable|stale|probe) +[0-9]+"
	run bash -c "'$HOPCTL' -j '$ONE/r1' show arp | head -n 1 | jq -r '.[] | select(.ip == \"10.0.1.10\") | \"\(.mac) \(.port)\"'"
	assert_output "$ha_mac eth0"

	run r1 show route
	assert_success
	assert_line --regexp "^prefix +via +port +kind"
	assert_line --regexp "^10\.0\.1\.0/24 +- +eth0 +connected"
	assert_line --regexp "^10\.0\.2\.0/24 +- +eth1 +connected"
	run bash -c "'$HOPCTL' -j '$ONE/r1' show route | head -n 1 | jq -r '.[] | \"\(.prefix) \(.via) \(.port) \(.kind)\"'"
	assert_line "10.0.1.0/24 null eth0 connected"

	run "$HOPCTL" "$TWO/r1" show route
	assert_line --regexp "^10\.0\.2\.0/24 +10\.0\.12\.2 +eth1 +static"

	run r1 show stats
	assert_success
	for reason in eth_truncated ip_truncated ip_bad_version ip_bad_ihl \
		ip_bad_total_length ip_bad_checksum ip_martian_src ttl_exceeded \
		no_route frag_needed ip_unresolved; do
		assert_line --regexp "^$reason: [0-9]+"
	done
}

@test "a static route added at run time is used, removed, and bad routes are refused" {
	on "$ONE" hB ip addr add 192.0.2.20/32 dev lo
	run on "$ONE" hA ping -c 1 -W 2 192.0.2.20
	assert_output --partial "Destination Net Unreachable"

	run r1 route add 192.0.2.0/24 via 10.0.2.20
	assert_success
	run r1 show route
	assert_line --regexp "^192\.0\.2\.0/24 +10\.0\.2\.20 +eth1 +static"
	run on "$ONE" hA ping -c 2 -i 0.2 -W 2 192.0.2.20
	assert_success
	assert_output --partial "64 bytes from 192.0.2.20: icmp_seq=1 ttl=63"

	run r1 route del 192.0.2.0/24
	assert_success
	run r1 show route
	refute_output --partial "192.0.2.0/24"
	run on "$ONE" hA ping -c 1 -W 2 192.0.2.20
	assert_failure
	assert_output --partial "Destination Net Unreachable"

	run r1 route add 192.0.2.0/24 via 10.9.9.9
	assert_failure 1
	assert_output --partial "gateway not on a connected subnet"
	run r1 route add 192.0.2.1/24 via 10.0.2.20
	assert_failure 1
	assert_output --partial "host bits set"
	run r1 route add 192.0.2.0/33 via 10.0.2.20
	assert_failure 2
	assert_output --partial "bad prefix"
	run r1 route add 192.0.2.0/24 dev nosuch0
	assert_failure 1
	assert_output --partial "no port 'nosuch0'"
	run r1 route add 10.0.1.0/24 via 10.0.2.20
	assert_failure 1
	assert_output --partial "exists"
	run r1 route add 192.0.2.0/24 via
	assert_failure 2
	run r1 route del 198.51.100.0/24
	assert_failure 1
	run r1 route del 10.0.1.0/24
	assert_failure 1
	run r1 show route
	refute_output --partial "192.0.2.0/24"
	on "$ONE" hB ip addr del 192.0.2.20/32 dev lo
}

@test "addr add and del at run time bring their connected route with them" {
	local out=$BATS_TEST_TMPDIR/garp.txt
	# The new address is announced with a gratuitous ARP on its link.
	on "$ONE" hB timeout 10 tcpdump -l -n -i eth0 -c 1 'arp and host 10.0.3.1' \
		>"$out" 2>"$out.err" &
	local dump=$!
	wait_until 5 grep -q "listening on" "$out.err"
	run r1 addr add eth1 10.0.3.1/24
	assert_success
	wait "$dump"
	run cat "$out"
	assert_output --regexp 'ARP, Request who-has 10\.0\.3\.1 tell 10\.0\.3\.1'
	run r1 show route
	assert_line --regexp "^10\.0\.3\.0/24 +- +eth1 +connected"
	run r1 addr add eth1 10.0.3.0/24
	assert_failure 1
	run r1 addr del eth1 10.0.3.1/24
	assert_success
	run r1 show route
	refute_output --partial "10.0.3.0/24"
	run r1 addr add nosuch0 10.0.4.1/24
	assert_failure 1
}

@test "10 MB over TCP through one router arrives with the same sha256" {
	transfer "$ONE"
}

@test "10 MB over TCP through two routers with static routes arrives with the same sha256" {
	run on "$TWO" hA ping -c 1 -W 2 10.0.2.20
	assert_success
	assert_output --partial "ttl=62"
	transfer "$TWO"
}

@test "a datagram with a bad header checksum is not forwarded" {
	local dir=$BATS_TEST_TMPDIR ha_mac r1_eth0 before_bad before_fwd b
	[[ -x $PKTINJECT ]] || fail "pktinject not built"
	ha_mac=$(mac_of "$ONE" hA)
	r1_eth0=$(port_mac "$ONE" r1 eth0)
	# Make sure r1 knows hB, so a forwarded datagram would leave at once.
	run on "$ONE" hA ping -c 1 -W 2 10.0.2.20
	assert_success
	on "$ONE" hB timeout 20 tcpdump -l -n -i eth0 'udp port 9' >"$dir/b" 2>"$dir/b.err" &
	b=$!
	wait_until 10 grep -q "listening on" "$dir/b.err"
	before_bad=$(counter "$ONE" r1 ip_bad_checksum)
	before_fwd=$(counter "$ONE" r1 forwarded)
	on "$ONE" hA "$PKTINJECT" -i eth0 -c 3 \
		"$(ipv4_udp_frame "$r1_eth0" "$ha_mac" 10.0.1.10 10.0.2.20 bad)"
	wait_until 5 counter_above "$ONE" r1 ip_bad_checksum $((before_bad + 2))
	[[ $(counter "$ONE" r1 forwarded) == "$before_fwd" ]]
	# The same datagram with a good checksum does get through, once.
	on "$ONE" hA "$PKTINJECT" -i eth0 \
		"$(ipv4_udp_frame "$r1_eth0" "$ha_mac" 10.0.1.10 10.0.2.20)"
	wait_until 5 grep -q "10.0.1.10.9 > 10.0.2.20.9: UDP, length 6" "$dir/b"
	kill "$b" 2>/dev/null || true
	wait "$b" || true
	run grep -c "UDP, length 6" "$dir/b"
	assert_output 1
}

@test "thousands of random and truncated frames do not stop routerd" {
	local r1_eth0 r1_eth1 before
	[[ -x $PKTINJECT ]] || fail "pktinject not built"
	r1_eth0=$(port_mac "$ONE" r1 eth0)
	r1_eth1=$(port_mac "$ONE" r1 eth1)
	before=$(counter "$ONE" r1 rx_frames)
	# Random frames to the router's MAC as IPv4 and as ARP, broadcast
	# ARP, short frames, and random EtherTypes, on both sides.
	on "$ONE" hA "$PKTINJECT" -i eth0 -r 3000 -s 1 -d "$r1_eth0" -t 0800
	on "$ONE" hA "$PKTINJECT" -i eth0 -r 2000 -s 2 -d "$r1_eth0" -t 0806
	on "$ONE" hA "$PKTINJECT" -i eth0 -r 2000 -s 3 -d ff:ff:ff:ff:ff:ff -t 0806
	on "$ONE" hB "$PKTINJECT" -i eth0 -r 2000 -s 4 -d "$r1_eth1" -m 40
	on "$ONE" hB "$PKTINJECT" -i eth0 -r 2000 -s 5 -d "$r1_eth1"
	# The switches on the way drop part of them (group source MACs, runts).
	wait_until 10 counter_above "$ONE" r1 rx_frames $((before + 3000))
	run on "$ONE" hA ping -c 2 -i 0.2 -W 2 10.0.2.20
	assert_success
	run on "$ONE" hA ping -c 1 -W 2 10.0.1.1
	assert_success
	counter_above "$ONE" r1 ip_truncated 0
	counter_above "$ONE" r1 ip_bad_version 0
}

@test "routerd rate-limits its ICMP errors: of 1000 datagrams to no route, at most its budget get an answer" {
	local ha_mac r1_eth0 t0 ms frames sent limited suppressed unreach budget
	[[ -x $PKTINJECT ]] || fail "pktinject not built"
	ha_mac=$(mac_of "$ONE" hA)
	r1_eth0=$(port_mac "$ONE" r1 eth0)
	# r1 knows hA, so every error it lets through leaves at once.
	run on "$ONE" hA ping -c 1 -W 2 10.0.1.1
	assert_success
	frames=$(counter "$ONE" r1 no_route)
	sent=$(counter "$ONE" r1 icmp_errors_sent)
	limited=$(counter "$ONE" r1 icmp_errors_rate_limited)
	suppressed=$(counter "$ONE" r1 icmp_errors_not_allowed)
	unreach=$(icmp_in "$ONE" hA InDestUnreachs)
	t0=$(_now_us)
	on "$ONE" hA "$PKTINJECT" -i eth0 -c 1000 \
		"$(ipv4_udp_frame "$r1_eth0" "$ha_mac" 10.0.1.10 192.0.2.1)"
	# A ping behind the burst: once it is answered, r1 has been through
	# every frame of the burst that reached it.
	run on "$ONE" hA ping -c 1 -W 5 10.0.1.1
	assert_success
	ms=$(elapsed_ms "$t0")
	frames=$(($(counter "$ONE" r1 no_route) - frames))
	sent=$(($(counter "$ONE" r1 icmp_errors_sent) - sent))
	limited=$(($(counter "$ONE" r1 icmp_errors_rate_limited) - limited))
	suppressed=$(($(counter "$ONE" r1 icmp_errors_not_allowed) - suppressed))
	# IPNODE_ICMP_BURST (50) at once, then IPNODE_ICMP_RATE (100) a second.
	budget=$((50 + 100 * ms / 1000 + 1))
	((frames > budget + 100)) || fail "only $frames frames reached r1 in $ms ms: too few to test a budget of $budget"
	((sent >= 1 && sent <= budget)) || fail "$sent errors sent for $frames datagrams in $ms ms (budget $budget)"
	((sent + limited == frames)) || fail "$sent sent + $limited rate-limited != $frames datagrams"
	((suppressed == 0)) || fail "$suppressed errors suppressed"
	# And hA received just as many, no more.
	wait_until 5 icmp_in_is "$ONE" hA InDestUnreachs $((unreach + sent))
	# The bucket fills again: a second later errors are answered again.
	wait_until 5 bash -c "ip netns exec '$ONE-hA' ping -c 1 -W 1 192.0.2.1 | grep -q 'Destination Net Unreachable'"
}

@test "route add PREFIX dev PORT: a static route on that port, and routerd ARPs for the destination itself" {
	local hb_mac
	hb_mac=$(mac_of "$ONE" hB)
	on "$ONE" hB ip addr add 198.51.100.20/24 dev eth0
	run r1 route add 198.51.100.0/24 dev eth1
	assert_success
	run r1 show route
	assert_line --regexp '^198\.51\.100\.0/24 +- +eth1 +static$'
	run bash -c "'$HOPCTL' -j '$ONE/r1' show route | head -n 1 | jq -r '.[] | select(.prefix == \"198.51.100.0/24\") | \"\(.via) \(.port) \(.kind)\"'"
	assert_output "null eth1 static"
	run on "$ONE" hA ping -c 2 -i 0.2 -W 2 198.51.100.20
	assert_success
	assert_output --partial "64 bytes from 198.51.100.20: icmp_seq=1 ttl=63"
	# No gateway: r1 asked for 198.51.100.20 itself, on eth1, and hB answered.
	run bash -c "'$HOPCTL' -j '$ONE/r1' show arp | head -n 1 | jq -r '.[] | select(.ip == \"198.51.100.20\") | \"\(.mac) \(.port)\"'"
	assert_output "$hb_mac eth1"
	run r1 route del 198.51.100.0/24
	assert_success
	run on "$ONE" hA ping -c 1 -W 2 198.51.100.20
	assert_failure
	assert_output --partial "Destination Net Unreachable"
	on "$ONE" hB ip addr del 198.51.100.20/24 dev eth0
}

@test "capture start and stop on routerd: a pcap per port, MACs rewritten between them, nothing after stop" {
	local dir=$HOPLAB_RUN_ROOT/$ONE/capture ha_mac hb_mac r1_eth0 r1_eth1 size
	ha_mac=$(mac_of "$ONE" hA)
	hb_mac=$(mac_of "$ONE" hB)
	r1_eth0=$(port_mac "$ONE" r1 eth0)
	r1_eth1=$(port_mac "$ONE" r1 eth1)
	rm -f "$dir"/r1-*.pcap
	run r1 capture start
	assert_success
	assert_line --regexp "^eth0 +$dir/r1-eth0\.pcap$"
	assert_line --regexp "^eth1 +$dir/r1-eth1\.pcap$"
	run on "$ONE" hA ping -c 2 -i 0.2 -W 2 10.0.2.20
	assert_success
	run r1 capture stop
	assert_success
	run tcpdump -n -e -r "$dir/r1-eth0.pcap" icmp
	assert_success
	assert_line --regexp "$ha_mac > $r1_eth0, .* 10\.0\.1\.10 > 10\.0\.2\.20: ICMP echo request, id [0-9]+, seq 2,"
	assert_line --regexp "$r1_eth0 > $ha_mac, .* 10\.0\.2\.20 > 10\.0\.1\.10: ICMP echo reply, id [0-9]+, seq 2,"
	run tcpdump -n -e -r "$dir/r1-eth1.pcap" icmp
	assert_success
	assert_line --regexp "$r1_eth1 > $hb_mac, .* 10\.0\.1\.10 > 10\.0\.2\.20: ICMP echo request, id [0-9]+, seq 2,"
	assert_line --regexp "$hb_mac > $r1_eth1, .* 10\.0\.2\.20 > 10\.0\.1\.10: ICMP echo reply, id [0-9]+, seq 2,"
	# Stopped: the files no longer grow.
	size=$(stat -c %s "$dir/r1-eth0.pcap")
	run on "$ONE" hA ping -c 1 -W 2 10.0.2.20
	assert_success
	[[ $(stat -c %s "$dir/r1-eth0.pcap") == "$size" ]]
	# One port only.
	run r1 capture start eth1
	assert_success
	assert_line --regexp "^eth1 +$dir/r1-eth1\.pcap$"
	refute_output --partial "r1-eth0.pcap"
	run r1 capture stop
	assert_success
	run r1 capture start nosuch0
	assert_failure 1
	assert_output --partial "no port 'nosuch0'"
}

@test "routerd ping -t 1 through another router gets Time to live exceeded from it; -W 1 gives up after 1 s" {
	run "$HOPCTL" "$TWO/r1" ping -c 1 -t 1 10.0.2.20
	assert_failure 1
	assert_line "From 10.0.12.2 icmp_seq=1 Time to live exceeded"
	assert_line --regexp '^1 packets transmitted, 0 received, \+1 errors, 100% packet loss'
	run "$HOPCTL" "$TWO/r1" ping -c 1 -t 2 10.0.2.20
	assert_success
	assert_line --regexp '^64 bytes from 10\.0\.2\.20: icmp_seq=1 ttl=63 '

	# hB ignores echo requests: no reply and no error, so ping waits -W
	# seconds for the last reply (10 without -W) and reports the loss.
	local t0 ms
	on "$ONE" hB sysctl -qw net.ipv4.icmp_echo_ignore_all=1
	t0=$(_now_us)
	run r1 ping -c 1 -W 1 10.0.2.20
	ms=$(elapsed_ms "$t0")
	on "$ONE" hB sysctl -qw net.ipv4.icmp_echo_ignore_all=0
	assert_failure 1
	assert_line --regexp '^1 packets transmitted, 0 received, 100% packet loss'
	((ms >= 900 && ms < 5000)) || fail "ping -W 1 took $ms ms"
}

@test "route load: a thousand routes from a file go through the DIR-24-8 index; replace and del at run time" {
	local file=$BATS_TEST_TMPDIR/routes i j
	# 512 /24s of 198.18.0.0/15, longer prefixes inside one of them, and
	# the route to the test address: past 256 routes, lookups use the index.
	for i in 18 19; do
		for j in $(seq 0 255); do
			echo "198.$i.$j.0/24 10.0.2.20"
		done
	done >"$file"
	printf '%s\n' "# longer ones" "198.18.5.128/25 10.0.2.20" \
		"198.18.5.7/32 10.0.2.20" "192.0.2.0/24 10.0.2.20" >>"$file"
	on "$ONE" hB ip addr add 192.0.2.20/32 dev lo

	run r1 route load "$file"
	assert_success
	assert_output "routes: 515"
	run counter "$ONE" r1 fib_tbl8
	assert_output 1
	counter_above "$ONE" r1 fib_bytes 0
	run on "$ONE" hA ping -c 2 -i 0.2 -W 2 192.0.2.20
	assert_success
	assert_output --partial "64 bytes from 192.0.2.20: icmp_seq=1 ttl=63"

	# A more specific route shadows the /24; deleting it brings it back.
	run r1 route add 192.0.2.0/25 via 10.0.2.99
	assert_success
	run on "$ONE" hA ping -c 1 -W 5 192.0.2.20
	assert_failure
	assert_output --partial "Destination Host Unreachable"
	run r1 route del 192.0.2.0/25
	assert_success
	run on "$ONE" hA ping -c 1 -W 2 192.0.2.20
	assert_success

	run r1 route replace 192.0.2.0/24 via 10.0.2.99
	assert_success
	run r1 show route
	assert_line --regexp "^192\.0\.2\.0/24 +10\.0\.2\.99 +eth1 +static"
	run r1 route replace 192.0.2.0/24 via 10.0.2.20
	assert_success
	run on "$ONE" hA ping -c 1 -W 2 192.0.2.20
	assert_success
	run r1 route replace 10.0.1.0/24 via 10.0.2.20
	assert_failure 1
	assert_output --partial "a connected route goes with its address"

	# A bad line: nothing of the file is added, and the line is named.
	printf '%s\n' "203.0.113.0/24 10.0.2.20" "# comment" \
		"203.0.114.0/24 10.9.9.9" >"$file.bad"
	run r1 route load "$file.bad"
	assert_failure 1
	assert_output --partial "route load $file.bad:3: gateway not on a connected subnet"
	run r1 show route
	refute_output --partial "203.0.113.0/24"
	run r1 route load "$file"
	assert_failure 1
	assert_output --partial ":1: a route for that prefix exists"
	run r1 route load "$BATS_TEST_TMPDIR/nosuch"
	assert_failure 1

	run r1 route del 192.0.2.0/24
	assert_success
	run on "$ONE" hA ping -c 1 -W 2 192.0.2.20
	assert_failure
	assert_output --partial "Destination Net Unreachable"
	on "$ONE" hB ip addr del 192.0.2.20/32 dev lo
}
