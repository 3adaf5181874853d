#!/usr/bin/env bats
# End-to-end tests of libhostsock-preload: unmodified programs
# (curl, python3, iperf3, OpenBSD nc) run in a host node on hostd's stack,
# against the same programs on a Linux node's kernel.
#
#   hA(host) --- sw1 --- lA(linux)
#   10.0.1.10            10.0.1.20
#
# Needs root.

load helpers

PRELOAD_LIB=${HOSTSOCK_PRELOAD_LIB:-$REPO_ROOT/build/lib/libhostsock-preload.so}

setup_file() {
	LAB=$(lab_name preld)
	export LAB
	cat >"$BATS_FILE_TMPDIR/preload.lab" <<EOF
lab $LAB
node hA host
node lA linux
node sw1 switch
link hA:eth0 sw1:p1
link lA:eth0 sw1:p2
addr hA:eth0 10.0.1.10/24
addr lA:eth0 10.0.1.20/24
EOF
	lab_up "$BATS_FILE_TMPDIR/preload.lab"
	mkdir -p "$BATS_FILE_TMPDIR/www"
	head -c 5M /dev/urandom >"$BATS_FILE_TMPDIR/www/5m"
	head -c 10M /dev/urandom >"$BATS_FILE_TMPDIR/10a"
	head -c 10M /dev/urandom >"$BATS_FILE_TMPDIR/10b"
}

test_setup() {
	[[ -f $PRELOAD_LIB ]] || fail "$PRELOAD_LIB is not built (make)"
}

test_teardown() {
	local pid
	for pid in $(jobs -p); do
		kill "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
}

# on NODE CMD...: CMD in a node's namespace, on its kernel, for at most
# a minute.
on() { timeout 60 ip netns exec "$LAB-$1" "${@:2}"; }

# on_hostd NODE CMD...: CMD in host node NODE, its sockets on NODE's
# hostd (hoplab exec puts the preload library in), for at most a minute.
on_hostd() { timeout 60 "$HOPLAB" exec "$LAB/$1" "${@:2}"; }

sha() { sha256sum <"$1" | cut -d' ' -f1; }

# same FILE COPY: fail unless COPY holds exactly FILE's bytes.
same() {
	local a b
	a=$(sha "$1")
	b=$(sha "$2")
	[[ $a == "$b" ]] ||
		fail "$2 ($(stat -c %s "$2") bytes, sha256 $b) differs from $1 ($(stat -c %s "$1") bytes, sha256 $a)"
}

# must CMD...: run CMD; fail, showing its stderr, unless it succeeds.
must() {
	local err=$BATS_TEST_TMPDIR/must.err rc=0
	"$@" 2>"$err" || rc=$?
	((rc == 0)) || {
		cat "$err" >&2
		fail "exit status $rc: $*"
	}
}

linux_listening() { on lA ss -Hln "sport = :$1" | grep -q .; }

# hostd_listening PORT: hA's hostd has a TCP listener on PORT.
hostd_listening() {
	"$HOPCTL" -j "$LAB/hA" show sockets | head -n 1 |
		jq -e --arg p ":$1" \
			'any(.[]; .proto == "tcp" and .state == "LISTEN" and (.local | endswith($p)))' >/dev/null
}

# hostd_udp PORT: hA's hostd has a UDP socket on PORT.
hostd_udp() {
	"$HOPCTL" -j "$LAB/hA" show sockets | head -n 1 |
		jq -e --arg p ":$1" \
			'any(.[]; .proto == "udp" and (.local | endswith($p)))' >/dev/null
}

# fetch_intact: one fetch from hA's hostd, to show it still serves.
fetch_intact() {
	local d=$BATS_TEST_TMPDIR
	on lA python3 -m http.server -b 10.0.1.20 -d "$BATS_FILE_TMPDIR/www" 8099 \
		>/dev/null 2>&1 &
	wait_until 5 linux_listening 8099
	must on_hostd hA curl -sS -o "$d/again" http://10.0.1.20:8099/5m
	same "$BATS_FILE_TMPDIR/www/5m" "$d/again"
}

# ---------------------------------------------------------------------------
# HTTP: curl and python3's http.server

@test "curl on hostd fetches 5 MB from python3 -m http.server on Linux, intact" {
	local d=$BATS_TEST_TMPDIR
	on lA python3 -m http.server -b 10.0.1.20 -d "$BATS_FILE_TMPDIR/www" 8000 \
		>/dev/null 2>&1 &
	wait_until 5 linux_listening 8000
	must on_hostd hA curl -sS -o "$d/got" http://10.0.1.20:8000/5m
	same "$BATS_FILE_TMPDIR/www/5m" "$d/got"
	# The connection was hostd's: the Linux side saw hA's address.
	must on_hostd hA curl -sS -o /dev/null \
		-w '%{local_ip} %{remote_ip}\n' http://10.0.1.20:8000/5m >"$d/ips"
	[[ $(cat "$d/ips") == "10.0.1.10 10.0.1.20" ]] || fail "curl saw $(cat "$d/ips")"
}

