#!/usr/bin/env bats
# Tracing and capture filters over the seed topology (hA - sw1 - r1 - sw2
# - hB, hostd hosts): one echo request followed hop by hop through every
# daemon's show trace, a tcpdump filter that keeps only TCP to port 80,
# bad filters refused with libpcap's words, trace stop keeping its rows,
# and capture start writing only what its filter matches.  Needs root.

load helpers

NODES=(hA sw1 r1 sw2 hB)

setup_file() {
	LAB=$(lab_name trace)
	export LAB
	sed "s/^lab seed\$/lab $LAB/" "$REPO_ROOT/conf/seed.lab" \
		>"$BATS_FILE_TMPDIR/seed.lab"
	lab_up "$BATS_FILE_TMPDIR/seed.lab"
}

# trace_all ARGS...: trace start ARGS on every daemon.
trace_all() {
	local n
	for n in "${NODES[@]}"; do
		"$HOPCTL" "$LAB/$n" trace start "$@" >/dev/null || return 1
	done
}

# rows NODE: the rows of NODE's show trace, one JSON object a line.
rows() {
	"$HOPCTL" -j "$LAB/$1" show trace | head -n 1 | jq -c '.[]'
}

# echo_row NODE ID: NODE's row of the echo request with ICMP id ID.
echo_row() {
	rows "$1" | jq -c --arg id "id $2," \
		'select(.summary | test("ICMP echo request, " + $id))' | head -n 1
}

port_mac() {
	"$HOPCTL" -j "$LAB/$1" show ports | head -n 1 |
		jq -r --arg p "$2" '.[] | select(.name == $p) | .mac'
}

hostd_listening() {
	"$HOPCTL" -j "$1" show sockets | head -n 1 | jq -se --arg p ":$2" \
		'any(.[][]; .proto == "tcp" and .state == "LISTEN" and (.local | endswith($p)))' >/dev/null
}

# tsh ARGS...: tshark without its warning about running as root.
tsh() { tshark "$@" 2>/dev/null; }

@test "one ping, hop by hop: the echo request has the same key at every daemon, new MACs and one TTL less after r1" {
	local id ha sw1 r1 sw2 hb key
	# The switches learn their stations again, in the trace.
	"$HOPCTL" "$LAB/sw1" flush mac >/dev/null
	"$HOPCTL" "$LAB/sw2" flush mac >/dev/null
	trace_all
	run "$HOPCTL" "$LAB/hA" ping -c 1 10.0.2.20
	assert_success
	id=$(rows hA | jq -r 'select(.summary | test("ICMP echo request")) | .summary' |
		sed -n 's/.*id \([0-9]*\),.*/\1/p' | head -n 1)
	[ -n "$id" ]
	ha=$(echo_row hA "$id")
	sw1=$(echo_row sw1 "$id")
	r1=$(echo_row r1 "$id")
	sw2=$(echo_row sw2 "$id")
	hb=$(echo_row hB "$id")
	key=$(jq -r .key <<<"$ha")
	[[ $key =~ ^[0-9a-f]{16}$ ]]
	for row in "$sw1" "$r1" "$sw2" "$hb"; do
		[ "$(jq -r .key <<<"$row")" = "$key" ]
	done

	# hA sent it (originated: no in, no in MACs) out of eth0.
	jq -e '.in == null and .out == "eth0" and .in_src_mac == null and .proto == "icmp" and .out_ttl == 64' <<<"$ha"
	jq -e '.decision | test("ICMP echo request to 10.0.2.20")' <<<"$ha"
	# sw1 from p1 to p2 by its MAC table; a switch changes nothing.
	jq -e '.in == "p1" and .out == "p2" and .in_src_mac == .out_src_mac and .in_ttl == .out_ttl' <<<"$sw1"
	jq -e '.decision | test("forwarded to p2 by the MAC table")' <<<"$sw1"
	rows sw1 | jq -se 'any(.[]; .decision | test("learned [0-9a-f:]+ on p1"))'
	# r1 from eth0 to eth1: new MACs, the same IPs, one TTL less.
	jq -e '.in == "eth0" and .out == "eth1"' <<<"$r1"
	[ "$(jq -r .out_src_mac <<<"$r1")" = "$(port_mac r1 eth1)" ]
	[ "$(jq -r .in_dst_mac <<<"$r1")" = "$(port_mac r1 eth0)" ]
	jq -e '.in_src_mac != .out_src_mac and .out_ttl == .in_ttl - 1' <<<"$r1"
	jq -e '.src_ip == "10.0.1.10" and .dst_ip == "10.0.2.20"' <<<"$r1"
	jq -e '.decision | test("route 10.0.2.0/24 \\(connected\\) via eth1")' <<<"$r1"
	jq -e '.decision | test("TTL 64 -> 63")' <<<"$r1"
	# sw2 from p1 to p2; hB took it and answered.
	jq -e '.in == "p1" and .out == "p2"' <<<"$sw2"
	jq -e '.in == "eth0" and .out == null and .in_ttl == 63' <<<"$hb"
	jq -e '.decision == "ICMP echo request: reply sent"' <<<"$hb"
	rows hB | jq -se 'any(.[]; .in == null and .out == "eth0" and (.summary | test("echo reply")))'
	# Every row has the keys the journey reads.
	rows r1 | jq -se 'all(.[]; has("seq") and has("time") and .node == "r1" and has("in") and has("out")
		and has("key") and has("summary") and has("proto") and has("flags") and has("src_ip")
		and has("dst_ip") and has("in_src_mac") and has("in_dst_mac") and has("in_ttl")
		and has("out_src_mac") and has("out_dst_mac") and has("out_ttl") and has("decision"))'
	run counter "$LAB" r1 trace_rows
	assert_success
	((output > 0))
}

