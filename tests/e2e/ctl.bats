#!/usr/bin/env bats
# The control socket cannot be locked up: thousands of clients that
# connect and send nothing neither keep hopctl out nor hold their places
# for long, and streams are not cut.  Needs root.

load helpers

setup_file() {
	LAB=$(lab_name ctl)
	export LAB
	cat >"$BATS_FILE_TMPDIR/ctl.lab" <<EOF
lab $LAB
node h1 host
node sw1 switch
node h2 host
link h1:eth0 sw1:p1
link h2:eth0 sw1:p2
addr h1:eth0 10.0.0.1/24
addr h2:eth0 10.0.0.2/24
EOF
	lab_up "$BATS_FILE_TMPDIR/ctl.lab"
}

test_teardown() {
	if [[ -n ${IDLE_PID:-} ]]; then
		kill "$IDLE_PID" 2>/dev/null || true
		wait "$IDLE_PID" 2>/dev/null || true
	fi
}

stat_of() { "$HOPCTL" -j "$LAB/$1" show stats | head -n 1 | jq -r ".$2"; }
stat_is() { [ "$(stat_of "$1" "$2")" = "$3" ]; }
# stat_at_least NODE NAME N
stat_at_least() { (($(stat_of "$1" "$2") >= $3)); }

# start_idle NODE N: a client holding N connections to NODE's control
# socket that send nothing, until it is killed; waits until all are
# connected.
start_idle() {
	local sock=$HOPLAB_RUN_ROOT/$LAB/$1.sock ready=$BATS_TEST_TMPDIR/ready
	python3 - "$sock" "$2" "$ready" <<'EOF' 3>&- &
import resource, socket, sys, time
path, n, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
conns = []
for _ in range(n):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    conns.append(s)
open(ready, "w").write("%d\n" % len(conns))
time.sleep(600)
EOF
	IDLE_PID=$!
	wait_until 60 test -s "$ready"
}

@test "3000 idle connections do not keep hopctl out; the oldest give way and are counted" {
	local before
	before=$(stat_of sw1 ctl_evicted)
	start_idle sw1 3000
	run "$HOPCTL" "$LAB/sw1" show ports
	assert_success
	assert_line --regexp '^p1 '
	(($(stat_of sw1 ctl_evicted) >= before + 3000 - 64))
	[ "$(stat_of sw1 ctl_refused)" = 0 ]
	(($(stat_of sw1 ctl_connections) <= $(stat_of sw1 ctl_connections_max)))
}

@test "a connection that sends no request is closed after a few seconds and counted" {
	local before
	before=$(stat_of h1 ctl_idle_closed)
	start_idle h1 5
	wait_until 15 stat_at_least h1 ctl_idle_closed $((before + 5))
	# All gone (after the grace given to a reply on its way): only
	# hopctl's own connection is left.
	wait_until 5 stat_is h1 ctl_connections 1
}

@test "a stream outlives the idle time and is not evicted by idle clients" {
	"$HOPCTL" "$LAB/h2" udp listen 7000 -c 1 >"$BATS_TEST_TMPDIR/listen" 2>&1 &
	local listener=$!
	wait_until 5 eval "'$HOPCTL' '$LAB/h2' show sockets | grep -q ':7000'"
	start_idle h2 500
	sleep 7
	"$HOPCTL" "$LAB/h1" udp send 10.0.0.2 7000 still listening
	local rc=0
	wait "$listener" || rc=$?
	cat "$BATS_TEST_TMPDIR/listen"
	[ "$rc" = 0 ]
	grep -q "still listening" "$BATS_TEST_TMPDIR/listen"
	(($(stat_of h2 ctl_evicted) >= 500 - 64))
}
