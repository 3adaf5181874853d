#!/usr/bin/env bats
# End-to-end tests of hostd's TCP, each feature
# item against the Linux kernel's TCP in network namespaces, with real
# tools: nc, tcpdump, tshark.  One lab for most of the file:
#
#   hA(host) lA(linux) --- sw1 --- r1 --- sw2 --- hB(host) lB(linux)
#   10.0.1.10  10.0.1.20        .1 | .1        10.0.2.20  10.0.2.30
#
# The path-MTU, impairment and abuse tests bring up labs of their own.
# Needs root.

load helpers

TOOLS=${HOPLAB_TOOLS:-$REPO_ROOT/build/san/tools}
TCP_ECHO=$TOOLS/tcp_echo

setup_file() {
	LAB=$(lab_name tcp)
	export LAB
	cat >"$BATS_FILE_TMPDIR/tcp.lab" <<EOF
lab $LAB
node hA host
node lA linux
node sw1 switch
node r1 router
node sw2 switch
node hB host
node lB linux
link hA:eth0 sw1:p1
link lA:eth0 sw1:p2
link sw1:p3 r1:eth0
link r1:eth1 sw2:p1
link sw2:p2 hB:eth0
link sw2:p3 lB:eth0
addr hA:eth0 10.0.1.10/24
route hA default via 10.0.1.1
addr lA:eth0 10.0.1.20/24
route lA default via 10.0.1.1
addr r1:eth0 10.0.1.1/24
addr r1:eth1 10.0.2.1/24
addr hB:eth0 10.0.2.20/24
route hB default via 10.0.2.1
addr lB:eth0 10.0.2.30/24
route lB default via 10.0.2.1
EOF
	lab_up "$BATS_FILE_TMPDIR/tcp.lab"
	# The data of the transfers, made once.
	head -c 50M /dev/urandom >"$BATS_FILE_TMPDIR/50a"
	head -c 50M /dev/urandom >"$BATS_FILE_TMPDIR/50b"
	head -c 10M /dev/urandom >"$BATS_FILE_TMPDIR/10a"
	head -c 10M /dev/urandom >"$BATS_FILE_TMPDIR/10b"
}

test_teardown() {
	# Whatever a test left running in the background.
	local pid
	for pid in $(jobs -p); do
		kill "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
}

# on LAB NODE CMD...: CMD in a node's namespace.
on() { ip netns exec "$1-$2" "${@:3}"; }

sha() { sha256sum <"$1" | cut -d' ' -f1; }

# must CMD...: run CMD (its stdout wherever the caller sends it); fail,
# showing its stderr, unless it succeeds.
must() {
	local err=$BATS_TEST_TMPDIR/must.err rc=0
	"$@" 2>"$err" || rc=$?
	((rc == 0)) || {
		cat "$err" >&2
		fail "exit status $rc: $*"
	}
}

# tsh ARGS...: tshark without its warning about running as root.
tsh() { tshark "$@" 2>/dev/null; }

# same FILE COPY: fail unless COPY holds exactly FILE's bytes.
same() {
	local a b
	a=$(sha "$1")
	b=$(sha "$2")
	[[ $a == "$b" ]] ||
		fail "$2 ($(stat -c %s "$2") bytes, sha256 $b) differs from $1 ($(stat -c %s "$1") bytes, sha256 $a)"
}

# linux_listening LAB NODE PORT
linux_listening() { on "$1" "$2" ss -Hltn "sport = :$3" | grep -q .; }

# sockets LAB/NODE: show sockets, one JSON object per line.
sockets() { "$HOPCTL" -j "$1" show sockets | head -n 1 | jq -c '.[]'; }

# hostd_listening LAB/NODE PORT
hostd_listening() {
	# (jq -s: jq -e judges by the last input, not by any)
	sockets "$1" | jq -se --arg p ":$2" \
		'any(.[]; .proto == "tcp" and .state == "LISTEN" and (.local | endswith($p)))' >/dev/null
}

# tcp_stat LAB/NODE NAME: one counter of show tcp.
tcp_stat() { "$HOPCTL" -j "$1" show tcp | head -n 1 | jq ".$2"; }

# mac_of LAB/NODE: the MAC of a hostd node's eth0.
mac_of() { "$HOPCTL" -j "$1" show ip | head -n 1 | jq -r '.[0].mac'; }

