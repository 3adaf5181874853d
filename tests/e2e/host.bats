#!/usr/bin/env bats
# End-to-end tests of hostd, each feature
# against real Linux stacks in network namespaces.  Two labs are brought up
# once for the file:
#
#   SEG    hA(host) hB(host) lA(linux) on one switch: no router needed
#   RT     hA(host) - sw1 - r1(router) - sw2 - hB(host), lB(linux)
#
# Needs root.

load helpers

PKTINJECT=${HOPLAB_BIN_DIR%/bin}/tools/pktinject
[[ -x $PKTINJECT ]] || PKTINJECT=$REPO_ROOT/build/san/tools/pktinject
UDP_ECHO=${HOPLAB_BIN_DIR%/bin}/tools/udp_echo
[[ -x $UDP_ECHO ]] || UDP_ECHO=$REPO_ROOT/build/san/tools/udp_echo

setup_file() {
	SEG=$(lab_name hseg)
	RT=$(lab_name hrt)
	export SEG RT
	cat >"$BATS_FILE_TMPDIR/seg.lab" <<EOF2
lab $SEG
node hA host
node hB host
node lA linux
node sw1 switch
link hA:eth0 sw1:p1
link hB:eth0 sw1:p2
link lA:eth0 sw1:p3
addr hA:eth0 10.0.1.10/24
addr hB:eth0 10.0.1.11/24
addr lA:eth0 10.0.1.2/24
EOF2
	cat >"$BATS_FILE_TMPDIR/rt.lab" <<EOF2
lab $RT
node hA host
node sw1 switch
node r1 router
node sw2 switch
node hB host
node lB linux
link hA:eth0 sw1:p1
link sw1:p2 r1:eth0
link r1:eth1 sw2:p1
link sw2:p2 hB:eth0
link sw2:p3 lB:eth0
addr hA:eth0 10.0.1.10/24
route hA default via 10.0.1.1
addr r1:eth0 10.0.1.1/24
addr r1:eth1 10.0.2.1/24
addr hB:eth0 10.0.2.20/24
route hB default via 10.0.2.1
addr lB:eth0 10.0.2.30/24
route lB default via 10.0.2.1
EOF2
	lab_up "$BATS_FILE_TMPDIR/seg.lab"
	lab_up "$BATS_FILE_TMPDIR/rt.lab"
}

# in NODE CMD...: run CMD in a linux node of lab $LAB.
in_seg() { ip netns exec "$SEG-$1" "${@:2}"; }
in_rt() { ip netns exec "$RT-$1" "${@:2}"; }

# mac_of LAB NODE: the MAC of a hostd node's eth0, from show ip.
mac_of() {
	"$HOPCTL" -j "$1/$2" show ip | head -1 | sed 's/.*"mac":"\([^"]*\)".*/\1/'
}

# ---------------------------------------------------------------------------
# ping between hostd nodes across switch - router - switch

@test "hopctl ping between two hostd nodes across the router" {
	run "$HOPCTL" "$RT/hA" ping -c 3 -i 0.2 10.0.2.20
	assert_success
	assert_line --index 0 "PING 10.0.2.20 (10.0.2.20) 56(84) bytes of data."
	assert_line --regexp '^64 bytes from 10\.0\.2\.20: icmp_seq=1 ttl=63 time=[0-9.]+ ms$'
	assert_line --regexp '^64 bytes from 10\.0\.2\.20: icmp_seq=3 ttl=63 time=[0-9.]+ ms$'
	assert_line "--- 10.0.2.20 ping statistics ---"
	assert_line --regexp '^3 packets transmitted, 3 received, 0% packet loss, time [0-9]+ms$'
	assert_line --regexp '^rtt min/avg/max/mdev = [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms$'
}

