#!/usr/bin/env bats
# End-to-end tests of hoplab itself: topology validation, bring-up and
# teardown of linux-only labs, the daemon life cycle (with stand-in daemons,
# so it is tested before the real ones exist), and a real switchd once it
# is built.  Needs root.

load helpers

# Stand-in daemons and hopctl: enough of the contract (pid file, control
# socket, SIGTERM) for hoplab to manage them.  FAKE_* variables, passed
# through hoplab's environment, make a daemon misbehave.
setup_file() {
	FAKEBIN=$BATS_FILE_TMPDIR/fakebin
	mkdir -p "$FAKEBIN" "$BATS_FILE_TMPDIR/nobin"
	cat >"$FAKEBIN/switchd" <<'EOF'
#!/bin/bash
echo "argv: $*"
while (($#)); do
	case $1 in
	--name) name=$2; shift ;;
	--socket) sock=$2; shift ;;
	--pidfile) pidfile=$2; shift ;;
	--config) config=$2; shift ;;
	esac
	shift
done
echo "netns: $(ip netns identify)"
[[ ${FAKE_DIE:-} == "$name" ]] && { echo "fake: exiting at start-up"; exit 3; }
echo $$ >"$pidfile"
[[ ${FAKE_MUTE:-} == "$name" ]] || : >"$sock"
[[ -n ${config:-} ]] && { echo "config:"; cat "$config"; }
on_term() {
	echo "fake: SIGTERM"
	[[ ${FAKE_STUBBORN:-} == "$name" ]] && return
	[[ ${FAKE_ASAN:-} == "$name" ]] && echo "==1==ERROR: AddressSanitizer: heap-use-after-free"
	rm -f "$sock"
	exit 0
}
trap on_term TERM
while :; do sleep 0.1; done
EOF
	cp "$FAKEBIN/switchd" "$FAKEBIN/routerd"
	cp "$FAKEBIN/switchd" "$FAKEBIN/hostd"
	cat >"$FAKEBIN/hopctl" <<'EOF'