# ---------------------------------------------------------------------------
# 50 MB each way, hostd against Linux and against hostd, across the router

@test "Linux nc to hopctl tcp listen across the router: 50 MB each way at once, intact" {
	local d=$BATS_TEST_TMPDIR
	"$HOPCTL" "$LAB/hB" tcp listen 5001 <"$BATS_FILE_TMPDIR/50b" >"$d/at_hB" 2>"$d/hB.err" &
	local hpid=$!
	wait_until 5 hostd_listening "$LAB/hB" 5001
	must timeout 120 ip netns exec "$LAB-lA" nc -N 10.0.2.20 5001 \
		<"$BATS_FILE_TMPDIR/50a" >"$d/at_lA"
	wait "$hpid"
	same "$BATS_FILE_TMPDIR/50a" "$d/at_hB"
	same "$BATS_FILE_TMPDIR/50b" "$d/at_lA"
}

@test "hopctl tcp connect to Linux nc -l across the router: 50 MB each way, intact" {
	local d=$BATS_TEST_TMPDIR
	# hostd to Linux.  (nc -l ends as soon as its peer's FIN came and its
	# own queues are empty, whatever stdin still holds: hence one way at a
	# time.)
	ip netns exec "$LAB-lB" nc -l -N 10.0.2.30 5002 </dev/null >"$d/at_lB" &
	local lpid=$!
	wait_until 5 linux_listening "$LAB" lB 5002
	must timeout 120 "$HOPCTL" "$LAB/hA" tcp connect 10.0.2.30 5002 \
		<"$BATS_FILE_TMPDIR/50a" >/dev/null
	wait "$lpid"
	same "$BATS_FILE_TMPDIR/50a" "$d/at_lB"
	# Linux to hostd: hopctl's stdin stays open until all has come, so
	# its FIN does not end nc early.
	ip netns exec "$LAB-lB" nc -l -N 10.0.2.30 5012 <"$BATS_FILE_TMPDIR/50b" >/dev/null &
	lpid=$!
	wait_until 5 linux_listening "$LAB" lB 5012
	mkfifo "$d/stdin"
	"$HOPCTL" "$LAB/hA" tcp connect 10.0.2.30 5012 <"$d/stdin" >"$d/at_hA" &
	local hpid=$!
	exec {keep}>"$d/stdin"
	wait_until 120 bash -c "[[ \$(stat -c %s '$d/at_hA') -ge 52428800 ]]" || true
	exec {keep}>&-
	wait "$hpid"
	wait "$lpid"
	same "$BATS_FILE_TMPDIR/50b" "$d/at_hA"
}

@test "hostd to hostd across switch, router, switch: 50 MB each way at once, intact" {
	local d=$BATS_TEST_TMPDIR
	"$HOPCTL" "$LAB/hB" tcp listen 5003 <"$BATS_FILE_TMPDIR/50b" >"$d/at_hB" &
	local hpid=$!
	wait_until 5 hostd_listening "$LAB/hB" 5003
	must timeout 120 "$HOPCTL" "$LAB/hA" tcp connect 10.0.2.20 5003 \
		<"$BATS_FILE_TMPDIR/50a" >"$d/at_hA"
	wait "$hpid"
	same "$BATS_FILE_TMPDIR/50a" "$d/at_hB"
	same "$BATS_FILE_TMPDIR/50b" "$d/at_hA"
}

@test "one way closed, the other keeps flowing (half-close, as nc -N)" {
	local d=$BATS_TEST_TMPDIR
	# The Linux side sends nothing and closes its way at once; hostd's
	# 10 MB still arrive, then hostd's FIN ends both.
	ip netns exec "$LAB-lB" nc -l -N 10.0.2.30 5004 </dev/null >"$d/at_lB" &
	local lpid=$!
	wait_until 5 linux_listening "$LAB" lB 5004
	must timeout 60 "$HOPCTL" "$LAB/hA" tcp connect 10.0.2.30 5004 \
		<"$BATS_FILE_TMPDIR/10a" >"$d/at_hA"
	wait "$lpid"
	same "$BATS_FILE_TMPDIR/10a" "$d/at_lB"
	[ ! -s "$d/at_hA" ]
}