@test "python3 -m http.server on hostd serves curl on Linux, intact" {
	local d=$BATS_TEST_TMPDIR
	on_hostd hA python3 -m http.server -d "$BATS_FILE_TMPDIR/www" 8001 \
		>"$d/server.log" 2>&1 &
	wait_until 10 hostd_listening 8001
	must on lA curl -sS -o "$d/got" http://10.0.1.10:8001/5m
	same "$BATS_FILE_TMPDIR/www/5m" "$d/got"
}

@test "python3 -m http.server --bind :: on hostd is dual-stack: IPv4 clients as ::ffff:a.b.c.d" {
	local d=$BATS_TEST_TMPDIR
	on_hostd hA python3 -m http.server --bind :: -d "$BATS_FILE_TMPDIR/www" 8002 \
		>"$d/server.log" 2>&1 &
	wait_until 10 hostd_listening 8002
	must on lA curl -sS -o "$d/got" http://10.0.1.10:8002/5m
	same "$BATS_FILE_TMPDIR/www/5m" "$d/got"
	wait_until 5 grep -q '^::ffff:10.0.1.20 .*"GET /5m' "$d/server.log"
	grep -q 'Serving HTTP on :: port 8002' "$d/server.log"
}

# ---------------------------------------------------------------------------
# iperf3, TCP and UDP, each side on hostd in turn

# iperf_ok JSON UDP: iperf3 -J's report shows data through, no error.
iperf_ok() {
	jq -e 'has("error") | not' "$1" >/dev/null || fail "iperf3: $(jq -r .error "$1")"
	if [[ $2 == udp ]]; then
		jq -e '.end.sum.packets > 0 and .end.sum.lost_percent < 50' "$1" >/dev/null ||
			fail "iperf3 UDP: $(jq -c .end.sum "$1")"
	else
		jq -e '.end.sum_received.bytes > 1000000' "$1" >/dev/null ||
			fail "iperf3 TCP: $(jq -c .end.sum_received "$1")"
	fi
}

@test "iperf3 -s on hostd, iperf3 -c on Linux: TCP and UDP (-u -b 10M)" {
	local d=$BATS_TEST_TMPDIR
	on_hostd hA iperf3 -s -1 -p 5201 >"$d/s1" 2>&1 &
	wait_until 10 hostd_listening 5201
	must on lA iperf3 -J -c 10.0.1.10 -p 5201 -t 2 >"$d/tcp.json"
	iperf_ok "$d/tcp.json" tcp
	on_hostd hA iperf3 -s -1 -p 5202 >"$d/s2" 2>&1 &
	wait_until 10 hostd_listening 5202
	must on lA iperf3 -J -c 10.0.1.10 -p 5202 -t 2 -u -b 10M >"$d/udp.json"
	iperf_ok "$d/udp.json" udp
}

@test "iperf3 -c on hostd, iperf3 -s on Linux: TCP and UDP (-u -b 10M)" {
	local d=$BATS_TEST_TMPDIR
	on lA iperf3 -s -1 -p 5203 >/dev/null 2>&1 &
	wait_until 5 linux_listening 5203
	must on_hostd hA iperf3 -J -c 10.0.1.20 -p 5203 -t 2 >"$d/tcp.json"
	iperf_ok "$d/tcp.json" tcp
	# TCP_INFO came from hostd: a congestion window and an RTT (in some
	# interval: the first once showed an RTT of 0).
	jq -e '[.intervals[].streams[0]] | any(.snd_cwnd > 0 and .rtt > 0)' "$d/tcp.json" >/dev/null ||
		fail "TCP_INFO: $(jq -c '[.intervals[].streams[0]]' "$d/tcp.json")"
	on lA iperf3 -s -1 -p 5204 >/dev/null 2>&1 &
	wait_until 5 linux_listening 5204
	must on_hostd hA iperf3 -J -c 10.0.1.20 -p 5204 -t 2 -u -b 10M >"$d/udp.json"
	iperf_ok "$d/udp.json" udp
}

# ---------------------------------------------------------------------------
# OpenBSD nc, 10 MB each way

