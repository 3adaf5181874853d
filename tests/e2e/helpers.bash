# shellcheck shell=bash
# Shared by every end-to-end test file: `load helpers` at the top.
#
# Labs are real network namespaces.  A test file names each lab it makes
# with lab_name (unique on this machine); this file then looks after them:
#
#   - after every test, health_check fails that test if a daemon of any of
#     the file's labs died, holds a sanitizer report in its log, or (for a
#     lab taken down during the test) had to be killed for ignoring
#     SIGTERM; hoplab keeps the logs of every lab taken down in
#     HOPLAB_LOG_ARCHIVE, so a test that takes its own lab down, or brings
#     it up again, is checked too;
#   - after the last test, every lab still up is taken down and checked.
#
# So a test file must not define setup, teardown or teardown_file (the
# test runner refuses files that do); it defines test_setup, test_teardown
# or file_teardown instead, which are called from here.  A test that breaks
# a daemon on purpose says so with expect_unhealthy LAB.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HOPLAB=$REPO_ROOT/netns-lab/hoplab
HOPLAB_BIN_DIR=${HOPLAB_BIN:-$REPO_ROOT/bin}
HOPCTL=$HOPLAB_BIN_DIR/hopctl
HOPLAB_RUN_ROOT=${HOPLAB_RUN_DIR:-/run/hoplab}
export HOPLAB HOPCTL HOPLAB_RUN_ROOT

# Whatever the caller's environment says, a sanitizer report goes to the
# daemon's log, ends the daemon, and leaks are looked for at exit (options
# later in the string win).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:halt_on_error=1:abort_on_error=0:log_path=stderr"
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}log_path=stderr"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:print_stacktrace=1:log_path=stderr"

# The file's own bookkeeping: the labs it made, those allowed to be
# unhealthy, the problems already reported, and the logs hoplab keeps.
HEALTH_DIR=$BATS_FILE_TMPDIR/health
export HOPLAB_LOG_ARCHIVE=$HEALTH_DIR/archive
mkdir -p "$HOPLAB_LOG_ARCHIVE"
touch "$HEALTH_DIR/labs" "$HEALTH_DIR/exempt" "$HEALTH_DIR/reported"

SANITIZER_RE='ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:|SUMMARY: [A-Za-z]+Sanitizer'

# lab_name PREFIX: print a lab name that no lab on this machine uses yet:
# PREFIX (cut to 6 characters, lower case letters, digits, '_', '-') and
# six random hex digits, 12 characters at most as hoplab requires.  The
# lab is then watched by health_check and taken down after the file.
lab_name() {
	local prefix=${1:0:6} name
	[[ $prefix =~ ^[a-z0-9][a-z0-9_-]*$ ]] || {
		echo "lab_name: bad prefix '$1'" >&2
		return 1
	}
	while :; do
		name=$prefix$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
		[[ ! -e $HOPLAB_RUN_ROOT/$name ]] &&
			! ip netns list 2>/dev/null | grep -q "^$name-" && break
	done
	printf '%s %s\n' "$name" "$HOPLAB_RUN_ROOT" >>"$HEALTH_DIR/labs"
	printf '%s\n' "$name"
}

# expect_unhealthy LAB: LAB's daemons are broken on purpose (killed,
# stopped, stand-ins that misbehave); health_check leaves it alone.
expect_unhealthy() {
	printf '%s\n' "$1" >>"$HEALTH_DIR/exempt"
}

# lab_up FILE: bring FILE's lab up; fail the test (showing hoplab's
# output) when that does not work.
lab_up() {
	local out
	if ! out=$("$HOPLAB" up "$1" 2>&1); then
		printf '%s\n' "$out" >&2
		fail "hoplab up $1 failed"
		return 1
	fi
}

# lab_down LAB: take LAB down (hoplab keeps its logs for health_check);
# return 1, showing why, when hoplab fails or warns.
lab_down() {
	local lab=$1 root out
	root=$(_lab_root "$lab")
	if ! out=$(HOPLAB_RUN_DIR=$root "$HOPLAB" down "$lab" 2>&1) ||
		grep -q '^hoplab: ' <<<"$out"; then
		printf 'lab_down: hoplab down %s:\n%s\n' "$lab" "$out" >&2
		return 1
	fi
}

# lab_down_check LAB: take LAB down and check its daemons' health.
lab_down_check() {
	local rc=0
	lab_down "$1" || rc=1
	health_check || rc=1
	return "$rc"
}