@test "hostd answers itself through its loopback: its own address and 127.0.0.1" {
	local before
	before=$("$HOPCTL" -j "$SEG/hA" show stats | head -n 1 | jq .ip_loopback)
	for dst in 10.0.1.10 127.0.0.1; do
		run "$HOPCTL" "$SEG/hA" ping -c 3 -i 0.05 "$dst"
		assert_success
		assert_line --regexp "^64 bytes from $dst: icmp_seq=3 ttl=64 time="
		assert_line --regexp '^3 packets transmitted, 3 received, 0% packet loss'
	done
	run "$HOPCTL" "$SEG/hA" ping -c 1 -s 5000 10.0.1.10
	assert_success
	assert_line --regexp '^5008 bytes from 10\.0\.1\.10: icmp_seq=1 '
	run "$HOPCTL" "$SEG/hA" traceroute 10.0.1.10
	assert_success
	assert_line --regexp '^ 1  10\.0\.1\.10  '
	[ "$("$HOPCTL" -j "$SEG/hA" show stats | head -n 1 | jq .ip_loopback)" -gt "$before" ]
	# UDP to itself, with checksums right for the loopback source.
	local out=$BATS_TEST_TMPDIR/self.out
	timeout 10 "$HOPCTL" "$SEG/hA" udp listen 7100 -c 2 >"$out" &
	local listener=$!
	wait_until 5 bash -c "'$HOPCTL' '$SEG/hA' show sockets | grep -q ':7100 '"
	run "$HOPCTL" "$SEG/hA" udp send 127.0.0.1 7100 via loopback
	assert_success
	run "$HOPCTL" "$SEG/hA" udp send 10.0.1.10 7100 via own address
	assert_success
	wait "$listener"
	run cat "$out"
	assert_line "via loopback"
	assert_line "via own address"
}

@test "hopctl ping exits 1 when nothing answers" {
	run "$HOPCTL" "$RT/hA" ping -c 2 -i 0.2 -W 1 10.0.2.99
	assert_failure 1
	assert_line --regexp '^2 packets transmitted, 0 received'
}

@test "hopctl ping to a segment nobody answers on exits 1" {
	run "$HOPCTL" "$SEG/hA" ping -c 1 -W 1 10.0.1.99
	assert_failure 1
	assert_line --regexp '^1 packets transmitted, 0 received'
}

# ---------------------------------------------------------------------------
# Linux <-> hostd

@test "Linux pings hostd on its own segment" {
	run in_seg lA ping -c 3 -i 0.2 -W 2 10.0.1.10
	assert_success
	assert_output --partial "3 packets transmitted, 3 received, 0% packet loss"
}

@test "Linux pings hostd across the router" {
	run in_rt lB ping -c 3 -i 0.2 -W 2 10.0.1.10
	assert_success
	assert_output --partial "3 packets transmitted, 3 received, 0% packet loss"
	assert_output --partial "ttl=63"
}

@test "hostd pings a Linux host, on its segment and across the router" {
	run "$HOPCTL" "$SEG/hA" ping -c 2 -i 0.2 10.0.1.2
	assert_success
	assert_line --regexp '^64 bytes from 10\.0\.1\.2: icmp_seq=1 ttl=64 '
	run "$HOPCTL" "$RT/hA" ping -c 2 -i 0.2 10.0.2.30
	assert_success
	assert_line --regexp '^64 bytes from 10\.0\.2\.30: icmp_seq=1 ttl=63 '
}

@test "3000-byte pings fragment and reassemble in both directions" {
	run in_seg lA ping -c 2 -i 0.2 -s 3000 -W 2 10.0.1.10
	assert_success
	assert_output --partial "3008 bytes from 10.0.1.10"
	assert_output --partial "2 received"
	run "$HOPCTL" "$SEG/hA" ping -c 2 -i 0.2 -s 3000 10.0.1.2
	assert_success
	assert_line --regexp '^3008 bytes from 10\.0\.1\.2: icmp_seq=1 '
	run "$HOPCTL" -j "$SEG/hA" show stats
	assert_output --regexp '"ip_frag_created":[1-9]'
	assert_output --regexp '"reass_ok":[1-9]'
}

@test "3000-byte pings across the router, hostd to Linux and back" {
	run "$HOPCTL" "$RT/hA" ping -c 2 -i 0.2 -s 3000 10.0.2.30
	assert_success
	assert_output --partial "2 received"
	run in_rt lB ping -c 2 -i 0.2 -s 3000 -W 2 10.0.1.10
	assert_success
	assert_output --partial "2 received"
}

@test "traceroute lists the router, then the destination" {
	run "$HOPCTL" "$RT/hA" traceroute 10.0.2.20
	assert_success
	assert_line --index 0 --partial "traceroute to 10.0.2.20 (10.0.2.20)"
	assert_line --index 1 --regexp '^ 1  10\.0\.1\.1  [0-9.]+ ms'
	assert_line --index 2 --regexp '^ 2  10\.0\.2\.20  [0-9.]+ ms'
	assert_equal "${#lines[@]}" 3
}