@test "trace start 'tcp port 80' records the TCP connection and nothing of a ping" {
	local d=$BATS_TEST_TMPDIR pid
	trace_all tcp port 80
	"$HOPCTL" "$LAB/hA" trace start 'tcp port 80' >/dev/null
	run "$HOPCTL" "$LAB/hA" ping -c 1 10.0.2.20
	assert_success
	"$HOPCTL" "$LAB/hB" tcp listen 80 </dev/null >"$d/got" &
	pid=$!
	wait_until 5 hostd_listening "$LAB/hB" 80
	echo hello | "$HOPCTL" "$LAB/hA" tcp connect 10.0.2.20 80 >/dev/null
	wait "$pid"
	for n in "${NODES[@]}"; do
		rows "$n" | jq -se 'length > 0 and all(.[]; .proto == "tcp")'
	done
	rows hA | jq -se 'any(.[]; .flags == "S" and .out == "eth0" and (.decision | test("sent by TCP .* -> 10.0.2.20:80 \\(SYN-SENT\\)")))'
	rows hB | jq -se 'any(.[]; .flags == "S" and .decision == "delivered to TCP 10.0.2.20:80 (LISTEN -> SYN-RECEIVED)")'
	rows r1 | jq -se 'any(.[]; .flags == "S." and .in == "eth1" and .out == "eth0")'
}

@test "a bad filter is a usage error carrying libpcap's message" {
	run "$HOPCTL" "$LAB/r1" trace start tcp port
	assert_failure 2
	assert_output --partial "syntax error"
	run "$HOPCTL" "$LAB/sw1" capture start p1 'ether host'
	assert_failure 2
	assert_output --partial "syntax error"
	run "$HOPCTL" "$LAB/hA" capture start 'icmp and'
	assert_failure 2
	assert_output --partial "syntax error"
	# One word that is neither a port nor a filter.
	run "$HOPCTL" "$LAB/hA" capture start nosuch0
	assert_failure 1
	assert_output --partial "no port 'nosuch0'"
}

@test "trace stop keeps the rows and records no more; show trace answers while it runs" {
	local before after
	trace_all icmp
	run "$HOPCTL" "$LAB/hA" ping -c 1 10.0.2.20
	assert_success
	before=$(rows r1 | wc -l)
	((before >= 2))
	run "$HOPCTL" "$LAB/r1" trace stop
	assert_success
	run "$HOPCTL" "$LAB/hA" ping -c 2 -i 0.2 10.0.2.20
	assert_success
	after=$(rows r1 | wc -l)
	[ "$after" -eq "$before" ]
	# sw1 still records, and shows it meanwhile.
	(($(rows sw1 | wc -l) >= 6))
	run "$HOPCTL" "$LAB/r1" show trace
	assert_success
	assert_line --regexp '^seq +time +node +in +out +key '
}

@test "capture start with a filter writes only what it matches, with and without a port" {
	local dir=$HOPLAB_RUN_ROOT/$LAB/capture
	run "$HOPCTL" "$LAB/r1" capture start eth1 icmp
	assert_success
	assert_output --partial "r1-eth1.pcap"
	refute_output --partial "r1-eth0.pcap"
	run "$HOPCTL" "$LAB/sw1" capture start arp
	assert_success
	assert_output --partial "sw1-p1.pcap"
	assert_output --partial "sw1-p2.pcap"
	run "$HOPCTL" "$LAB/hA" ping -c 2 -i 0.2 10.0.2.20
	assert_success
	echo x | "$HOPCTL" "$LAB/hA" udp send 10.0.2.20 7000
	"$HOPCTL" "$LAB/r1" capture stop
	"$HOPCTL" "$LAB/sw1" capture stop
	# The echo requests and replies on eth1 (and hB's port unreachable
	# about the datagram), but not the datagram itself.
	run tsh -r "$dir/r1-eth1.pcap" -T fields -e ip.src -e ip.dst -e icmp.type
	assert_success
	assert_line "$(printf '10.0.1.10\t10.0.2.20\t8')"
	assert_line "$(printf '10.0.2.20\t10.0.1.10\t0')"
	run tsh -r "$dir/r1-eth1.pcap" -Y 'not icmp'
	assert_success
	assert_output ""
	run tsh -r "$dir/r1-eth1.pcap" -Y 'icmp.type == 8'
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	run tsh -r "$dir/sw1-p2.pcap" -Y 'not arp'
	assert_success
	assert_output ""
}