_lab_root() {
	awk -v l="$1" '$1 == l { r = $2 } END { print (r == "" ? ENVIRON["HOPLAB_RUN_ROOT"] : r) }' \
		"$HEALTH_DIR/labs"
}

_pid_in() {
	local pid=-
	[[ -r $1 ]] && read -r pid <"$1"
	printf '%s\n' "${pid:--}"
}

_exempt() { grep -qxF -- "$1" "$HEALTH_DIR/exempt"; }

# _report KEY MESSAGE: print MESSAGE once per KEY for the whole file, so a
# daemon that died fails the test during which it died, not every later one.
_report() {
	grep -qxF -- "$1" "$HEALTH_DIR/reported" && return 1
	printf '%s\n' "$1" >>"$HEALTH_DIR/reported"
	printf 'health_check: %s\n' "$2" >&2
}

# _log_tail FILE N: the last N lines of FILE, indented.
_log_tail() {
	tail -n "$2" -- "$1" 2>/dev/null | sed 's/^/    /' >&2
}

# _lab_daemons DIR EXT: "NODE KIND" for each node of the lab whose run dir
# (or kept logs) DIR is, then "NODE:IF relay" for each relay hoplab put on
# a link (lib/impair.bash) that has a file NODE:IF.EXT: pid for a lab that
# is up (a relay that was removed has none), log for kept logs.
_lab_daemons() {
	local f
	cat "$1/nodes" 2>/dev/null
	for f in "$1"/*:*."$2"; do
		[[ -e $f ]] || continue
		f=${f##*/}
		printf '%s relay\n' "${f%.*}"
	done | sort -u
}

# health_check: return 1, saying what is wrong, if since the last check a
# daemon of one of the file's labs died or wrote a sanitizer report, or a
# lab was taken down with a dead daemon, a daemon that had to be killed, or
# a sanitizer report in a log.
health_check() {
	local rc=0 lab root dir node kind state status entry what pid log report
	while read -r lab root; do
		_exempt "$lab" && continue
		dir=$root/$lab
		[[ -r $dir/nodes ]] || continue
		status=$(HOPLAB_RUN_DIR=$root "$HOPLAB" status "$lab" 2>/dev/null) || true
		while read -r node kind; do
			case $kind in
			switch | router | host)
				state=$(awk -v n="$node" '$1 == n { print $4 }' <<<"$status")
				;;
			relay)
				# status's impairments: NODE:IF relay PID|dead SPEC...
				state=$(awk -v n="$node" '$1 == n && $2 == "relay" { print ($3 == "dead" ? "dead" : "alive") }' <<<"$status")
				;;
			*) continue ;;
			esac
			log=$dir/$node.log
			if [[ $state != alive ]]; then
				_report "dead $lab $node $(_pid_in "$dir/$node.pid")" \
					"daemon of node $lab/$node is not running ($state); last lines of its log:" &&
					{
						_log_tail "$log" 30
						rc=1
					}
			fi
			if report=$(grep -m1 -E "$SANITIZER_RE" "$log" 2>/dev/null); then
				_report "sanitizer $lab $node $report" \
					"sanitizer report in the log of $lab/$node:" &&
					{
						_log_tail "$log" 40
						rc=1
					}
			fi
		done < <(_lab_daemons "$dir" pid)
	done <"$HEALTH_DIR/labs"

	for entry in "$HOPLAB_LOG_ARCHIVE"/*/; do
		entry=${entry%/}
		[[ -d $entry && ! -e $entry/.checked ]] || continue
		: >"$entry/.checked"
		lab=${entry##*/}
		lab=${lab%.*}
		_exempt "$lab" && continue
		while read -r what node pid; do
			# A death health_check saw while the lab was up is not
			# reported twice.
			[[ $what == dead ]] && grep -qxF -- "dead $lab $node $pid" "$HEALTH_DIR/reported" &&
				continue
			echo "health_check: lab $lab was taken down with the daemon of node $node $what; last lines of its log:" >&2
			_log_tail "$entry/$node.log" 30
			rc=1
		done <"$entry/down"
		while read -r node kind; do
			log=$entry/$node.log
			if report=$(grep -m1 -E "$SANITIZER_RE" "$log" 2>/dev/null); then
				_report "sanitizer $lab $node $report" \
					"sanitizer report in the log of $lab/$node:" &&
					{
						_log_tail "$log" 40
						rc=1
					}
			fi
		done < <(_lab_daemons "$entry" log)
	done
	return "$rc"
}

