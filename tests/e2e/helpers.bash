# shellcheck shell=bash
# Shared by every end-to-end test file: `load helpers` at the top.
#
# Labs are real network namespaces, so every test file must name its labs
# with lab_name (unique per run) and remove them in teardown or
# teardown_file with lab_down_check, which also fails the test when a
# daemon died or a sanitizer reported something.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash

REPO_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
HOPLAB=$REPO_ROOT/netns-lab/hoplab
HOPLAB_BIN_DIR=${HOPLAB_BIN:-$REPO_ROOT/bin}
HOPCTL=$HOPLAB_BIN_DIR/hopctl
HOPLAB_RUN_ROOT=${HOPLAB_RUN_DIR:-/run/hoplab}
export HOPLAB HOPCTL HOPLAB_RUN_ROOT

# lab_name PREFIX: print a lab name that no lab on this machine uses yet:
# PREFIX (cut to 6 characters, lower case letters, digits, '_', '-') and
# six random hex digits, 12 characters at most as hoplab requires.
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
	printf '%s\n' "$name"
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

# _sanitizer_reports DIR: print the names of logs in DIR that hold a
# sanitizer report.
_sanitizer_reports() {
	grep -lE 'AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer' \
		"$1"/*.log 2>/dev/null || true
}

# lab_down_check LAB: for teardown/teardown_file.  Notes the daemons that
# are dead, takes the lab down saving its logs (after the daemons have
# exited, so leak reports are in them), and returns 1, showing log tails,
# if a daemon had died or any log holds a sanitizer report.  The lab is
# removed whatever the checks find.
lab_down_check() {
	local lab=$1 logs dead log rc=0
	local -a bad
	logs=${BATS_FILE_TMPDIR:-${BATS_RUN_TMPDIR:-/tmp}}/logs-$lab
	rm -rf -- "$logs"
	dead=$("$HOPLAB" status "$lab" 2>/dev/null | awk '$4 == "dead" { print $1 }') || true
	if ! "$HOPLAB" down --save-logs "$logs" "$lab" >/dev/null; then
		echo "lab_down_check: hoplab down $lab failed" >&2
		rc=1
	fi
	for log in $dead; do
		echo "lab_down_check: daemon of node $lab/$log had died; last lines of its log:" >&2
		tail -n 30 -- "$logs/$log.log" 2>/dev/null | sed 's/^/    /' >&2
		rc=1
	done
	mapfile -t bad < <(_sanitizer_reports "$logs")
	for log in "${bad[@]}"; do
		echo "lab_down_check: sanitizer report in $log:" >&2
		tail -n 40 -- "$log" | sed 's/^/    /' >&2
		rc=1
	done
	return "$rc"
}

# _now_us: wall clock in microseconds.
_now_us() {
	local t=${EPOCHREALTIME/./}
	printf '%s\n' "${t#0}"
}

# wait_until TIMEOUT_S CMD...: run CMD every 0.1 s until it succeeds (return
# 0) or TIMEOUT_S seconds (fractions allowed) have passed (return 1, saying
# what was waited for).
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