# ---------------------------------------------------------------------------
# On the wire: the handshake's options, and nothing malformed

# capture_start LAB NODE PORT FILE: tcpdump in a linux node, ready.
capture_start() {
	ip netns exec "$1-$2" tcpdump -i eth0 -U -w "$4" "tcp port $3" \
		2>"$4.err" &
	CAPTURE_PID=$!
	wait_until 5 grep -q 'listening on' "$4.err"
}

capture_stop() {
	sleep 0.2
	kill -INT "$CAPTURE_PID"
	wait "$CAPTURE_PID" || true
}

# handshake_ok PCAP CLIENT SERVER: SYN from CLIENT and SYN-ACK from SERVER
# each carry MSS, window scale, timestamps and SACK-permitted, and the
# client's third segment is a bare ACK with a timestamp.
handshake_ok() {
	local opts='tcp.options.mss_val && tcp.options.wscale.shift && tcp.options.timestamp.tsval && tcp.options.sack_perm'
	run tsh -r "$1" -Y "tcp.flags.syn == 1 && tcp.flags.ack == 0 && ip.src == $2 && $opts" -T fields -e tcp.options.mss_val
	assert_success
	assert_output "1460"
	run tsh -r "$1" -Y "tcp.flags.syn == 1 && tcp.flags.ack == 1 && ip.src == $3 && $opts" -T fields -e tcp.options.mss_val
	assert_success
	assert_output "1460"
	# The third segment: the client's first after the SYN.
	run bash -c "tshark -r '$1' -Y 'ip.src == $2 && tcp.flags.syn == 0' -T fields \
		-e tcp.flags.ack -e tcp.flags.reset -e tcp.len -e tcp.options.timestamp.tsval 2>/dev/null | head -n 1"
	assert_success
	assert_output --regexp $'^1\t0\t0\t[0-9]+$'
}

# wire_clean PCAP PORT: tshark, checking every checksum, finds no malformed
# packet, no bad checksum and nothing it rates an error.  The payload is
# random bytes: it is decoded as data, or a heuristic dissector may take a
# segment for some protocol and call it malformed.
wire_clean() {
	local bad
	bad=$(tshark -r "$1" -d "tcp.port==$2,data" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
		-Y '_ws.malformed || _ws.expert.severity >= "Error" || ip.checksum.status == "Bad" || tcp.checksum.status == "Bad"')
	[[ -z $bad ]] || fail "tshark finds in $1: $bad"
	# And the capture is the whole transfer, checksums verified.
	local good
	good=$(tsh -r "$1" -o tcp.check_checksum:TRUE -Y 'tcp.checksum.status == "Good"' -T fields -e frame.number | wc -l)
	((good > 7000))
}

@test "the handshake negotiates MSS, window scale, timestamps and SACK; tshark finds nothing wrong" {
	local d=$BATS_TEST_TMPDIR
	# hostd connects to Linux.
	capture_start "$LAB" lB 5005 "$d/out.pcap"
	ip netns exec "$LAB-lB" nc -l -N 10.0.2.30 5005 </dev/null >"$d/at_lB" &
	wait_until 5 linux_listening "$LAB" lB 5005
	run timeout 60 "$HOPCTL" "$LAB/hA" tcp connect 10.0.2.30 5005 <"$BATS_FILE_TMPDIR/10a"
	assert_success
	wait %?nc
	capture_stop
	same "$BATS_FILE_TMPDIR/10a" "$d/at_lB"
	handshake_ok "$d/out.pcap" 10.0.1.10 10.0.2.30
	wire_clean "$d/out.pcap" 5005

	# Linux connects to hostd.
	capture_start "$LAB" lA 5006 "$d/in.pcap"
	"$HOPCTL" "$LAB/hB" tcp listen 5006 </dev/null >"$d/at_hB" &
	local hpid=$!
	wait_until 5 hostd_listening "$LAB/hB" 5006
	run timeout 60 ip netns exec "$LAB-lA" nc -N 10.0.2.20 5006 <"$BATS_FILE_TMPDIR/10b"
	assert_success
	wait "$hpid"
	capture_stop
	same "$BATS_FILE_TMPDIR/10b" "$d/at_hB"
	handshake_ok "$d/in.pcap" 10.0.1.20 10.0.2.20
	wire_clean "$d/in.pcap" 5006
}