# ---------------------------------------------------------------------------
# UDP

@test "udp send from hostd reaches nc -u -l on Linux" {
	local out=$BATS_TEST_TMPDIR/nc.out
	in_seg lA timeout 10 nc -u -l -W 1 5555 >"$out" &
	local nc=$!
	# nc binds asynchronously: send until it has the datagram.
	wait_until 5 bash -c "'$HOPCTL' '$SEG/hA' udp send 10.0.1.2 5555 hello from hostd; grep -q 'hello from hostd' '$out'"
	wait "$nc" || true
	run cat "$out"
	assert_output --partial "hello from hostd"
}

@test "udp send takes its message from stdin" {
	local out=$BATS_TEST_TMPDIR/nc.out
	in_seg lA timeout 10 nc -u -l -W 1 5556 >"$out" &
	local nc=$!
	wait_until 5 bash -c "printf 'line one\nline two\n' | '$HOPCTL' '$SEG/hA' udp send 10.0.1.2 5556; grep -q 'line two' '$out'"
	wait "$nc" || true
	run cat "$out"
	assert_output "line one
line two"
}

@test "a datagram from Linux nc -u reaches hopctl udp listen" {
	local out=$BATS_TEST_TMPDIR/listen.out
	timeout 10 "$HOPCTL" "$SEG/hB" udp listen 7777 -c 1 >"$out" &
	local listener=$!
	wait_until 5 bash -c "'$HOPCTL' '$SEG/hB' show sockets | grep -q ':7777'"
	echo "from linux" | in_seg lA nc -u -w 1 10.0.1.11 7777
	wait "$listener"
	run cat "$out"
	assert_output "from linux"
}

@test "a datagram to a closed port on hostd gets ICMP port unreachable" {
	local out=$BATS_TEST_TMPDIR/tcpdump.out
	in_seg lA timeout 10 tcpdump -l -n -i eth0 -c 1 \
		'icmp[icmptype] == icmp-unreach and icmp[icmpcode] == 3 and src host 10.0.1.10' \
		>"$out" 2>/dev/null &
	local dump=$!
	wait_until 5 bash -c "echo probe | ip netns exec '$SEG-lA' nc -u -w 1 10.0.1.10 9 2>/dev/null; grep -q unreachable '$out'"
	wait "$dump" || true
	run cat "$out"
	assert_output --partial "10.0.1.10 > 10.0.1.2: ICMP 10.0.1.10 udp port 9 unreachable"
	run "$HOPCTL" -j "$SEG/hA" show stats
	assert_output --regexp '"udp_no_port":[1-9]'
}

# ---------------------------------------------------------------------------
# show commands

@test "show arp, show route and show ip report the stack's state" {
	"$HOPCTL" "$SEG/hA" ping -c 1 10.0.1.2 >/dev/null
	run "$HOPCTL" "$SEG/hA" show arp
	assert_success
	assert_line --index 0 --regexp '^ip +mac +port +state +age$'
	assert_line --regexp '^10\.0\.1\.2 +[0-9a-f:]{17} +eth0 +(reachable|stale|probe) +[0-9]+$'
	run "$HOPCTL" -j "$SEG/hA" show arp
	assert_output --regexp '"ip":"10\.0\.1\.2","mac":"[0-9a-f:]{17}","port":"eth0"'
	run "$HOPCTL" "$SEG/hA" show route
	assert_line --regexp '^10\.0\.1\.0/24 +- +eth0 +connected$'
	run "$HOPCTL" -j "$SEG/hA" show route
	assert_output --partial '"prefix":"10.0.1.0/24"'
	run "$HOPCTL" -j "$SEG/hA" show ip
	assert_output --partial '"addr":"10.0.1.10/24"'
}

@test "route add and del change show route; bad routes are refused" {
	run "$HOPCTL" "$SEG/hA" route add 192.168.7.0/24 via 10.0.1.2
	assert_success
	run "$HOPCTL" -j "$SEG/hA" show route
	assert_output --partial '{"prefix":"192.168.7.0/24","via":"10.0.1.2","port":"eth0","kind":"static"}'
	run "$HOPCTL" "$SEG/hA" route add 192.168.8.0/24 via 172.16.0.1
	assert_failure 1
	assert_output --partial "not on a connected subnet"
	run "$HOPCTL" "$SEG/hA" route del 192.168.7.0/24
	assert_success
	run "$HOPCTL" "$SEG/hA" show route
	refute_output --partial "192.168.7.0"
}