#!/bin/bash
node=$1
shift
[[ -e $HOPLAB_RUN_DIR/${node%%/*}/${node#*/}.sock ]] || { echo "hopctl: cannot reach $node" >&2; exit 2; }
echo "fake hopctl $node: $*"
EOF
	chmod +x "$FAKEBIN"/*
	export FAKEBIN
}

test_setup() {
	LABS=()
	FOREIGN_NS=()
}

# Each test's labs are taken down after it (helpers' health_check then
# looks at their logs).
test_teardown() {
	local lab ns rc=0
	for lab in "${LABS[@]}"; do
		lab_down "$lab" || rc=1
	done
	for ns in "${FOREIGN_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null || true
	done
	return "$rc"
}

# new_lab VAR PREFIX: put a fresh lab name in VAR and remove that lab in
# teardown.
new_lab() {
	local name
	name=$(lab_name "$2")
	LABS+=("$name")
	printf -v "$1" '%s' "$name"
}

ns_has_procs() { [[ -n $(ip netns pids "$1") ]]; }

# lab_absent LAB: no namespace, no run dir, no veth pointing at the lab.
lab_absent() {
	! ip netns list | grep -q "^$1-" &&
		[[ ! -e $HOPLAB_RUN_ROOT/$1 ]] &&
		! ip -o link show type veth | grep -q "link-netns $1-"
}

# pid_gone PID: no such process, or only its zombie (waiting for whichever
# process adopted it to reap it).
pid_gone() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	stat=${stat##*) }
	[[ ${stat%% *} == Z ]]
}

# write_two_linux FILE LAB: two linux nodes on one veth, with routes.
write_two_linux() {
	cat >"$1" <<EOF
# two kernels on one wire
lab $2
node a linux
node b linux
link a:eth0 b:eth0 mtu 1400
addr a:eth0 10.77.0.1/24
addr b:eth0 10.77.0.2/24
route a 10.88.0.0/16 via 10.77.0.2
route b default via 10.77.0.1
run a sleep 1000
run b ip -o -4 addr show dev eth0
EOF
}

# write_daemons FILE LAB: one node of each daemon kind, and a linux node.
write_daemons() {
	cat >"$1" <<EOF
lab $2
node h1 host
node sw1 switch
node r1 router
node k1 linux
link h1:eth0 sw1:p1
link sw1:p2 r1:eth0
link r1:eth1 k1:eth0
addr h1:eth0 10.5.1.10/24
route h1 default via 10.5.1.1
addr r1:eth0 10.5.1.1/24
addr r1:eth1 10.5.2.1/24
route r1 10.6.0.0/16 via 10.5.2.2
addr k1:eth0 10.5.2.2/24
run sw1 show mac
EOF
}

# expect_topo_error LINE TEXT: hoplab up on stdin's topology (lab named
# $lab) exits 2 with FILE:LINE: ... TEXT as its first line, creating nothing.
expect_topo_error() {
	local file=$BATS_TEST_TMPDIR/bad.lab
	cat >"$file"
	HOPLAB_BIN=$FAKEBIN run "$HOPLAB" up "$file"
	assert_failure 2
	assert_line --index 0 --partial "$file:$1: "
	assert_line --index 0 --partial "$2"
	lab_absent "$lab"
}

# ---------------------------------------------------------------------------
# command line

@test "help and usage errors" {
	run "$HOPLAB" --help
	assert_success
	assert_output --partial "hoplab up FILE"
	run "$HOPLAB" -h
	assert_success
	run "$HOPLAB" help
	assert_success
	run "$HOPLAB"
	assert_failure 2
	run "$HOPLAB" frobnicate
	assert_failure 2
	run "$HOPLAB" up
	assert_failure 2
	run "$HOPLAB" up "$BATS_TEST_TMPDIR/missing.lab"
	assert_failure 2
	run "$HOPLAB" down
	assert_failure 2
	run "$HOPLAB" down --bogus x
	assert_failure 2
	run "$HOPLAB" status 'Bad Name'
	assert_failure 2
	run "$HOPLAB" exec onlynode
	assert_failure 2
	local verb
	for verb in up down status exec graph; do
		run "$HOPLAB" "$verb" --help
		assert_success
		assert_line --index 0 --partial "usage: hoplab $verb "
		run "$HOPLAB" "$verb" -h
		assert_success
		run "$HOPLAB" --help
		assert_line --regexp "^(usage: |       )hoplab $verb "
	done
}

# ---------------------------------------------------------------------------
# topology errors: FILE:LINE, exit 2, nothing created

@test "topology: missing lab line" {
	new_lab lab err
	expect_topo_error 2 "expected 'lab NAME'" <<EOF
# no lab line
node a linux
lab $lab
EOF
	expect_topo_error 1 "no 'lab NAME' directive" <<EOF
# only a comment

EOF
}

@test "topology: duplicate lab line" {
	new_lab lab err
	expect_topo_error 4 "duplicate 'lab' directive (first at line 1)" <<EOF
lab $lab
node a linux

lab $lab
EOF
}

@test "topology: bad lab names" {
	new_lab lab err
	expect_topo_error 1 "bad lab name 'Upper'" <<EOF
lab Upper
EOF
	expect_topo_error 1 "bad lab name 'abcdefghijklm'" <<EOF
lab abcdefghijklm
EOF
	expect_topo_error 1 "bad lab name '-x'" <<EOF
lab -x
EOF
	expect_topo_error 1 "usage: lab NAME" <<EOF
lab a b
EOF
}

@test "topology: bad node lines" {
	new_lab lab err
	expect_topo_error 3 "unknown node kind 'bridge'" <<EOF
lab $lab
node a linux
node b bridge
EOF
	expect_topo_error 3 "duplicate node 'a' (first at line 2)" <<EOF
lab $lab
node a linux
node a host
EOF
	expect_topo_error 2 "bad node name 'a-b'" <<EOF
lab $lab
node a-b linux
EOF
	expect_topo_error 2 "longer than 15" <<EOF
lab $lab
node abcdefghijklmnop linux
EOF
	expect_topo_error 2 "usage: node NAME KIND" <<EOF
lab $lab
node a
EOF
	expect_topo_error 1 "lab '$lab' has no nodes" <<EOF
lab $lab
EOF
}

@test "topology: daemon kinds that are not built are refused" {
	new_lab lab err
	local file=$BATS_TEST_TMPDIR/nobin.lab
	printf 'lab %s\nnode k linux\n\nnode r1 router\n' "$lab" >"$file"
	HOPLAB_BIN=$BATS_FILE_TMPDIR/nobin run "$HOPLAB" up "$file"
	assert_failure 2
	assert_output "$file:4: node kind 'router' needs routerd, which is not built yet"
	lab_absent "$lab"
}

@test "topology: bad links" {
	new_lab lab err
	expect_topo_error 4 "unknown node 'c'" <<EOF
lab $lab
node a linux
node b linux
link a:eth0 c:eth0
EOF
	expect_topo_error 3 "unknown node 'b'" <<EOF
lab $lab
node a linux
link a:eth0 b:eth0
node b linux
EOF
	expect_topo_error 5 "interface a:eth0 is already used by the link at line 4" <<EOF
lab $lab
node a linux
node b linux
link a:eth0 b:eth0
link a:eth0 b:eth1
EOF
	expect_topo_error 4 "expected NODE:IF" <<EOF
lab $lab
node a linux
node b linux
link a b:eth0
EOF
	expect_topo_error 4 "longer than 15" <<EOF
lab $lab
node a linux
node b linux
link a:abcdefghijklmnop b:eth0
EOF
	expect_topo_error 4 "bad interface name 'e/0'" <<EOF
lab $lab
node a linux
node b linux
link a:e/0 b:eth0
EOF
}

@test "topology: bad mtu" {
	new_lab lab err
	local mtu
	for mtu in 67 65536 abc 01500; do
		expect_topo_error 4 "bad mtu '$mtu'" <<EOF
lab $lab
node a linux
node b linux
link a:eth0 b:eth0 mtu $mtu
EOF
	done
	expect_topo_error 4 "expected 'mtu N'" <<EOF
lab $lab
node a linux
node b linux
link a:eth0 b:eth0 speed 10
EOF
}

@test "topology: addr on a switch" {
	new_lab lab err
	expect_topo_error 5 "node 'sw' is a switch" <<EOF
lab $lab
node a linux
node sw switch
link a:eth0 sw:p1
addr sw:p1 10.0.0.1/24
EOF
}

@test "topology: addr on an interface without a link" {
	new_lab lab err
	expect_topo_error 5 "node 'a' has no interface 'eth1'" <<EOF
lab $lab
node a linux
node b linux
link a:eth0 b:eth0
addr a:eth1 10.0.0.1/24
EOF
}

@test "topology: bad addresses" {
	new_lab lab err
	local cidr
	for cidr in 10.0.0.256/24 10.0.0.1/33 10.0.0.1 10.0.1/24 10.00.0.1/24 10.0.0.1/024 x/24; do
		expect_topo_error 5 "bad address '$cidr'" <<EOF
lab $lab
node a linux
node b linux
link a:eth0 b:eth0
addr a:eth0 $cidr
EOF
	done
	expect_topo_error 6 "address 10.0.0.1 is already on node 'a' (line 5)" <<EOF
lab $lab
node a linux
node b linux
link a:eth0 b:eth0
addr a:eth0 10.0.0.1/24
addr a:eth0 10.0.0.1/16
EOF
}

@test "topology: bad routes" {
	new_lab lab err
	local head="lab $lab
node a linux
node sw switch
link a:eth0 sw:p1
addr a:eth0 10.0.0.1/24"
	expect_topo_error 6 "usage: route NODE PREFIX via GATEWAY" <<<"$head
route a default 10.0.0.254"
	expect_topo_error 6 "bad route prefix '10.1.0.0'" <<<"$head
route a 10.1.0.0 via 10.0.0.254"
	expect_topo_error 6 "has bits set beyond /16" <<<"$head
route a 10.1.2.0/16 via 10.0.0.254"
	expect_topo_error 6 "bad gateway '10.0.0.300'" <<<"$head
route a default via 10.0.0.300"
	expect_topo_error 6 "gateway 10.9.9.9 is not on any subnet of node 'a'" <<<"$head
route a default via 10.9.9.9"
	expect_topo_error 6 "node 'sw' is a switch" <<<"$head
route sw default via 10.0.0.254"
	expect_topo_error 6 "unknown node 'zz'" <<<"$head
route zz default via 10.0.0.254"
}

@test "topology: run on an unknown node" {
	new_lab lab err
	expect_topo_error 4 "unknown node 'c'" <<EOF
lab $lab
node a linux
# comment line
run c echo hi
EOF
}

@test "topology: unknown directive" {
	new_lab lab err
	expect_topo_error 3 "unknown directive 'bridge'" <<EOF
lab $lab
node a linux   # trailing comment
  bridge a
EOF
}

# ---------------------------------------------------------------------------
# linux-only labs

@test "linux lab: nodes ping each other, routes and mtu are set, status lists them" {
	new_lab lab lx
	local file=$BATS_TEST_TMPDIR/two.lab
	write_two_linux "$file" "$lab"
	run "$HOPLAB" up "$file"
	assert_success
	assert_output --partial "lab $lab is up"
	assert_line --regexp '^a +linux +- +eth0 10\.77\.0\.1/24$'

	run "$HOPLAB" exec "$lab/a" ping -c 1 -W 2 10.77.0.2
	assert_success
	run "$HOPLAB" exec "$lab/b" ping -c 1 -W 2 10.77.0.1
	assert_success
	run "$HOPLAB" exec "$lab/a" ip route show 10.88.0.0/16
	assert_output --partial "via 10.77.0.2 dev eth0"
	run "$HOPLAB" exec "$lab/b" ip route show default
	assert_output --partial "via 10.77.0.1 dev eth0"
	run "$HOPLAB" exec "$lab/a" ip link show eth0
	assert_output --partial "mtu 1400"
	run "$HOPLAB" exec "$lab/a" ethtool -k eth0
	assert_line "tx-checksumming: off"
	assert_line "generic-segmentation-offload: off"
	run "$HOPLAB" exec "$lab/a" sysctl -n net.ipv6.conf.eth0.disable_ipv6
	assert_output 1

	# The second run line's output goes to its log.
	wait_until 5 grep -q 10.77.0.2/24 "$HOPLAB_RUN_ROOT/$lab/b.run.2.log"

	run "$HOPLAB" status "$lab"
	assert_success
	assert_line --regexp '^a +linux +- +-$'
	assert_line --regexp '^b +linux +- +-$'
	run "$HOPLAB" status
	assert_success
	assert_output --partial "lab $lab"
}

@test "linux lab: down removes namespaces, veths, processes and run dir; twice is fine" {
	new_lab lab lx
	local file=$BATS_TEST_TMPDIR/two.lab
	write_two_linux "$file" "$lab"
	lab_up "$file"
	local -a pids
	wait_until 5 ns_has_procs "$lab-a"
	mapfile -t pids < <(ip netns pids "$lab-a")

	run "$HOPLAB" down "$lab"
	assert_success
	assert_output "lab $lab is down"
	lab_absent "$lab"
	local pid
	for pid in "${pids[@]}"; do
		pid_gone "$pid"
	done

	run "$HOPLAB" down "$lab"
	assert_success
	assert_output "lab $lab is not up"
	run "$HOPLAB" down "$file"
	assert_success
}

@test "linux lab: down by file, and down after the run dir was deleted" {
	new_lab lab lx
	local file=$BATS_TEST_TMPDIR/two.lab
	write_two_linux "$file" "$lab"
	lab_up "$file"
	run "$HOPLAB" down "$file"
	assert_success
	lab_absent "$lab"

	lab_up "$file"
	rm -rf "${HOPLAB_RUN_ROOT:?}/$lab"
	run "$HOPLAB" status
	assert_output --partial "lab $lab"
	run "$HOPLAB" down "$lab"
	assert_success
	assert_output "lab $lab is down"
	lab_absent "$lab"
}

@test "linux lab: up while up replaces the lab cleanly" {
	new_lab lab lx
	local file=$BATS_TEST_TMPDIR/two.lab
	write_two_linux "$file" "$lab"
	lab_up "$file"
	local old
	wait_until 5 ns_has_procs "$lab-a"
	old=$(ip netns pids "$lab-a")

	run "$HOPLAB" up "$file"
	assert_success
	assert_output --partial "lab $lab is up"
	pid_gone "$old"
	run "$HOPLAB" exec "$lab/a" ping -c 1 -W 2 10.77.0.2
	assert_success
	[ "$(ip netns list | grep -c "^$lab-")" -eq 2 ]
}

@test "two labs side by side, same addresses, isolated; exec picks the namespace" {
	local lab1 lab2
	new_lab lab1 lxa
	new_lab lab2 lxb
	write_two_linux "$BATS_TEST_TMPDIR/1.lab" "$lab1"
	write_two_linux "$BATS_TEST_TMPDIR/2.lab" "$lab2"
	lab_up "$BATS_TEST_TMPDIR/1.lab"
	lab_up "$BATS_TEST_TMPDIR/2.lab"
	# A different MAC on each lab's b: the answer must come from the same lab.
	"$HOPLAB" exec "$lab2/b" ip link set eth0 address 02:00:00:00:00:b2
	"$HOPLAB" exec "$lab1/b" ip link set eth0 address 02:00:00:00:00:b1

	run "$HOPLAB" exec "$lab1/a" ping -c 1 -W 2 10.77.0.2
	assert_success
	run "$HOPLAB" exec "$lab2/a" ping -c 1 -W 2 10.77.0.2
	assert_success
	run "$HOPLAB" exec "$lab1/a" ip neigh show 10.77.0.2
	assert_output --partial 02:00:00:00:00:b1
	run "$HOPLAB" exec "$lab2/a" ip neigh show 10.77.0.2
	assert_output --partial 02:00:00:00:00:b2

	run "$HOPLAB" exec "$lab1/b" ip netns identify
	assert_output "$lab1-b"
	run "$HOPLAB" exec "$lab2/a" sh -c 'exit 7'
	assert_failure 7
	run "$HOPLAB" exec a true
	assert_failure 2
	assert_output --partial "name the node as LAB/a"
	run "$HOPLAB" exec "$lab1/nosuch" true
	assert_failure 2

	run "$HOPLAB" down "$lab1"
	assert_success
	lab_absent "$lab1"
	run "$HOPLAB" exec "$lab2/a" ping -c 1 -W 2 10.77.0.2
	assert_success
	# Plain NODE works when exactly one lab is up: here, the only one in
	# a run root of its own.
	local solo root=$BATS_TEST_TMPDIR/run
	solo=$(HOPLAB_RUN_ROOT=$root lab_name lxc)
	write_two_linux "$BATS_TEST_TMPDIR/solo.lab" "$solo"
	HOPLAB_RUN_DIR=$root lab_up "$BATS_TEST_TMPDIR/solo.lab"
	HOPLAB_RUN_DIR=$root run "$HOPLAB" exec b ip netns identify
	assert_success
	assert_output "$solo-b"
	lab_down "$solo"
}

@test "a lab whose name is a prefix of another's leaves the other alone" {
	new_lab lab lx
	local other=${lab:0:9}-x2
	LABS+=("$other")
	write_two_linux "$BATS_TEST_TMPDIR/1.lab" "$lab"
	write_two_linux "$BATS_TEST_TMPDIR/2.lab" "$other"
	lab_up "$BATS_TEST_TMPDIR/1.lab"
	lab_up "$BATS_TEST_TMPDIR/2.lab"
	local short=${lab:0:9}
	run "$HOPLAB" down "$short"
	assert_success
	[ "$(ip netns list | grep -c "^$other-")" -eq 2 ]
}

@test "down --all takes down every lab of its run root, and only those" {
	local root=$BATS_TEST_TMPDIR/all lab1 lab2 bystander l
	lab1=$(HOPLAB_RUN_ROOT=$root lab_name alla)
	lab2=$(HOPLAB_RUN_ROOT=$root lab_name allb)
	new_lab bystander allo
	write_two_linux "$BATS_TEST_TMPDIR/1.lab" "$lab1"
	write_two_linux "$BATS_TEST_TMPDIR/2.lab" "$lab2"
	write_two_linux "$BATS_TEST_TMPDIR/o.lab" "$bystander"
	HOPLAB_RUN_DIR=$root lab_up "$BATS_TEST_TMPDIR/1.lab"
	HOPLAB_RUN_DIR=$root lab_up "$BATS_TEST_TMPDIR/2.lab"
	# A lab of another run root (the file's own) stands for the other labs
	# of the machine.
	lab_up "$BATS_TEST_TMPDIR/o.lab"
	for l in "$lab1" "$lab2"; do
		[ -d "$root/$l" ]
		[ "$(ip netns list | grep -c "^$l-")" -eq 2 ]
	done

	HOPLAB_RUN_DIR=$root run "$HOPLAB" down --all
	assert_success
	assert_line "lab $lab1 is down"
	assert_line "lab $lab2 is down"
	assert_equal "${#lines[@]}" 2
	for l in "$lab1" "$lab2"; do
		[ ! -e "$root/$l" ]
		[ "$(ip netns list | grep -c "^$l-")" -eq 0 ]
		[ "$(ip -o link show type veth | grep -c "link-netns $l-")" -eq 0 ]
	done
	# The other root's lab is still up, and answers.
	run "$HOPLAB" exec "$bystander/a" ping -c 1 -W 2 10.77.0.2
	assert_success
	[ -d "$HOPLAB_RUN_ROOT/$bystander" ]
	HOPLAB_RUN_DIR=$root run "$HOPLAB" down --all
	assert_success
	assert_output "no labs are up"
}

# ---------------------------------------------------------------------------
# daemon life cycle, with the stand-in daemons

@test "daemons: started with the contract's arguments and config, status, SIGTERM at down" {
	new_lab lab dm
	local file=$BATS_TEST_TMPDIR/d.lab run_dir
	write_daemons "$file" "$lab"
	run_dir=$HOPLAB_RUN_ROOT/$lab
	HOPLAB_BIN=$FAKEBIN run "$HOPLAB" up "$file"
	assert_success
	assert_output --partial "fake hopctl $lab/sw1: show mac"
	assert_line --regexp '^r1 +router +[0-9]+ +eth0 10\.5\.1\.1/24, eth1 10\.5\.2\.1/24$'
	assert_line --regexp '^sw1 +switch +[0-9]+ +p1, p2$'

	run cat "$run_dir/r1.log"
	assert_line "argv: --name r1 --socket $run_dir/r1.sock --pidfile $run_dir/r1.pid --config $run_dir/r1.conf -i eth0 -i eth1"
	assert_line "netns: $lab-r1"
	run cat "$run_dir/r1.conf"
	assert_output "addr add eth0 10.5.1.1/24
addr add eth1 10.5.2.1/24
route add 10.6.0.0/16 via 10.5.2.2"
	run cat "$run_dir/h1.conf"
	assert_output "addr add eth0 10.5.1.10/24
route add 0.0.0.0/0 via 10.5.1.1"
	run cat "$run_dir/sw1.log"
	assert_line "argv: --name sw1 --socket $run_dir/sw1.sock --pidfile $run_dir/sw1.pid -i p1 -i p2"
	[ -d "$run_dir/capture" ]
	run cat "$run_dir/nodes"
	assert_output "h1 host
sw1 switch
r1 router
k1 linux"
	# The kernel in a daemon's namespace has no address.
	run "$HOPLAB" exec "$lab/r1" ip -4 -o addr show dev eth0
	assert_output ""

	run "$HOPLAB" status "$lab"
	assert_line --regexp '^h1 +host +[0-9]+ +alive$'
	assert_line --regexp '^k1 +linux +- +-$'

	run "$HOPLAB" down --save-logs "$BATS_TEST_TMPDIR/logs" "$lab"
	assert_success
	lab_absent "$lab"
	run cat "$BATS_TEST_TMPDIR/logs/sw1.log"
	assert_line "fake: SIGTERM"
}

@test "daemons: kill -9, then up again comes back healthy and down cleans up" {
	new_lab lab dm
	local file=$BATS_TEST_TMPDIR/d.lab pid
	write_daemons "$file" "$lab"
	expect_unhealthy "$lab"
	HOPLAB_BIN=$FAKEBIN lab_up "$file"
	pid=$(cat "$HOPLAB_RUN_ROOT/$lab/sw1.pid")
	kill -9 "$pid"
	wait_until 5 sh -c "'$HOPLAB' status '$lab' | grep -Eq '^sw1 .* dead$'"
	run "$HOPLAB" status "$lab"
	assert_line --regexp '^r1 +router +[0-9]+ +alive$'

	HOPLAB_BIN=$FAKEBIN run "$HOPLAB" up "$file"
	assert_success
	run "$HOPLAB" status "$lab"
	refute_output --partial dead
	run "$HOPLAB" down "$lab"
	assert_success
	lab_absent "$lab"
}

@test "daemons: one that exits at start-up rolls the whole lab back" {
	new_lab lab dm
	local file=$BATS_TEST_TMPDIR/d.lab
	write_daemons "$file" "$lab"
	expect_unhealthy "$lab"
	HOPLAB_BIN=$FAKEBIN FAKE_DIE=r1 run "$HOPLAB" up "$file"
	assert_failure 1
	assert_output --partial "daemon of node r1 (routerd) exited during start-up"
	assert_output --partial "fake: exiting at start-up"
	lab_absent "$lab"
}

@test "daemons: one that never answers times out and rolls back" {
	new_lab lab dm
	local file=$BATS_TEST_TMPDIR/d.lab
	write_daemons "$file" "$lab"
	HOPLAB_BIN=$FAKEBIN FAKE_MUTE=h1 HOPLAB_START_TIMEOUT=1 run "$HOPLAB" up "$file"
	assert_failure 1
	assert_output --partial "daemon of node h1 did not answer"
	lab_absent "$lab"
	run pgrep -f "$HOPLAB_RUN_ROOT/$lab/"
	assert_failure
}

@test "daemons: down kills one that ignores SIGTERM" {
	new_lab lab dm
	local file=$BATS_TEST_TMPDIR/d.lab
	write_daemons "$file" "$lab"
	expect_unhealthy "$lab"
	HOPLAB_BIN=$FAKEBIN FAKE_STUBBORN=sw1 lab_up "$file"
	run "$HOPLAB" down "$lab"
	assert_success
	assert_line --regexp "^hoplab: daemon of node $lab/sw1 \(pid [0-9]+\) ignored SIGTERM for 3s; killed it\$"
	lab_absent "$lab"
	run pgrep -f "$HOPLAB_RUN_ROOT/$lab/"
	assert_failure
}

@test "health_check: a dead daemon, a sanitizer report, a daemon killed at down fail the test, whether the lab is up or down" {
	new_lab lab dm
	local file=$BATS_TEST_TMPDIR/d.lab
	write_daemons "$file" "$lab"
	HOPLAB_BIN=$FAKEBIN lab_up "$file"
	run health_check
	assert_success
	run lab_down "$lab"
	assert_success
	run health_check
	assert_success
	lab_absent "$lab"

	# A daemon dies while its lab is up: reported once, and not again when
	# the lab is taken down with it dead ...
	HOPLAB_BIN=$FAKEBIN lab_up "$file"
	kill -9 "$(cat "$HOPLAB_RUN_ROOT/$lab/h1.pid")"
	wait_until 5 sh -c "'$HOPLAB' status '$lab' | grep -Eq '^h1 .* dead$'"
	run health_check
	assert_failure
	assert_output --partial "daemon of node $lab/h1 is not running (dead)"
	run health_check
	assert_success
	run lab_down "$lab"
	assert_success
	run health_check
	assert_success
	lab_absent "$lab"
	# ... while one that died unseen is reported from the logs hoplab kept.
	HOPLAB_BIN=$FAKEBIN lab_up "$file"
	kill -9 "$(cat "$HOPLAB_RUN_ROOT/$lab/h1.pid")"
	wait_until 5 sh -c "'$HOPLAB' status '$lab' | grep -Eq '^h1 .* dead$'"
	run lab_down "$lab"
	assert_success
	run health_check
	assert_failure
	assert_output --partial "lab $lab was taken down with the daemon of node h1 dead"
	lab_absent "$lab"

	# A report written at exit is found in the logs hoplab kept.
	HOPLAB_BIN=$FAKEBIN FAKE_ASAN=r1 lab_up "$file"
	run lab_down "$lab"
	assert_success
	run health_check
	assert_failure
	assert_output --partial "sanitizer report in the log of $lab/r1"
	assert_output --partial "AddressSanitizer: heap-use-after-free"

	# A daemon that ignores SIGTERM: lab_down says so, health_check too.
	HOPLAB_BIN=$FAKEBIN FAKE_STUBBORN=sw1 lab_up "$file"
	run lab_down "$lab"
	assert_failure
	assert_output --partial "ignored SIGTERM"
	run health_check
	assert_failure
	assert_output --partial "lab $lab was taken down with the daemon of node sw1 killed"
	lab_absent "$lab"

	# A lab brought up again over itself keeps the first one's logs.
	HOPLAB_BIN=$FAKEBIN lab_up "$file"
	kill -9 "$(cat "$HOPLAB_RUN_ROOT/$lab/r1.pid")"
	wait_until 5 sh -c "'$HOPLAB' status '$lab' | grep -Eq '^r1 .* dead$'"
	HOPLAB_BIN=$FAKEBIN lab_up "$file"
	run health_check
	assert_failure
	assert_output --partial "lab $lab was taken down with the daemon of node r1 dead"
}

@test "wait_until: succeeds as soon as the command does, fails at the deadline" {
	local flag=$BATS_TEST_TMPDIR/flag
	(sleep 0.3 && touch "$flag") &
	run wait_until 5 test -e "$flag"
	assert_success
	run wait_until 0.3 false
	assert_failure
	assert_output --partial "gave up after 0.3s"
}

# ---------------------------------------------------------------------------
# the real switchd

@test "switchd: kill -9, then up again comes back healthy and down cleans up" {
	[[ -x $HOPLAB_BIN_DIR/switchd && -x $HOPCTL ]] || fail "switchd and hopctl are not built"
	new_lab lab sw
	local file=$BATS_TEST_TMPDIR/sw.lab
	sed "s/^lab switch3\$/lab $lab/" "$REPO_ROOT/conf/switch3.lab" >"$file"
	lab_up "$file"
	wait_until 10 "$HOPLAB" exec "$lab/h1" ping -c 1 -W 1 10.0.0.2

	expect_unhealthy "$lab"
	kill -9 "$(cat "$HOPLAB_RUN_ROOT/$lab/sw1.pid")"
	wait_until 5 sh -c "'$HOPLAB' status '$lab' | grep -Eq '^sw1 .* dead$'"

	lab_up "$file"
	run "$HOPLAB" status "$lab"
	assert_line --regexp '^sw1 +switch +[0-9]+ +alive$'
	run "$HOPCTL" "$lab/sw1" help
	assert_success
	wait_until 10 "$HOPLAB" exec "$lab/h1" ping -c 1 -W 1 10.0.0.3

	run "$HOPLAB" down "$lab"
	assert_success
	lab_absent "$lab"
}

# ---------------------------------------------------------------------------
# namespaces hoplab did not make

@test "namespaces hoplab did not make are never touched, whatever their names" {
	new_lab lab own
	local foreign=$lab-mine other
	other=$(lab_name zz)-x
	FOREIGN_NS=("$foreign" "$other")
	ip netns add "$foreign"
	ip netns add "$other"
	write_two_linux "$BATS_TEST_TMPDIR/two.lab" "$lab"
	# up, status and down leave them alone ...
	lab_up "$BATS_TEST_TMPDIR/two.lab"
	run "$HOPLAB" status
	assert_success
	refute_output --partial "${other%-x}"
	refute_output --partial "mine"
	run "$HOPLAB" down "$lab"
	assert_success
	ip netns list | grep -q "^$foreign\b"
	# ... and so does down --all (in a run root of its own, so that no lab
	# of whoever runs the tests is taken down).
	run env HOPLAB_RUN_DIR="$BATS_TEST_TMPDIR/run" "$HOPLAB" down --all
	assert_success
	assert_output "no labs are up"
	ip netns list | grep -q "^$foreign\b"
	ip netns list | grep -q "^$other\b"
	# A topology that needs one of their names refuses to come up.
	sed 's/^node b linux$/node mine linux/; s/\bb:eth0/mine:eth0/g; s/^route b /route mine /; s/^run b /run mine /' \
		"$BATS_TEST_TMPDIR/two.lab" >"$BATS_TEST_TMPDIR/clash.lab"
	run "$HOPLAB" up "$BATS_TEST_TMPDIR/clash.lab"
	assert_failure 1
	assert_output --partial "namespace $foreign exists and hoplab did not make it"
	ip netns list | grep -q "^$foreign\b"
	[ ! -e "$HOPLAB_RUN_ROOT/$lab" ]
}

@test "run lines: a daemon's reply is shown; a streaming command goes on in the background" {
	new_lab lab runl
	cat >"$BATS_TEST_TMPDIR/run.lab" <<EOF2
lab $lab
node hA host
node sw1 switch
node hB host
link hA:eth0 sw1:p1
link sw1:p2 hB:eth0
addr hA:eth0 10.9.1.1/24
addr hB:eth0 10.9.1.2/24
run hB udp listen 7000
run sw1 show ports
EOF2
	run timeout 30 "$HOPLAB" up "$BATS_TEST_TMPDIR/run.lab"
	assert_success
	assert_output --partial "still running in the background; output in $HOPLAB_RUN_ROOT/$lab/hB.run.1.log"
	assert_line --regexp '^p1 +[0-9a-f:]{17} +1500 +true '
	run "$HOPCTL" "$lab/hA" udp send 10.9.1.2 7000 hello there
	assert_success
	wait_until 5 grep -q "hello there" "$HOPLAB_RUN_ROOT/$lab/hB.run.1.log"
	run "$HOPLAB" down "$lab"
	assert_success
	# The background hopctl ended with its daemon.
	wait_until 5 bash -c "! pgrep -f '^$HOPCTL $lab/hB' >/dev/null"
}
