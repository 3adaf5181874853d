#!/usr/bin/env bats
# End-to-end tests of HTTP: hostd's server (`http serve`) against curl and
# raw requests from a Linux node, and hopctl's client (`http get`) against
# Python's http.server and against hostd's server, across a router:
#
#   hA(host) lA(linux) --- sw1 --- r1 --- sw2 --- hB(host) lB(linux)
#   10.0.1.10  10.0.1.20        .1 | .1        10.0.2.20  10.0.2.30
#
# hB serves $WWW on port 80 (from the lab file); lB runs python3 -m
# http.server on port 8000 over the same files.  Needs root.

load helpers

setup_file() {
	LAB=$(lab_name http)
	WWW=$BATS_FILE_TMPDIR/www
	export LAB WWW
	mkdir -p "$WWW/dir" "$WWW/empty"
	head -c 5M /dev/urandom >"$WWW/5m.bin"
	echo '<h1>hoplab</h1>' >"$WWW/index.html"
	echo 'in dir' >"$WWW/dir/index.html"
	echo '{"a":1}' >"$WWW/data.json"
	echo 'SECRET outside the served directory' >"$BATS_FILE_TMPDIR/secret.txt"
	ln -s "$BATS_FILE_TMPDIR/secret.txt" "$WWW/link-out"
	ln -s ../secret.txt "$WWW/link-up"
	ln -s index.html "$WWW/link-in"
	cat >"$BATS_FILE_TMPDIR/http.lab" <<EOF
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
run hB http serve $WWW
run lB /usr/bin/python3 -m http.server 8000 --bind 10.0.2.30 --directory $WWW
EOF
	lab_up "$BATS_FILE_TMPDIR/http.lab"
}

test_teardown() {
	local pid
	for pid in $(jobs -p); do
		kill "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
}

# on NODE CMD...: CMD in a node's namespace of the lab.
on() { ip netns exec "$LAB-$1" "${@:2}"; }

sha() { sha256sum <"$1" | cut -d' ' -f1; }

# same FILE COPY: fail unless COPY holds exactly FILE's bytes.
same() {
	[[ $(sha "$1") == "$(sha "$2")" ]] ||
		fail "$2 ($(stat -c %s "$2") bytes) differs from $1 ($(stat -c %s "$1") bytes)"
}

# curl_lA ARGS...: curl from lA, bounded in time.
curl_lA() { on lA curl -sS -m 30 "$@"; }

# code URL [ARGS...]: the status curl on lA gets for URL.
code() { curl_lA -o /dev/null -w '%{http_code}' "${@:2}" "$1"; }

# raw TEXT: TEXT (printf %b escapes) sent from lA to hB:80 over one
# connection, closed after it; prints what came back.
raw() { printf '%b' "$1" | on lA timeout 10 nc -N 10.0.2.20 80; }

# status_of TEXT: the status code of the first response to TEXT.
status_of() { raw "$1" | head -n 1 | cut -d' ' -f2; }

# http_stat NAME: one counter of hB's show http.
http_stat() { "$HOPCTL" -j "$LAB/hB" show http | sed -n 2p | jq ".$1"; }

# still_serving: hB answers a plain GET with its index.
still_serving() {
	run curl_lA http://10.0.2.20/
	assert_success
	assert_output '<h1>hoplab</h1>'
}

# slow_head: half a request head, the connection kept open for 14 s;
# prints the first line of the answer and when it came.
slow_head() {
	local line start=$SECONDS
	{
		printf 'GET / HTTP/1.1\r\nHost: x\r\n'
		sleep 14
	} | on lA timeout 20 nc 10.0.2.20 80 | {
		IFS= read -r line
		echo "${line%$'\r'} after $((SECONDS - start)) s"
		cat >/dev/null
	}
}

python_up() { on lB ss -Hltn 'sport = :8000' | grep -q .; }

# ---------------------------------------------------------------------------
# hostd's server, with curl and raw requests from a Linux node

@test "curl fetches 5 MB from hostd's server across the router, intact" {
	curl_lA -o "$BATS_TEST_TMPDIR/got" http://10.0.2.20/5m.bin
	same "$WWW/5m.bin" "$BATS_TEST_TMPDIR/got"
	run curl_lA -sSI http://10.0.2.20/5m.bin
	assert_output --partial 'Content-Length: 5242880'
	assert_output --partial 'Content-Type: application/octet-stream'
	assert_output --partial 'Server: hoplab'
	assert_output --regexp 'Date: [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} '
	grep -q 'http_access: 10.0.1.20 - - \[.*\] "GET /5m.bin HTTP/1.1" 200 5242880' \
		"$HOPLAB_RUN_ROOT/$LAB/hB.log"
}