@test "a bound UDP socket shows up in show sockets, then goes" {
	timeout 10 "$HOPCTL" "$SEG/hA" udp listen 4242 -c 1 >/dev/null &
	local listener=$!
	wait_until 5 bash -c "'$HOPCTL' '$SEG/hA' show sockets | grep -q '0.0.0.0:4242'"
	run "$HOPCTL" "$SEG/hA" show sockets
	assert_line --index 0 --regexp '^proto +state +local +remote +send_q +recv_q$'
	assert_line --regexp '^udp +bound +0\.0\.0\.0:4242 +\*:\* +0 +0$'
	run "$HOPCTL" -j "$SEG/hA" show sockets
	assert_output --partial '{"proto":"udp","state":"bound","local":"0.0.0.0:4242","remote":"*:*","send_q":0,"recv_q":0}'
	echo bye | in_seg lA nc -u -w 1 10.0.1.10 4242
	wait "$listener"
	wait_until 5 bash -c "! '$HOPCTL' '$SEG/hA' show sockets | grep -q 4242"
}

# ---------------------------------------------------------------------------
# load and hostile input

@test "200 pings at 5 ms intervals lose nothing" {
	run "$HOPCTL" "$SEG/hA" ping -c 200 -i 0.005 10.0.1.2
	assert_success
	assert_line --regexp '^200 packets transmitted, 200 received, 0% packet loss'
	run in_seg lA ping -c 200 -i 0.005 -W 2 10.0.1.10
	assert_success
	assert_output --partial "200 packets transmitted, 200 received, 0% packet loss"
}