@test "nc -N on hostd as client: 10 MB each way to nc -l on Linux, intact" {
	local d=$BATS_TEST_TMPDIR
	# (nc -l ends on its peer's FIN: one way at a time.)
	on lA nc -l -N 10.0.1.20 7001 </dev/null >"$d/at_lA" &
	local lpid=$!
	wait_until 5 linux_listening 7001
	must on_hostd hA nc -N 10.0.1.20 7001 <"$BATS_FILE_TMPDIR/10a" >/dev/null
	wait "$lpid"
	same "$BATS_FILE_TMPDIR/10a" "$d/at_lA"
	on lA nc -l -N 10.0.1.20 7002 <"$BATS_FILE_TMPDIR/10b" >/dev/null &
	lpid=$!
	wait_until 5 linux_listening 7002
	mkfifo "$d/in"
	on_hostd hA nc -N 10.0.1.20 7002 <"$d/in" >"$d/at_hA" &
	local hpid=$!
	exec {keep}>"$d/in"
	wait_until 60 bash -c "[[ \$(stat -c %s '$d/at_hA') -ge 10485760 ]]" || true
	exec {keep}>&-
	wait "$hpid"
	wait "$lpid"
	same "$BATS_FILE_TMPDIR/10b" "$d/at_hA"
}

@test "nc -l -N on hostd as listener: 10 MB each way from nc on Linux, intact" {
	local d=$BATS_TEST_TMPDIR
	on_hostd hA nc -l -N 7003 </dev/null >"$d/at_hA" &
	local hpid=$!
	wait_until 10 hostd_listening 7003
	must on lA nc -N 10.0.1.10 7003 <"$BATS_FILE_TMPDIR/10a" >/dev/null
	wait "$hpid"
	same "$BATS_FILE_TMPDIR/10a" "$d/at_hA"
	on_hostd hA nc -l -N 7004 <"$BATS_FILE_TMPDIR/10b" >/dev/null &
	hpid=$!
	wait_until 10 hostd_listening 7004
	mkfifo "$d/in"
	on lA nc -N 10.0.1.10 7004 <"$d/in" >"$d/at_lA" &
	local lpid=$!
	exec {keep}>"$d/in"
	wait_until 60 bash -c "[[ \$(stat -c %s '$d/at_lA') -ge 10485760 ]]" || true
	exec {keep}>&-
	wait "$lpid"
	wait "$hpid"
	same "$BATS_FILE_TMPDIR/10b" "$d/at_lA"
}

# ---------------------------------------------------------------------------
# Connects that fail, and what is not supported

@test "curl on hostd to a closed port: connection refused (exit 7)" {
	run on_hostd hA curl -sS http://10.0.1.20:9/
	assert_equal "$status" 7
	assert_output --partial "Couldn't connect to server"
}

@test "non-blocking connect: EINPROGRESS with the descriptor in place, then SO_ERROR; refused shows as hang-up" {
	local d=$BATS_TEST_TMPDIR
	cat >"$d/nb.py" <<'EOF'
import errno, os, select, socket, sys
s = socket.socket()
s.setblocking(False)
fd = s.fileno()
err = s.connect_ex((sys.argv[1], int(sys.argv[2])))
print("connect", errno.errorcode.get(err, err))
ep = select.epoll()
ep.register(fd, select.EPOLLOUT | select.EPOLLIN)
ep.poll(10)
print("so_error", errno.errorcode.get(s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), 0))
p = select.poll()
p.register(fd, select.POLLIN)
print("hup", bool(p.poll(5000)[0][1] & select.POLLHUP))
print("same fd", s.fileno() == fd)
EOF
	on lA nc -l -N 10.0.1.20 7005 </dev/null >/dev/null &
	wait_until 5 linux_listening 7005
	run on_hostd hA python3 "$d/nb.py" 10.0.1.20 7005
	assert_success
	assert_line "connect EINPROGRESS"
	assert_line "so_error 0"
	run on_hostd hA python3 "$d/nb.py" 10.0.1.20 7006
	assert_success
	assert_line "connect EINPROGRESS"
	assert_line "so_error ECONNREFUSED"
	assert_line "hup True"
	assert_line "same fd True"
}

@test "unsupported calls fail with a clear errno, and hostd keeps serving" {
	local d=$BATS_TEST_TMPDIR
	cat >"$d/unsup.py" <<'EOF'
import errno, socket
def name(f):
    try:
        f()
        return "ok"
    except OSError as e:  # (Python names EOPNOTSUPP ENOTSUP)
        return "EOPNOTSUPP" if e.errno == errno.EOPNOTSUPP else errno.errorcode[e.errno]
s = socket.socket()
TCP_MD5SIG = 14
print("md5sig", name(lambda: s.setsockopt(socket.IPPROTO_TCP, TCP_MD5SIG, bytes(216))))
print("raw", name(lambda: socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)))
print("icmp", name(lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)))
print("ipv6", name(lambda: socket.socket(socket.AF_INET6).connect(("2001:db8::1", 80))))
print("maxseg", name(lambda: s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 1000)))
print("nodelay", name(lambda: s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("0.0.0.0", 4444))
print("udp rebind", name(lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).bind(("0.0.0.0", 4444))))
EOF
	run on_hostd hA python3 "$d/unsup.py"
	assert_success
	assert_line "md5sig ENOPROTOOPT"
	assert_line "raw EOPNOTSUPP"
	assert_line "icmp EPROTONOSUPPORT"
	assert_line "ipv6 ENETUNREACH"
	assert_line "maxseg ENOPROTOOPT"
	assert_line "nodelay ok"
	assert_line "udp rebind EADDRINUSE"
	fetch_intact
}