@test "index.html for a directory, 301 to its slash form, types by extension, 404 for what is missing" {
	run curl_lA http://10.0.2.20/dir/
	assert_output 'in dir'
	run curl_lA -i http://10.0.2.20/dir
	assert_line --regexp '^HTTP/1.1 301 '
	assert_line --regexp '^Location: /dir/'
	run curl_lA -I http://10.0.2.20/data.json
	assert_line --regexp '^Content-Type: application/json'
	run code http://10.0.2.20/missing.html
	assert_output 404
	run code http://10.0.2.20/empty/
	assert_output 403
	# A symbolic link inside the directory is followed.
	run curl_lA http://10.0.2.20/link-in
	assert_output '<h1>hoplab</h1>'
}

@test "no way out of the served directory: .., %2e%2e, %2f, %00 and symbolic links" {
	local url c body
	for url in /../secret.txt /dir/../../secret.txt /%2e%2e/secret.txt \
		/dir/%2E%2E/%2e%2e/secret.txt /..%2fsecret.txt /link-out /link-up \
		/dir%2f..%2f..%2fsecret.txt; do
		body=$BATS_TEST_TMPDIR/body
		c=$(curl_lA --path-as-is -o "$body" -w '%{http_code}' "http://10.0.2.20$url")
		[[ $c == 400 || $c == 404 ]] || fail "$url got $c"
		! grep -q SECRET "$body" || fail "$url gave the file outside"
	done
	run status_of 'GET /index.html%00.txt HTTP/1.1\r\nHost: x\r\n\r\n'
	assert_output 400
	[[ $(http_stat path_dot_dot) -ge 5 ]]
	[[ $(http_stat path_escape) -ge 2 ]]
	[[ $(http_stat path_nul) -ge 1 ]]
}

@test "50 parallel curl requests all succeed" {
	local i pids=()
	for i in $(seq 50); do
		curl_lA -o "$BATS_TEST_TMPDIR/p$i" -w '%{http_code}\n' \
			http://10.0.2.20/5m.bin >"$BATS_TEST_TMPDIR/code$i" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || fail "a curl failed"
	done
	for i in $(seq 50); do
		[[ $(cat "$BATS_TEST_TMPDIR/code$i") == 200 ]] || fail "request $i: $(cat "$BATS_TEST_TMPDIR/code$i")"
		same "$WWW/5m.bin" "$BATS_TEST_TMPDIR/p$i"
	done
}

@test "malformed and oversized requests get their status, and hostd keeps serving" {
	local long headers i
	run status_of 'garbage\r\n\r\n'
	assert_output 400
	long=$(head -c 9216 /dev/zero | tr '\0' a)
	run status_of "GET /$long HTTP/1.1\r\nHost: x\r\n\r\n"
	assert_output 414
	run status_of "GET / HTTP/1.1\r\nHost: x\r\nX-Big: $(head -c 20480 /dev/zero | tr '\0' b)\r\n\r\n"
	assert_output 431
	headers=
	for i in $(seq 101); do headers+="X-H$i: v\r\n"; done
	run status_of "GET / HTTP/1.1\r\nHost: x\r\n$headers\r\n"
	assert_output 431
	run status_of 'BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n'
	assert_output 501
	run status_of 'GET / HTTP/2.0\r\nHost: x\r\n\r\n'
	assert_output 505
	run status_of 'GET / HTTP/1.1\r\n\r\n'
	assert_output 400
	run code http://10.0.2.20/ -d 'a=b'
	assert_output 405
	run curl_lA -si -X DELETE http://10.0.2.20/index.html
	assert_line --regexp '^Allow: GET, HEAD'
	still_serving
	[[ $(http_stat uri_too_long) -ge 1 ]]
	[[ $(http_stat header_fields_too_large) -ge 2 ]]
	[[ $(http_stat parse_too_many_headers) -ge 1 ]]
	[[ $(http_stat parse_missing_host) -ge 1 ]]
	[[ $(http_stat not_implemented) -ge 1 ]]
	[[ $(http_stat version_not_supported) -ge 1 ]]
	[[ $(http_stat method_not_allowed) -ge 2 ]]
}

@test "keep-alive: curl reuses the connection; pipelined requests are answered in order" {
	local before
	before=$(http_stat keepalive_requests)
	run curl_lA -v -o /dev/null -o /dev/null http://10.0.2.20/index.html http://10.0.2.20/dir/
	assert_success
	assert_output --partial 'Re-using existing connection'
	[[ $(http_stat keepalive_requests) -eq $((before + 1)) ]]
	# Three at once on one connection, the last asking to close.
	run raw 'GET /dir/ HTTP/1.1\r\nHost: x\r\n\r\nGET /missing HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
	assert_success
	[[ $(grep -ac '^HTTP/1.1 ' <<<"$output") == 3 ]]
	[[ $(grep -a '^HTTP/1.1 ' <<<"$output" | cut -d' ' -f2 | tr '\n' ' ') == '200 404 200 ' ]]
	assert_output --regexp 'in dir.*404 Not Found.*<h1>hoplab</h1>'
	# HTTP/1.0 closes unless asked to keep the connection.
	run raw 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n'
	assert_output --partial 'Connection: keep-alive'
}

