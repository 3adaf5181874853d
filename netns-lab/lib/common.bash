# shellcheck shell=bash
# hoplab's settings and the helpers every module uses: messages and exits,
# names, and where the daemons are.  Sourced by hoplab.

PROG=hoplab
DAEMON_KINDS="switch router host"
LAB_NAME_RE='^[a-z0-9][a-z0-9_-]*$'
MAX_LAB_LEN=12
# Seconds to wait for every daemon to answer on its control socket.
# Sanitizer builds start slowly.
START_TIMEOUT=${HOPLAB_START_TIMEOUT:-10}
if ! [[ $START_TIMEOUT =~ ^[1-9][0-9]*$ ]]; then
	echo "hoplab: HOPLAB_START_TIMEOUT must be a whole number of seconds" >&2
	exit 2
fi

# Everything below the run root is ours; hopctl finds sockets through the
# same variable, so export the resolved value to every child.
RUN_ROOT=$(realpath -m -- "${HOPLAB_RUN_DIR:-/run/hoplab}")
export HOPLAB_RUN_DIR=$RUN_ROOT

warn() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() {
	warn "$@"
	exit 1
}
usage_error() {
	warn "$@"
	printf 'try: %s --help\n' "$PROG" >&2
	exit 2
}
need_root() {
	[[ $EUID -eq 0 ]] || die "$1 needs root (network namespaces); try: sudo $PROG $1 ..."
}

# must CMD...: run CMD and stop with a message naming it if it fails.
must() {
	"$@" || die "failed: $*"
}

is_lab_name() {
	[[ $1 =~ $LAB_NAME_RE && ${#1} -le $MAX_LAB_LEN ]]
}

# find_bin NAME: print the path of a hoplab program.  HOPLAB_BIN, when set,
# is the only place looked at, so a test build is never mixed up with an
# installed one.
find_bin() {
	local name=$1
	if [[ -n ${HOPLAB_BIN:-} ]]; then
		[[ -x $HOPLAB_BIN/$name ]] && printf '%s\n' "$HOPLAB_BIN/$name"
		return
	fi
	if [[ -x $SCRIPT_DIR/../bin/$name ]]; then
		realpath -- "$SCRIPT_DIR/../bin/$name"
		return
	fi
	command -v -- "$name" || true
}

daemon_of_kind() {
	case $1 in
	switch) echo switchd ;;
	router) echo routerd ;;
	host) echo hostd ;;
	*) return 1 ;;
	esac
}

is_daemon_kind() { [[ " $DAEMON_KINDS " == *" $1 "* ]]; }