# The hooks bats calls.  Test files extend them with test_setup,
# test_teardown and file_teardown.
setup() {
	if declare -F test_setup >/dev/null; then
		test_setup
	fi
}

teardown() {
	local rc=0
	if declare -F test_teardown >/dev/null; then
		test_teardown || rc=1
	fi
	health_check || rc=1
	return "$rc"
}

teardown_file() {
	local rc=0 lab root
	if declare -F file_teardown >/dev/null; then
		file_teardown || rc=1
	fi
	while read -r lab root; do
		if [[ -e $root/$lab ]] || ip netns list 2>/dev/null | grep -q "^$lab-"; then
			lab_down "$lab" || rc=1
		fi
	done <"$HEALTH_DIR/labs"
	health_check || rc=1
	return "$rc"
}

# ---------------------------------------------------------------------------
# Counters and frames shared by the daemons' tests.

# counter LAB NODE NAME: one counter of a daemon's show stats.
counter() {
	"$HOPCTL" -j "$1/$2" show stats | head -n 1 | jq -r --arg k "$3" '.[$k]'
}

# icmp_in LAB NODE FIELD: one of a Linux node's ICMP counters, such as
# InDestUnreachs (/proc/net/snmp, which is the node's namespace's own).
icmp_in() {
	ip netns exec "$1-$2" cat /proc/net/snmp | awk -v f="$3" '
		$1 == "Icmp:" { if (!n++) { for (i = 2; i <= NF; i++) col[$i] = i } else print $col[f] }
	'
}
icmp_in_is() { [[ $(icmp_in "$1" "$2" "$3") == "$4" ]]; }