@test "HEAD has the headers of GET and no body" {
	run raw 'HEAD /5m.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
	assert_success
	assert_line --regexp '^Content-Length: 5242880'
	# Nothing after the head's blank line.
	[[ $(raw 'HEAD /5m.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | wc -c) -lt 400 ]]
}

@test "a request head that never ends gets 408 after 10 s" {
	run slow_head
	assert_output --regexp '^HTTP/1.1 408 Request Timeout after (9|10|11) s$'
	[[ $(http_stat header_timeouts) -ge 1 ]]
}

@test "show http lists the server and its counters move; serve twice fails; stop stops" {
	local before
	run "$HOPCTL" "$LAB/hB" show http
	assert_success
	assert_line --regexp "^80 +$WWW "
	before=$(http_stat not_found)
	run code http://10.0.2.20/nothing
	[[ $(http_stat not_found) -eq $((before + 1)) ]]
	[[ $(http_stat requests) -gt 0 ]]
	[[ $(http_stat bytes_sent) -gt 5242880 ]]
	run "$HOPCTL" "$LAB/hB" http serve "$WWW"
	assert_failure 1
	assert_output --partial 'port 80 is served already'
	run "$HOPCTL" "$LAB/hB" http serve -p 8080 /nonexistent
	assert_failure 1
	run "$HOPCTL" "$LAB/hB" http serve -p 8080 "$WWW/dir"
	assert_success
	run curl_lA http://10.0.2.20:8080/
	assert_output 'in dir'
	run "$HOPCTL" "$LAB/hB" http stop 8080
	assert_success
	[[ $(code http://10.0.2.20:8080/ 2>/dev/null) == 000 ]]
	run "$HOPCTL" "$LAB/hB" http stop 8080
	assert_failure 1
	# Port 80 went on serving all along; stop with no port stops all.
	still_serving
	run "$HOPCTL" "$LAB/hB" http stop
	assert_success
	[[ $(code http://10.0.2.20/ 2>/dev/null) == 000 ]]
	run "$HOPCTL" "$LAB/hB" http serve "$WWW"
	assert_success
	still_serving
}

# ---------------------------------------------------------------------------
# hopctl's client through hostd hA

@test "hopctl http get fetches from python3 http.server across the router, intact" {
	wait_until 10 python_up
	"$HOPCTL" "$LAB/hA" http get http://10.0.2.30:8000/5m.bin >"$BATS_TEST_TMPDIR/got"
	same "$WWW/5m.bin" "$BATS_TEST_TMPDIR/got"
}

@test "hopctl http get fetches from hostd's server across the router; -o writes the file" {
	run "$HOPCTL" "$LAB/hA" http get -o "$BATS_TEST_TMPDIR/got" http://10.0.2.20/5m.bin
	assert_success
	assert_output ''
	same "$WWW/5m.bin" "$BATS_TEST_TMPDIR/got"
	run "$HOPCTL" "$LAB/hA" http get http://10.0.2.20/dir/
	assert_success
	assert_output 'in dir'
}

@test "hopctl http get: 404 exits 1 with the status line; refused and unreachable as curl says" {
	run "$HOPCTL" "$LAB/hA" http get http://10.0.2.20/missing
	assert_failure 1
	assert_output --partial 'HTTP/1.1 404 Not Found'
	run "$HOPCTL" "$LAB/hA" http get http://10.0.2.30:8000/missing
	assert_failure 1
	assert_output --partial ' 404 '
	run "$HOPCTL" "$LAB/hA" http get http://10.0.2.20:81/
	assert_failure 1
	assert_output 'hopctl: Failed to connect to 10.0.2.20 port 81: Connection refused'
	run "$HOPCTL" "$LAB/hA" http get -m 2 http://10.0.2.99/
	assert_failure 1
	assert_output 'hopctl: Failed to connect to 10.0.2.99 port 80: Connection timed out'
	run "$HOPCTL" "$LAB/hA" http get ftp://10.0.2.20/
	assert_failure 2
	run "$HOPCTL" "$LAB/hA" http get --help
	assert_success
	assert_line --partial 'usage: http get'
}

@test "hopctl http get -I prints the response head; -v shows both heads as curl -v" {
	run "$HOPCTL" "$LAB/hA" http get -I http://10.0.2.20/5m.bin
	assert_success
	assert_line --regexp $'^HTTP/1.1 200 OK\r$'
	assert_line --regexp $'^Content-Length: 5242880\r$'
	[[ $(wc -l <<<"$output") -lt 12 ]]
	"$HOPCTL" "$LAB/hA" http get -v http://10.0.2.30:8000/index.html \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output '<h1>hoplab</h1>'
	run cat "$BATS_TEST_TMPDIR/err"
	assert_line '> GET /index.html HTTP/1.1'
	assert_line '> Host: 10.0.2.30:8000'
	assert_line --regexp '^< HTTP/1.[01] 200 OK$'
	assert_line --regexp '^< Server: SimpleHTTP'
	assert_line --regexp '^< Content-Length: 16$'
}