# ---------------------------------------------------------------------------
# Refused, timed out

@test "a closed hostd port refuses Linux nc; a closed Linux port refuses hopctl" {
	local before
	before=$(tcp_stat "$LAB/hB" out_rsts)
	run ip netns exec "$LAB-lA" nc -v -w 5 10.0.2.20 7777 </dev/null
	assert_failure
	assert_output --partial "Connection refused"
	[ "$(tcp_stat "$LAB/hB" out_rsts)" -gt "$before" ]

	before=$(tcp_stat "$LAB/hA" attempt_fails)
	run "$HOPCTL" "$LAB/hA" tcp connect 10.0.2.30 7777 </dev/null
	assert_failure 1
	assert_output --partial "Connection refused"
	[ "$(tcp_stat "$LAB/hA" attempt_fails)" -gt "$before" ]
}

@test "hopctl tcp connect to an address that never answers: Connection timed out" {
	# lB takes 10.0.2.99 as well, but everything it would send from there
	# goes nowhere: SYNs arrive and are never answered.
	on "$LAB" lB ip addr add 10.0.2.99/24 dev eth0
	on "$LAB" lB ip rule add from 10.0.2.99 table 99
	on "$LAB" lB ip route add blackhole default table 99
	local start=$SECONDS before
	before=$(tcp_stat "$LAB/hA" syn_retrans)
	# Options may come after the operands.
	run "$HOPCTL" "$LAB/hA" tcp connect 10.0.2.99 80 -w 3 </dev/null
	on "$LAB" lB ip addr del 10.0.2.99/24 dev eth0
	assert_failure 1
	assert_output --partial "Connection timed out"
	((SECONDS - start >= 2 && SECONDS - start <= 6))
	# The SYN went again at 1 s and at 3 s (RFC 6298: 1 s, doubling).
	[ "$(tcp_stat "$LAB/hA" syn_retrans)" -ge "$((before + 1))" ]
	# Nothing is left of the attempt.
	run sockets "$LAB/hA"
	refute_output --partial '10.0.2.99'
}

# ---------------------------------------------------------------------------
# Sockets for people

@test "show sockets: the LISTEN socket and one ESTABLISHED per client, four at once; TIME-WAIT after" {
	local d=$BATS_TEST_TMPDIR i
	[[ -x $TCP_ECHO ]] || fail "$TCP_ECHO is not built"
	"$TCP_ECHO" "$LAB/hB" server 7 >"$d/echo.out" 2>&1 &
	wait_until 5 hostd_listening "$LAB/hB" 7 || fail "$(cat "$d/echo.out")"
	# Four Linux clients that stay connected until their stdin closes.
	for i in 1 2 3 4; do
		mkfifo "$d/in$i"
		ip netns exec "$LAB-lA" nc -N 10.0.2.20 7 <"$d/in$i" >"$d/out$i" &
		exec {fd}>"$d/in$i"
		eval "FD$i=$fd"
		echo "client $i" >&"$fd"
	done
	wait_until 10 bash -c "[[ \$(cat '$d'/out* | wc -l) == 4 ]]"
	run sockets "$LAB/hB"
	assert_success
	[ "$(jq -s 'map(select(.state == "LISTEN" and .local == "0.0.0.0:7")) | length' <<<"$output")" = 1 ]
	[ "$(jq -s 'map(select(.state == "ESTABLISHED" and .local == "10.0.2.20:7" and (.remote | startswith("10.0.1.20:")))) | length' <<<"$output")" = 4 ]
	# The TCP columns are there for a connection.
	jq -se 'map(select(.state == "ESTABLISHED"))[0] | has("cwnd") and has("srtt_us") and has("rto_ms") and has("retrans") and has("send_q") and has("recv_q")' <<<"$output"
	# The table for people: the listener first.
	run "$HOPCTL" "$LAB/hB" show sockets
	assert_success
	assert_line --index 0 --regexp '^proto +state +local +remote +send_q +recv_q +cwnd +srtt_us +rto_ms +retrans'
	assert_line --index 1 --regexp '^tcp +LISTEN +0\.0\.0\.0:7 '
	for i in 1 2 3 4; do
		eval "exec {FD$i}>&-"
	done
	wait %?nc 2>/dev/null || true
	for i in 1 2 3 4; do
		run cat "$d/out$i"
		assert_output "client $i"
	done
	# Linux closed first: its side holds TIME-WAIT, hostd's is gone.
	run on "$LAB" lA ss -Htn state time-wait "dport = :7"
	[ "${#lines[@]}" = 4 ]
	wait_until 5 bash -c "! '$HOPCTL' '$LAB/hB' show sockets | grep -q ESTABLISHED"

	# hostd closes first (nc without -N closes only after hostd's FIN):
	# hostd holds TIME-WAIT.
	ip netns exec "$LAB-lB" nc -l 10.0.2.30 5007 </dev/null >/dev/null &
	wait_until 5 linux_listening "$LAB" lB 5007
	run "$HOPCTL" "$LAB/hA" tcp connect 10.0.2.30 5007 </dev/null
	assert_success
	run sockets "$LAB/hA"
	assert_output --partial '"state":"TIME-WAIT"'
	jq -se 'map(select(.state == "TIME-WAIT" and .remote == "10.0.2.30:5007")) | length == 1' <<<"$output"
}