# ipv4_udp_frame DST_MAC SRC_MAC SRC_IP DST_IP [bad]: hex of an Ethernet
# frame with a UDP datagram (port 9 to 9, payload "hoplab"), whose header
# checksum is correct, or off by one with "bad".
ipv4_udp_frame() {
	local dst=${1//:/} src=${2//:/} sip dip hdr sum=0 i
	# shellcheck disable=SC2086 # the dots become separate octets
	sip=$(printf '%02x' ${3//./ })
	# shellcheck disable=SC2086
	dip=$(printf '%02x' ${4//./ })
	# version/IHL, TOS, total 34, id, flags, TTL 64, UDP, checksum 0
	hdr=450000221234000040110000$sip$dip
	for ((i = 0; i < 40; i += 4)); do
		sum=$((sum + 16#${hdr:i:4}))
	done
	while ((sum >> 16)); do sum=$(((sum & 0xffff) + (sum >> 16))); done
	sum=$((~sum & 0xffff))
	[[ ${5:-} == bad ]] && sum=$(((sum + 1) & 0xffff))
	printf '%s%s0800%s%04x%s%s' "$dst" "$src" 45000022123400004011 "$sum" "$sip" "$dip"
	# UDP: ports 9 -> 9, length 14, no checksum, "hoplab"
	printf '00090009000e0000%s\n' "686f706c6162"
}

# _now_us: wall clock in microseconds.
_now_us() {
	local t=${EPOCHREALTIME/./}
	printf '%s\n' "${t#0}"
}

# elapsed_ms T0: milliseconds since T0 (a value of _now_us).
elapsed_ms() { echo $((($(_now_us) - $1) / 1000)); }

# wait_until TIMEOUT_S CMD...: run CMD every 0.1 s until it succeeds (return
# 0) or TIMEOUT_S seconds (fractions allowed) have passed (return 1, saying
# what was waited for).  CMD is run anew each time: pass a command or a
# function, never a value computed once by $(...).
wait_until() {
	local timeout=$1 deadline
	shift
	deadline=$(($(_now_us) + $(awk -v t="$timeout" 'BEGIN { printf "%d", t * 1000000 }')))
	until "$@"; do
		if (($(_now_us) >= deadline)); then
			echo "wait_until: gave up after ${timeout}s waiting for: $*" >&2
			return 1
		fi
		sleep 0.1
	done
}

# ---------------------------------------------------------------------------
# linkrelay as a test's own wire: a Linux node of a lab, between its eth0
# and eth1, forwards every frame like a wire, impaired as the test says
# (lib/impair.bash puts the same program on links for `hoplab impair`).

LINKRELAY=$HOPLAB_BIN_DIR/linkrelay
RELAY_PID=

# relay_start NS [SPEC...]: linkrelay in namespace NS between eth0 ("a")
# and eth1 ("b"), what leaves either way impaired as SPEC says (`set
# impair` words; none: a plain wire); control socket
# $BATS_TEST_TMPDIR/relay.sock.  Ready once it answers.
relay_start() {
	local ns=$1 dir=$BATS_TEST_TMPDIR
	shift
	[[ -x $LINKRELAY ]] || fail "$LINKRELAY is not built"
	rm -f "$dir/relay.sock" "$dir/relay.ports" "$dir/relay.stats"
	: >"$dir/relay.conf"
	if (($# > 0)); then
		printf 'set impair eth0 %s\nset impair eth1 %s\n' "$*" "$*" >"$dir/relay.conf"
	fi
	# Not through a function: $! must be the relay itself, which ip netns
	# exec becomes.
	ip netns exec "$ns" "$LINKRELAY" -i eth0 -i eth1 -s "$dir/relay.sock" \
		-c "$dir/relay.conf" >"$dir/relay.log" 2>&1 3>&- &
	RELAY_PID=$!
	wait_until 10 _relay_answers "$dir/relay.sock"
}

_relay_answers() { "$HOPCTL" "$1" help >/dev/null 2>&1; }

_relay_exited() {
	local state
	state=$(ps -o stat= -p "$1") || return 0
	[[ $state == Z* ]]
}

# relay_stop: keep the relay's counters (for relay_count), then SIGTERM;
# it must exit 0 at once and leave no sanitizer report.
relay_stop() {
	local pid=$RELAY_PID dir=$BATS_TEST_TMPDIR rc=0
	[[ -n $pid ]] || return 0
	RELAY_PID=
	"$HOPCTL" -j "$dir/relay.sock" show ports | head -n 1 >"$dir/relay.ports" || rc=1
	"$HOPCTL" -j "$dir/relay.sock" show stats | head -n 1 >"$dir/relay.stats" || rc=1
	kill -TERM "$pid" 2>/dev/null || true
	if ! wait_until 5 _relay_exited "$pid"; then
		kill -KILL "$pid" 2>/dev/null || true
		echo "relay_stop: the relay ignored SIGTERM" >&2
		rc=1
	fi
	wait "$pid" || {
		echo "relay_stop: the relay exited with status $?:" >&2
		cat "$dir/relay.log" >&2
		rc=1
	}
	if grep -qE "$SANITIZER_RE" "$dir/relay.log"; then
		echo "relay_stop: sanitizer report from the relay:" >&2
		cat "$dir/relay.log" >&2
		rc=1
	fi
	return "$rc"
}

# relay_count DIR NAME: a counter of the relay's way DIR, a>b (in by eth0,
# out by eth1) or b>a: received, forwarded, send_errors (refused by the
# way out), and what the way out's impairments did: lost, duplicated,
# reordered, corrupted, delayed, rate_dropped, queue_full, held.  Live
# while the relay runs, as it stopped after relay_stop.
relay_count() {
	local in=eth0 out=eth1 port key
	if [[ $1 != 'a>b' ]]; then
		in=eth1 out=eth0
	fi
	port=$out
	case $2 in
	received) port=$in key=rx_packets ;;
	forwarded) key=tx_packets ;;
	send_errors) key=tx_dropped ;;
	lost) key=impair_loss ;;
	*) key=impair_$2 ;;
	esac
	_relay_reply ports "show ports" |
		jq -r --arg p "$port" --arg k "$key" '.[] | select(.name == $p) | .[$k] // 0'
}

# relay_stat NAME: one of the relay's `show stats`, both ways together
# (oversize, rx_ring_full, relayed, not_relayed, ...); live or as it
# stopped, as relay_count.
relay_stat() {
	_relay_reply stats "show stats" | jq -r --arg k "$1" '.[$k]'
}

_relay_reply() {
	if [[ -z $RELAY_PID && -s $BATS_TEST_TMPDIR/relay.$1 ]]; then
		cat "$BATS_TEST_TMPDIR/relay.$1"
	else
		# shellcheck disable=SC2086 # the command is its words
		"$HOPCTL" -j "$BATS_TEST_TMPDIR/relay.sock" $2 | head -n 1
	fi
}
