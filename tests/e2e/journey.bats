#!/usr/bin/env bats
# End-to-end tests of 'hoplab journey': every daemon traces, linux nodes
# are captured, hopjourney matches each packet across its hops.  Two labs:
#
#   seed (conf/seed.lab):  hA(host) --- sw1 --- r1 --- sw2 --- hB(host)
#   mixed:                 hA(host) --- sw1 --- r1 --- sw2 --- lB(linux)
#
# Needs root.

load helpers

setup_file() {
	LAB=$(lab_name jrny)
	MIXED=$(lab_name jrnyx)
	export LAB MIXED
	sed "s/^lab seed\$/lab $LAB/" "$REPO_ROOT/conf/seed.lab" >"$BATS_FILE_TMPDIR/seed.lab"
	sed -e "s/^lab seed\$/lab $MIXED/" -e 's/^node hB host$/node hB linux/' \
		"$REPO_ROOT/conf/seed.lab" >"$BATS_FILE_TMPDIR/mixed.lab"
	mkdir -p "$BATS_FILE_TMPDIR/www"
	echo '<h1>the page</h1>' >"$BATS_FILE_TMPDIR/www/index.html"
	echo "run hB http serve $BATS_FILE_TMPDIR/www" >>"$BATS_FILE_TMPDIR/seed.lab"
	lab_up "$BATS_FILE_TMPDIR/seed.lab"
	lab_up "$BATS_FILE_TMPDIR/mixed.lab"
}

# journey_json ARGS...: 'hoplab journey -j ARGS' succeeds; its packets in
# $BATS_TEST_TMPDIR/j.json, one JSON object a line.
journey_json() {
	"$HOPLAB" journey -j "$@" >"$BATS_TEST_TMPDIR/j.json" 2>"$BATS_TEST_TMPDIR/j.err" || {
		cat "$BATS_TEST_TMPDIR/j.err" >&2
		fail "hoplab journey -j $* failed"
	}
	jq -e . "$BATS_TEST_TMPDIR/j.json" >/dev/null || fail "not JSON: $(cat "$BATS_TEST_TMPDIR/j.json")"
}

# packet SELECT: the first packet of j.json that jq's SELECT picks.
packet() { jq -sc "[.[] | select($1)][0] // empty" "$BATS_TEST_TMPDIR/j.json"; }

# hops PACKET FIELDS: one line a hop: the hop's FIELDS (jq paths), spaced.
hops() { jq -r ".hops[] | [$2 | tostring] | join(\" \")" <<<"$1"; }

mac_of() { "$HOPCTL" -j "$1" show ports | head -n 1 | jq -r ".[] | select(.name == \"$2\") | .mac"; }

@test "a ping over the seed lab: the request through hA sw1 r1 sw2 hB, new MACs at r1, the same IPs, TTL one lower after r1; the reply back" {
	local req rep ha r0 r1 hb
	journey_json "$LAB" -- hA ping -c 1 10.0.2.20
	ha=$(mac_of "$LAB/hA" eth0)
	r0=$(mac_of "$LAB/r1" eth0)
	r1=$(mac_of "$LAB/r1" eth1)
	hb=$(mac_of "$LAB/hB" eth0)

	req=$(packet '.proto == "icmp" and (.summary | test("echo request"))')
	[[ -n $req ]] || fail "no echo request in $(cat "$BATS_TEST_TMPDIR/j.json")"
	assert_equal "$(hops "$req" '.node, .in, .out')" "hA null eth0
sw1 p1 p2
r1 eth0 eth1
sw2 p1 p2
hB eth0 null"
	assert_equal "$(hops "$req" '.src_mac, .dst_mac')" "$ha $r0
$ha $r0
$r1 $hb
$r1 $hb
$r1 $hb"
	assert_equal "$(hops "$req" '.src_ip, .dst_ip, .ttl')" "10.0.1.10 10.0.2.20 64
10.0.1.10 10.0.2.20 64
10.0.1.10 10.0.2.20 63
10.0.1.10 10.0.2.20 63
10.0.1.10 10.0.2.20 63"
	assert_equal "$(jq -r .flags <<<"$req")" ""
	# Each hop says what its node decided.
	[[ $(jq '[.hops[] | select(.decision == "" or .decision == null)] | length' <<<"$req") == 0 ]]

	rep=$(packet '.proto == "icmp" and (.summary | test("echo reply"))')
	[[ -n $rep ]] || fail "no echo reply"
	assert_equal "$(hops "$rep" '.node, .in, .out')" "hB null eth0
sw2 p2 p1
r1 eth1 eth0
sw1 p2 p1
hA eth0 null"
	assert_equal "$(hops "$rep" '.src_mac, .dst_mac, .src_ip, .dst_ip, .ttl')" "$hb $r1 10.0.2.20 10.0.1.10 64
$hb $r1 10.0.2.20 10.0.1.10 64
$r0 $ha 10.0.2.20 10.0.1.10 63
$r0 $ha 10.0.2.20 10.0.1.10 63
$r0 $ha 10.0.2.20 10.0.1.10 63"
	# The request comes before the reply.
	jq -se 'map(.summary) | (map(test("echo request")) | index(true)) < (map(test("echo reply")) | index(true))' \
		"$BATS_TEST_TMPDIR/j.json" >/dev/null
}