@test "show tcp has the counters netstat -s users look for; set tcp changes the knobs" {
	run "$HOPCTL" -j "$LAB/hA" show tcp
	assert_success
	local k
	for k in active_opens passive_opens attempt_fails estab_resets curr_estab \
		in_segs out_segs retrans_segs fast_retrans timeouts sack_recoveries \
		challenge_acks in_errs bad_checksum in_rsts out_rsts out_of_window; do
		jq -e --arg k "$k" '.[$k] | type == "number"' <<<"${lines[0]}" >/dev/null ||
			fail "show tcp has no counter $k"
	done
	[ "$(jq -r .congestion <<<"${lines[0]}")" = cubic ]
	run "$HOPCTL" "$LAB/hA" set tcp congestion reno
	assert_success
	[ "$(tcp_stat "$LAB/hA" congestion)" = '"reno"' ]
	run "$HOPCTL" "$LAB/hA" set tcp congestion vegas
	assert_failure
	run "$HOPCTL" "$LAB/hA" set tcp congestion cubic
	assert_success
	run "$HOPCTL" "$LAB/hA" set tcp msl 1
	assert_success
	[ "$(tcp_stat "$LAB/hA" msl)" = 1.0 ] || [ "$(tcp_stat "$LAB/hA" msl)" = 1 ]
	# With a 1 s MSL, TIME-WAIT lasts 2 s.
	ip netns exec "$LAB-lB" nc -l 10.0.2.30 5008 </dev/null >/dev/null &
	wait_until 5 linux_listening "$LAB" lB 5008
	run "$HOPCTL" "$LAB/hA" tcp connect 10.0.2.30 5008 </dev/null
	assert_success
	sockets "$LAB/hA" | grep -q '"remote":"10.0.2.30:5008"'
	wait_until 4 bash -c "! '$HOPCTL' -j '$LAB/hA' show sockets | grep -q '10.0.2.30:5008'"
	run "$HOPCTL" "$LAB/hA" set tcp msl 30
	assert_success
}

# ---------------------------------------------------------------------------
# A program of its own on hostsock

@test "a hostsock program runs a TCP echo server and client with read, write and poll" {
	local d=$BATS_TEST_TMPDIR
	[[ -x $TCP_ECHO ]] || fail "$TCP_ECHO is not built"
	"$TCP_ECHO" "$LAB/hB" server 7007 >"$d/server.out" 2>&1 &
	wait_until 5 hostd_listening "$LAB/hB" 7007 || fail "$(cat "$d/server.out")"
	# hostd to hostd, 10 MB: more than every buffer on the way holds.
	must timeout 60 "$TCP_ECHO" "$LAB/hA" client 10.0.2.20 7007 \
		<"$BATS_FILE_TMPDIR/10a" >"$d/echoed"
	same "$BATS_FILE_TMPDIR/10a" "$d/echoed"
	# Linux nc to the same server.
	run timeout 20 ip netns exec "$LAB-lA" nc -N 10.0.2.20 7007 <<<"hello from Linux"
	assert_success
	assert_output "hello from Linux"
}
