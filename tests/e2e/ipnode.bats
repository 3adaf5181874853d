#!/usr/bin/env bats
# The IPv4 node that routerd and hostd both are (common/ipnode*.c): the
# same address and route commands give both the same replies, the same
# errors, and the same tables.

load helpers

setup_file() {
	LAB=$(lab_name ipn)
	export LAB
	cat >"$BATS_FILE_TMPDIR/ipn.lab" <<EOF2
lab $LAB
node h1 host
node r1 router
node k1 linux
node k2 linux
link h1:eth0 k1:eth0
link r1:eth0 k2:eth0
EOF2
	lab_up "$BATS_FILE_TMPDIR/ipn.lab"
}

# session NODE: each line of $BATS_TEST_TMPDIR/cmds sent to NODE, with the
# daemon's reply lines as they are and hopctl's exit status.
session() {
	local line
	while IFS= read -r line; do
		printf '> %s\n' "$line"
		# shellcheck disable=SC2086 # the line's words are the request
		"$HOPCTL" -j "$LAB/$1" $line 2>/dev/null
		printf 'exit %s\n' "$?"
	done <"$BATS_TEST_TMPDIR/cmds"
}

@test "hostd and routerd answer the same address and route commands the same way" {
	cat >"$BATS_TEST_TMPDIR/cmds" <<'EOF2'
addr add eth0 10.5.0.1/24
addr add eth0 10.5.0.1/24
addr add eth0 10.5.0.0/24
addr add eth0 10.5.0.255/24
addr add eth0 0.0.0.0/0
addr add eth0 default
addr add eth0 300.1.1.1/24
addr add eth0 10.6.0.1/33
addr add eth0 127.0.0.2/8
addr add nosuch 10.6.0.1/24
addr add eth0
addr del eth0 10.9.0.1/24
route add 10.7.0.0/16 via 10.5.0.2
route add 10.7.0.0/16 via 10.5.0.3
route add 10.8.0.1/16 via 10.5.0.2
route add 10.8.0.0/16 via 10.6.6.6
route add 10.8.0.0/16 via 10.5.0.1
route add 10.8.0.0/16 via 1.2.3
route add 10.8.0.0/33 via 10.5.0.2
route add 10.8.0.0/16 dev nosuch
route add 10.8.0.0/16 over 10.5.0.2
route add 10.9.0.0/16 dev eth0
route add default via 10.5.0.2
route del 10.5.0.0/24
route del 10.99.0.0/16
route del 10.99.0.0/99
show route
addr add eth0 10.5.1.1/24
route add 10.10.0.0/16 via 10.5.1.2
addr del eth0 10.5.1.1/24
show route
show ip
EOF2
	local host router
	host=$(session h1 | sed 's/"mac":"[0-9a-f:]*"/"mac":M/')
	router=$(session r1 | sed 's/"mac":"[0-9a-f:]*"/"mac":M/')
	if [[ $host != "$router" ]]; then
		diff <(printf '%s\n' "$host") <(printf '%s\n' "$router") >&2
		fail "hostd and routerd differ (diff above: < hostd, > routerd)"
	fi
	# ... and what they say is right: one error class per mistake.
	run printf '%s\n' "$host"
	assert_line --index 1 '{"ok":true}'
	assert_output --partial '{"ok":false,"error":"addr add 10.5.0.1/24: address already in use"}'
	assert_output --partial '"error":"bad address '"'"'default'"'"' (A.B.C.D/LEN)","usage":true}'
	assert_output --partial '{"ok":false,"error":"route add 10.8.0.1/16: bad prefix: host bits set"}'
	assert_output --partial '{"ok":false,"error":"route add 10.8.0.0/16: gateway not on a connected subnet"}'
	assert_output --partial '"error":"bad gateway '"'"'1.2.3'"'"'","usage":true}'
	assert_output --partial '{"ok":false,"error":"route del 10.5.0.0/24: a connected route goes with its address (addr del)"}'
	assert_output --partial '{"prefix":"10.9.0.0/16","via":null,"port":"eth0","kind":"static"}'
	assert_output --partial '{"prefix":"0.0.0.0/0","via":"10.5.0.2","port":"eth0","kind":"static"}'
	# The static route through 10.5.1.2 went with its subnet.
	local last_routes
	last_routes=$(grep -A1 '^> show route$' <<<"$host" | tail -n 1)
	[[ $last_routes == *10.5.0.0/24* ]]
	[[ $last_routes != *10.10.0.0/16* ]]
	[ "$(grep -c '^exit 2$' <<<"$host")" -eq 8 ]
}

@test "hostd and routerd load and replace routes the same way" {
	printf '%s\n' "# two routes" "10.20.0.0/16 10.5.0.2" "" \
		"10.21.0.0/16  10.5.0.3  # a comment" >"$BATS_TEST_TMPDIR/good"
	printf '%s\n' "10.22.0.0/16 10.5.0.2" "10.23.0.0/16" >"$BATS_TEST_TMPDIR/bad"
	cat >"$BATS_TEST_TMPDIR/cmds" <<EOF2
addr add eth0 10.5.0.1/24
route load $BATS_TEST_TMPDIR/good
route load $BATS_TEST_TMPDIR/good
route load $BATS_TEST_TMPDIR/bad
route load $BATS_TEST_TMPDIR/nosuch
route load /dev/null
route load
route replace 10.20.0.0/16 via 10.5.0.4
route replace 10.24.0.0/16 dev eth0
route replace 10.5.0.0/24 via 10.5.0.4
route replace 10.25.0.0/16 via 10.6.6.6
show route
EOF2
	local host router
	host=$(session h1)
	router=$(session r1)
	if [[ $host != "$router" ]]; then
		diff <(printf '%s\n' "$host") <(printf '%s\n' "$router") >&2
		fail "hostd and routerd differ (diff above: < hostd, > routerd)"
	fi
	run printf '%s\n' "$host"
	assert_output --partial '{"routes":2}'
	assert_output --partial "good:2: a route for that prefix exists\"}"
	assert_output --partial "bad:2: not PREFIX GATEWAY\"}"
	assert_output --partial "nosuch: No such file or directory\"}"
	assert_output --partial "/dev/null: not a regular file\"}"
	assert_output --partial '{"ok":false,"error":"route replace 10.5.0.0/24: a connected route goes with its address (addr del)"}'
	assert_output --partial '{"ok":false,"error":"route replace 10.25.0.0/16: gateway not on a connected subnet"}'
	assert_output --partial '{"prefix":"10.20.0.0/16","via":"10.5.0.4","port":"eth0","kind":"static"}'
	assert_output --partial '{"prefix":"10.21.0.0/16","via":"10.5.0.3","port":"eth0","kind":"static"}'
	assert_output --partial '{"prefix":"10.24.0.0/16","via":null,"port":"eth0","kind":"static"}'
	refute_output --partial '10.22.0.0/16'
}