# ipv4_frag_hex SRC_HEX DST_HEX ID FRAG PAYLOAD_LEN: a frame (without
# Ethernet addresses) carrying an IPv4 UDP fragment with a right header
# checksum; FRAG is the flags-and-offset field in hex.
ipv4_frag_hex() {
	local src=$1 dst=$2 id=$3 frag=$4 plen=$5 total sum i hdr w
	total=$((20 + plen))
	hdr=$(printf '4500%04x%04x%s4011%s%s%s' "$total" "$id" "$frag" 0000 "$src" "$dst")
	sum=0
	for ((i = 0; i < 40; i += 4)); do
		w=${hdr:i:4}
		sum=$((sum + 16#$w))
	done
	while ((sum >> 16)); do sum=$(((sum & 0xffff) + (sum >> 16))); done
	sum=$((~sum & 0xffff))
	printf '0800%s%04x%s' "${hdr:0:20}" "$sum" "${hdr:24}"
	for ((i = 0; i < plen; i++)); do printf 'ab'; done
}

# bogus_fragments HEXMAC: 1000 frames to HEXMAC, one a line, with IPv4
# fragments that are overlapping, past 65535, odd-sized with MF, and first
# fragments that never complete.
bogus_fragments() {
	local id
	for id in $(seq 1 200); do
		printf '%s\n' "$1"020000000001"$(ipv4_frag_hex 0a000102 0a00010a "$id" 2000 64)" \
			"$1"020000000001"$(ipv4_frag_hex 0a000102 0a00010a "$id" 2004 64)" \
			"$1"020000000001"$(ipv4_frag_hex 0a000102 0a00010a "$id" 2002 64)" \
			"$1"020000000001"$(ipv4_frag_hex 0a000102 0a00010a "$((id + 1000))" 3fff 64)" \
			"$1"020000000001"$(ipv4_frag_hex 0a000102 0a00010a "$((id + 2000))" 2001 13)"
	done
}

@test "random, truncated and bogus-fragment frames do not stop hostd" {
	local mac hexmac frames=()
	mac=$(mac_of "$SEG" hA)
	hexmac=${mac//:/}
	# Random frames of every kind, then random IPv4 and ARP payloads.
	in_seg lA "$PKTINJECT" -i eth0 -r 2000 -s 7 -d "$mac"
	in_seg lA "$PKTINJECT" -i eth0 -r 2000 -s 8 -d "$mac" -t 0800
	in_seg lA "$PKTINJECT" -i eth0 -r 1000 -s 9 -d "$mac" -t 0806 -m 80
	in_seg lA "$PKTINJECT" -i eth0 -r 1000 -s 10 -d ff:ff:ff:ff:ff:ff -m 20
	# Bogus fragments, built without bats' DEBUG trap, which runs on each
	# of the loop's many commands and made this test take a minute.
	mapfile -t frames < <(
		trap - DEBUG
		bogus_fragments "$hexmac"
	)
	[ "${#frames[@]}" -eq 1000 ]
	in_seg lA "$PKTINJECT" -i eth0 "${frames[@]}"
	run "$HOPCTL" -j "$SEG/hA" show stats
	assert_success
	assert_output --regexp '"reass_overlap":[1-9]'
	assert_output --regexp '"reass_too_long":[1-9]'
	assert_output --regexp '"reass_bad_fragment":[1-9]'
	assert_output --regexp '"ip_bad_checksum":[1-9]'
	run in_seg lA ping -c 2 -i 0.2 -W 2 10.0.1.10
	assert_success
	run "$HOPCTL" "$SEG/hA" ping -c 1 10.0.1.2
	assert_success
}

# ---------------------------------------------------------------------------
# hostsock

@test "a program linked with hostsock does UDP with read, write and poll" {
	local out=$BATS_TEST_TMPDIR/echo.out
	# Server on hA (framed descriptor), client on hB (connected one).
	timeout 15 "$UDP_ECHO" "$SEG/hA" serve 6000 2 >"$out" &
	local server=$!
	wait_until 5 grep -q listening "$out"
	run "$UDP_ECHO" "$SEG/hB" ask 10.0.1.10 6000 "echo me"
	assert_success
	assert_output "echo me"
	# A Linux client gets its datagram back from the same server.
	run bash -c "echo linux | ip netns exec '$SEG-lA' timeout 3 nc -u -W 1 10.0.1.10 6000"
	assert_success
	assert_output "linux"
	wait "$server"
}

@test "hostsock: a second bind of the same port is refused" {
	timeout 10 "$HOPCTL" "$SEG/hA" udp listen 4343 -c 1 >/dev/null &
	local listener=$!
	wait_until 5 bash -c "'$HOPCTL' '$SEG/hA' show sockets | grep -q ':4343'"
	run "$HOPCTL" "$SEG/hA" udp listen 4343 -c 1
	assert_failure 1
	assert_output --partial "Address already in use"
	echo x | in_seg lA nc -u -w 1 10.0.1.10 4343
	wait "$listener"
}

# ---------------------------------------------------------------------------
# ICMP error rate limit, capture, traceroute and ping options

@test "hostd rate-limits its ICMP errors: of 1000 datagrams to a closed port, at most its budget get an answer" {
	local ha_mac la_mac t0 ms dgrams sent limited unreach budget
	ha_mac=$(mac_of "$SEG" hA)
	la_mac=$(in_seg lA cat /sys/class/net/eth0/address)
	# hA knows lA, so every error it lets through leaves at once.
	run "$HOPCTL" "$SEG/hA" ping -c 1 10.0.1.2
	assert_success
	dgrams=$(counter "$SEG" hA udp_no_port)
	sent=$(counter "$SEG" hA icmp_errors_sent)
	limited=$(counter "$SEG" hA icmp_errors_rate_limited)
	unreach=$(icmp_in "$SEG" lA InDestUnreachs)
	t0=$(_now_us)
	in_seg lA "$PKTINJECT" -i eth0 -c 1000 \
		"$(ipv4_udp_frame "$ha_mac" "$la_mac" 10.0.1.2 10.0.1.10)"
	# A ping behind the burst: once it is answered, hA has been through
	# every datagram of the burst that reached it.
	run in_seg lA ping -c 1 -W 5 10.0.1.10
	assert_success
	ms=$(elapsed_ms "$t0")
	dgrams=$(($(counter "$SEG" hA udp_no_port) - dgrams))
	sent=$(($(counter "$SEG" hA icmp_errors_sent) - sent))
	limited=$(($(counter "$SEG" hA icmp_errors_rate_limited) - limited))
	# IPNODE_ICMP_BURST (50) at once, then IPNODE_ICMP_RATE (100) a second.
	budget=$((50 + 100 * ms / 1000 + 1))
	((dgrams > budget + 100)) || fail "only $dgrams datagrams reached hA in $ms ms: too few to test a budget of $budget"
	((sent >= 1 && sent <= budget)) || fail "$sent errors sent for $dgrams datagrams in $ms ms (budget $budget)"
	((sent + limited == dgrams)) || fail "$sent sent + $limited rate-limited != $dgrams datagrams"
	# And lA received just as many port unreachables, no more.
	wait_until 5 icmp_in_is "$SEG" lA InDestUnreachs $((unreach + sent))
}

@test "capture start and stop on hostd: the pcap holds the ping's echo request and reply, nothing after stop" {
	local dir=$HOPLAB_RUN_ROOT/$SEG/capture size
	rm -f "$dir/hA-eth0.pcap"
	run "$HOPCTL" "$SEG/hA" capture start
	assert_success
	assert_line --regexp "^eth0 +$dir/hA-eth0\.pcap$"
	run "$HOPCTL" "$SEG/hA" ping -c 2 -i 0.2 10.0.1.2
	assert_success
	run "$HOPCTL" "$SEG/hA" capture stop
	assert_success
	run tcpdump -n -r "$dir/hA-eth0.pcap" icmp
	assert_success
	assert_line --regexp '10\.0\.1\.10 > 10\.0\.1\.2: ICMP echo request, id [0-9]+, seq 2, length 64$'
	assert_line --regexp '10\.0\.1\.2 > 10\.0\.1\.10: ICMP echo reply, id [0-9]+, seq 2, length 64$'
	size=$(stat -c %s "$dir/hA-eth0.pcap")
	run "$HOPCTL" "$SEG/hA" ping -c 1 10.0.1.2
	assert_success
	[[ $(stat -c %s "$dir/hA-eth0.pcap") == "$size" ]]
	run "$HOPCTL" "$SEG/hA" capture start eth0
	assert_success
	assert_line --regexp "^eth0 +$dir/hA-eth0\.pcap$"
	run "$HOPCTL" "$SEG/hA" capture stop
	assert_success
	run "$HOPCTL" "$SEG/hA" capture start nosuch0
	assert_failure 1
	assert_output --partial "no port 'nosuch0'"
}

@test "traceroute -m 1 prints only the first hop, the router, and stops there" {
	local forwarded
	forwarded=$(counter "$RT" r1 forwarded)
	run "$HOPCTL" "$RT/hA" traceroute -m 1 10.0.2.20
	assert_success
	assert_line --index 0 "traceroute to 10.0.2.20 (10.0.2.20), 1 hops max, 60 byte packets"
	assert_line --index 1 --regexp '^ 1  10\.0\.1\.1  [0-9.]+ ms  [0-9.]+ ms  [0-9.]+ ms$'
	assert_equal "${#lines[@]}" 2
	# No probe went past the router.
	[[ $(counter "$RT" r1 forwarded) == "$forwarded" ]]
	run "$HOPCTL" "$RT/hA" traceroute -m 0 10.0.2.20
	assert_failure 2
	assert_output --partial "-m: 1 to 255"
}

@test "hostd ping -t 1 across the router gets Time to live exceeded from it; -W 1 gives up after 1 s" {
	run "$HOPCTL" "$RT/hA" ping -c 1 -t 1 10.0.2.20
	assert_failure 1
	assert_line "From 10.0.1.1 icmp_seq=1 Time to live exceeded"
	assert_line --regexp '^1 packets transmitted, 0 received, \+1 errors, 100% packet loss'
	run "$HOPCTL" "$RT/hA" ping -c 1 -t 2 10.0.2.20
	assert_success
	assert_line --regexp '^64 bytes from 10\.0\.2\.20: icmp_seq=1 ttl=63 '

	# lB ignores echo requests: no reply and no error, so ping waits -W
	# seconds for the last reply (10 without -W) and reports the loss.
	local t0 ms
	in_rt lB sysctl -qw net.ipv4.icmp_echo_ignore_all=1
	t0=$(_now_us)
	run "$HOPCTL" "$RT/hA" ping -c 1 -W 1 10.0.2.30
	ms=$(elapsed_ms "$t0")
	in_rt lB sysctl -qw net.ipv4.icmp_echo_ignore_all=0
	assert_failure 1
	assert_line --regexp '^1 packets transmitted, 0 received, 100% packet loss'
	((ms >= 900 && ms < 5000)) || fail "ping -W 1 took $ms ms"
}