# ---------------------------------------------------------------------------
# fork and exec keep sockets; without HOSTSOCK_NODE, the kernel's

@test "fork + exec, and subprocess with pass_fds: the child writes on the inherited socket" {
	local d=$BATS_TEST_TMPDIR how port=7007
	cat >"$d/fx.py" <<'EOF'
import os, socket, subprocess, sys
child = ("import socket, sys\n"
         "s = socket.socket(fileno=int(sys.argv[1]))\n"
         "s.sendall(('child %d %s\\n' % (s.family, s.getpeername()[0])).encode())\n")
l = socket.socket(socket.AF_INET6)
l.bind(("::", int(sys.argv[1])))
l.listen()
c, peer = l.accept()
fd = c.fileno()
if sys.argv[2] == "fork":
    pid = os.fork()
    if pid == 0:
        os.set_inheritable(fd, True)
        os.execvp("python3", ["python3", "-c", child, str(fd)])
    os.waitpid(pid, 0)
else:
    subprocess.run(["python3", "-c", child, str(fd)], pass_fds=[fd], check=True)
c.sendall(b"parent %s\n" % peer[0].encode())
c.close()
EOF
	for how in fork spawn; do
		on_hostd hA python3 "$d/fx.py" "$port" "$how" >"$d/$how.log" 2>&1 &
		wait_until 10 hostd_listening "$port"
		run on lA nc -N 10.0.1.10 "$port" </dev/null
		assert_success
		# The child knew its socket: AF_INET6 (10), the peer v4-mapped.
		assert_line "child 10 ::ffff:10.0.1.20"
		assert_line "parent ::ffff:10.0.1.20"
		port=$((port + 1))
	done
}

@test "curl by name: Linux fetches from hostd's own server at http://hA/, hostd's curl from Linux and from itself" {
	local d=$BATS_TEST_TMPDIR
	run "$HOPCTL" "$LAB/hA" http serve "$BATS_FILE_TMPDIR/www"
	assert_success
	must on lA curl -sS -o "$d/by_lA" http://hA/5m
	same "$BATS_FILE_TMPDIR/www/5m" "$d/by_lA"
	on lA python3 -m http.server -b 10.0.1.20 -d "$BATS_FILE_TMPDIR/www" 8004 \
		>/dev/null 2>&1 &
	wait_until 5 linux_listening 8004
	must on_hostd hA curl -sS -o "$d/by_hA" http://lA-eth0:8004/5m
	same "$BATS_FILE_TMPDIR/www/5m" "$d/by_hA"
	# hostd's curl to hostd's server, by its own name: hostd's loopback.
	must on_hostd hA curl -sS -o "$d/self" http://hA/5m
	same "$BATS_FILE_TMPDIR/www/5m" "$d/self"
	"$HOPCTL" "$LAB/hA" http stop >/dev/null
}

@test "hoplab exec --kernel runs on the host node's own kernel, which has no address" {
	run timeout 30 "$HOPLAB" exec --kernel "$LAB/hA" curl -sS --max-time 5 http://lA-eth0:8005/
	assert_failure
	# shellcheck disable=SC2016 # expanded by the shell inside the node
	run "$HOPLAB" exec --kernel "$LAB/hA" sh -c 'echo "${LD_PRELOAD:-none} ${HOSTSOCK_NODE:-none}"'
	assert_output "none none"
}

@test "without HOSTSOCK_NODE the library leaves sockets to the kernel" {
	local d=$BATS_TEST_TMPDIR
	on lA python3 -m http.server -b 10.0.1.20 -d "$BATS_FILE_TMPDIR/www" 8003 \
		>/dev/null 2>&1 &
	wait_until 5 linux_listening 8003
	must timeout 30 ip netns exec "$LAB-lA" env LD_PRELOAD="$PRELOAD_LIB" \
		curl -sS -o "$d/got" http://10.0.1.20:8003/5m
	same "$BATS_FILE_TMPDIR/www/5m" "$d/got"
	# and in the host node, whose kernel has no address: nothing works.
	run timeout 30 ip netns exec "$LAB-hA" env LD_PRELOAD="$PRELOAD_LIB" \
		curl -sS http://10.0.1.20:8003/5m
	assert_failure
}