@test "an HTTP fetch: the three-way handshake, the GET and the response, each hop by hop" {
	journey_json "$LAB" 'tcp port 80' -- hA http get http://10.0.2.20/
	# Only port 80 was traced: every packet is TCP.
	jq -se 'all(.proto == "tcp")' "$BATS_TEST_TMPDIR/j.json" >/dev/null
	local flags
	flags=$(jq -r '.flags' "$BATS_TEST_TMPDIR/j.json" | head -n 3 | paste -sd ' ')
	assert_equal "$flags" "S S. ."
	local syn synack get resp
	syn=$(packet '.flags == "S"')
	synack=$(packet '.flags == "S."')
	get=$(packet '.summary | test("10\\.0\\.1\\.10\\.[0-9]+ > 10\\.0\\.2\\.20\\.80: Flags \\[P\\.\\]")')
	resp=$(packet '.summary | test("10\\.0\\.2\\.20\\.80 > 10\\.0\\.1\\.10\\.[0-9]+: Flags \\[(P\\.|\\.|FP\\.)\\].*length [1-9]")')
	for p in "$syn" "$get"; do
		[[ -n $p ]] || fail "missing a packet from A in $(cat "$BATS_TEST_TMPDIR/j.json")"
		assert_equal "$(hops "$p" '.node')" "hA
sw1
r1
sw2
hB"
	done
	for p in "$synack" "$resp"; do
		[[ -n $p ]] || fail "missing a packet from B in $(cat "$BATS_TEST_TMPDIR/j.json")"
		assert_equal "$(hops "$p" '.node')" "hB
sw2
r1
sw1
hA"
	done
	# hB's hop of the SYN names the listening socket and the state change.
	jq -e '.hops[-1].decision | test("LISTEN")' <<<"$syn" >/dev/null ||
		fail "hB's decision on the SYN: $(jq -r '.hops[-1].decision' <<<"$syn")"
}

@test "the text journey names each hop; --dot and --svg draw it; the command's output and status come through" {
	local d=$BATS_TEST_TMPDIR
	run "$HOPLAB" journey --dot "$d/j.dot" --svg "$d/j.svg" "$LAB" icmp -- hA ping -c 1 10.0.2.20
	assert_success
	assert_line --regexp '^64 bytes from 10\.0\.2\.20: icmp_seq=1 ttl=63'
	assert_output --partial 'IP 10.0.1.10 > 10.0.2.20: ICMP echo request'
	assert_output --partial 'IP 10.0.2.20 > 10.0.1.10: ICMP echo reply'
	for node in hA sw1 r1 sw2 hB; do
		assert_line --regexp "^ +$node +"
	done
	dot -Tsvg "$d/j.dot" >/dev/null
	xmllint --noout "$d/j.svg"
	grep -q '</svg>' "$d/j.svg"

	# A command that fails: the journey is still printed, its status kept.
	run "$HOPLAB" journey "$LAB" icmp -- hA ping -c 1 -W 1 10.0.2.99
	assert_failure 1
	assert_output --partial 'IP 10.0.1.10 > 10.0.2.99: ICMP echo request'
}

@test "a linux node takes part through captures on its interfaces, as an endpoint" {
	local req rep
	journey_json "$MIXED" icmp -- hA ping -c 1 10.0.2.20
	req=$(packet '.summary | test("echo request")')
	rep=$(packet '.summary | test("echo reply")')
	assert_equal "$(hops "$req" '.node, .in, .out')" "hA null eth0
sw1 p1 p2
r1 eth0 eth1
sw2 p1 p2
hB eth0 null"
	assert_equal "$(hops "$rep" '.node, .in, .out')" "hB null eth0
sw2 p2 p1
r1 eth1 eth0
sw1 p2 p1
hA eth0 null"
	assert_equal "$(jq -r '.hops[0].ttl' <<<"$rep")" 64
	assert_equal "$(jq -r '.hops[-1].ttl' <<<"$rep")" 63
}

@test "journey errors: a bad filter is a usage error with libpcap's message; unknown lab or node; nothing left running" {
	run "$HOPLAB" journey "$LAB" 'tcp port eighty' -- hA ping -c 1 10.0.2.20
	assert_failure 2
	assert_output --partial 'eighty'
	run "$HOPLAB" journey "$LAB" -- hZ ping -c 1 10.0.2.20
	assert_failure 2
	assert_output --partial "no node 'hZ'"
	run "$HOPLAB" journey nosuchlab -- hA ping -c 1 10.0.2.20
	assert_failure
	assert_output --partial 'not up'
	run "$HOPLAB" journey "$LAB" hA ping
	assert_failure 2
	run "$HOPLAB" journey --svg
	assert_failure 2

	# No daemon is left tracing, no tcpdump left capturing.
	"$HOPLAB" journey "$MIXED" icmp -- hA ping -c 1 10.0.2.20 >/dev/null
	run pgrep -f "tcpdump -i eth0 -n -U --immediate-mode -w"
	assert_failure
	# Tracing stopped with the journey: a ping after it adds no row.
	local before after
	before=$(trace_rows "$MIXED/hA")
	((before > 0))
	"$HOPCTL" "$MIXED/hA" ping -c 1 10.0.2.20 >/dev/null
	after=$(trace_rows "$MIXED/hA")
	assert_equal "$after" "$before"
}

# trace_rows NODE: how many rows NODE's show trace has.
trace_rows() {
	"$HOPCTL" -j "$1" show trace | jq -s '[.[] | arrays | .[]] | length'
}
