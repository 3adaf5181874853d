#!/usr/bin/env bats
# make demo's script. Act 1: the hosts of conf/switch3.lab ping each other
# through switchd, and the switch's MAC table is shown. Act 2: one ping
# from hostd to hostd through switch, routerd, switch, hop by hop, with the
# MACs rewritten at the router and the IPs unchanged; then a web page
# fetched with its journey, the server's sockets, and the pictures.
# Nothing is left behind.

load helpers

test_setup() {
	LAB=$(lab_name demo)
	LAB2=$(lab_name demob)
}

# mac_in_output WHO: the MAC the demo's "Who is who" table gives WHO.
mac_in_output() {
	grep -E "^$1 " <<<"$output" | grep -oE '([0-9a-f]{2}:){5}[0-9a-f]{2}'
}

@test "the demo shows switching, then the whole journey through the router, and takes the labs down" {
	local OUT=$BATS_TEST_TMPDIR/out
	run env HOPLAB_DEMO_LAB="$LAB" HOPLAB_DEMO_LAB2="$LAB2" HOPLAB_DEMO_OUT="$OUT" \
		HOPLAB_BIN="$HOPLAB_BIN_DIR" "$REPO_ROOT/netns-lab/demo"
	assert_success

	# Act 1: six pairs ping; the table has one row per host, each on its port.
	assert_output --partial "lab $LAB is up"
	[ "$(grep -c '2 packets transmitted, 2 received, 0% packet loss' <<<"$output")" -eq 6 ]
	for p in p1 p2 p3; do
		assert_line --regexp "^[0-9a-f:]{17} +$p +1 +[0-9]+$"
	done
	assert_output --partial "lab $LAB is down"

	# Act 2: one ping hop by hop, from the journey's JSON: A's MAC to the
	# router's eth0 on A's side, the router's eth1 to B's MAC on B's side,
	# the same IPs, the TTL one lower after the router.
	assert_output --partial "lab $LAB2 is up"
	local a r0 r1 b
	a=$(mac_in_output "host A eth0")
	r0=$(mac_in_output "router r1 eth0")
	r1=$(mac_in_output "router r1 eth1")
	b=$(mac_in_output "host B eth0")
	[ -n "$a" ] && [ -n "$r0" ] && [ -n "$r1" ] && [ -n "$b" ]
	assert_line --regexp "^ +hA +- -> eth0 +$a > $r0 +10\.0\.1\.10 > 10\.0\.2\.20 +ttl 64$"
	assert_line --regexp "^ +sw1 +p1 -> p2 +$a > $r0 +10\.0\.1\.10 > 10\.0\.2\.20 +ttl 64$"
	assert_line --regexp "^ +r1 +eth0 -> eth1 +$r1 > $b +10\.0\.1\.10 > 10\.0\.2\.20 +ttl 63$"
	assert_line --regexp "^ +hB +eth0 -> - +$r1 > $b +10\.0\.1\.10 > 10\.0\.2\.20 +ttl 63$"
	assert_line --regexp "^ +r1 +eth1 -> eth0 +$r0 > $a +10\.0\.2\.20 > 10\.0\.1\.10 +ttl 63$"

	# The web page: fetched with its headers shown, and its journey.
	assert_line '> GET / HTTP/1.1'
	assert_line --regexp '^< HTTP/1\.1 200 OK'
	assert_line '<body><h1>Hello from host B</h1>'
	assert_output --regexp 'IP 10\.0\.1\.10\.[0-9]+ > 10\.0\.2\.20\.80: Flags \[S\]'
	assert_output --regexp 'IP 10\.0\.2\.20\.80 > 10\.0\.1\.10\.[0-9]+: Flags \[S\.\]'
	assert_output --regexp 'IP 10\.0\.1\.10\.[0-9]+ > 10\.0\.2\.20\.80: Flags \[P\.\].*length [1-9]'
	# hB's sockets: the listener beside the connected one.
	assert_line --regexp '^tcp +LISTEN +0\.0\.0\.0:80 '
	assert_line --regexp '^tcp +ESTABLISHED +10\.0\.2\.20:80 +10\.0\.1\.10:[0-9]+ '
	# The pictures outlive the lab, and the demo says where they are.
	xmllint --noout "$OUT/topology.svg"
	xmllint --noout "$OUT/journey.svg"
	assert_output --partial "$OUT/topology.svg"
	assert_output --partial "$OUT/journey.svg"
	assert_output --partial "lab $LAB2 is down"

	run ip netns list
	refute_output --partial "$LAB-"
	refute_output --partial "$LAB2-"
	[ ! -e "$HOPLAB_RUN_ROOT/$LAB" ]
	[ ! -e "$HOPLAB_RUN_ROOT/$LAB2" ]
}
