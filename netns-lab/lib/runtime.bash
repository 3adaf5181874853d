# shellcheck shell=bash
# A lab at run time: its run directory, its daemons' pids, the namespaces
# hoplab made, and which labs are up.

# Every namespace hoplab makes is registered here (an empty file named after
# it), and only registered namespaces are ever taken for part of a lab: a
# namespace someone else made is never touched, whatever its name. The
# registry is outside the labs' run dirs, so leftovers are still found
# after a run dir was deleted by hand.
NETNS_REGISTRY=$RUN_ROOT/.netns

lab_dir() { printf '%s/%s\n' "$RUN_ROOT" "$1"; }

# pid_alive PID: running and not a zombie.
pid_alive() {
	local stat
	[[ $1 =~ ^[0-9]+$ ]] || return 1
	{ read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
	stat=${stat##*) }
	[[ ${stat%% *} != Z ]]
}

# daemon_pid PIDFILE: print the pid recorded in PIDFILE if that process is
# alive and really is the daemon that wrote it (its command line names the
# pid file), so a recycled pid is never signalled.
daemon_pid() {
	local pidfile=$1 pid
	[[ -r $pidfile ]] || return 1
	read -r pid <"$pidfile" 2>/dev/null || return 1
	pid_alive "$pid" || return 1
	local -a argv
	local arg
	mapfile -d '' -t argv <"/proc/$pid/cmdline" 2>/dev/null || return 1
	for arg in "${argv[@]}"; do
		if [[ $arg == "$pidfile" ]]; then
			printf '%s\n' "$pid"
			return 0
		fi
	done
	return 1
}

# lab_namespaces LAB: every namespace LAB-NODE where NODE has no '-', so
# that lab 'a' never claims the namespaces of lab 'a-b' (relays' are
# LAB-NODE.IF, lib/impair.bash).
ns_is_ours() { [[ -e $NETNS_REGISTRY/$1 ]]; }
ns_register() {
	[[ -d $NETNS_REGISTRY ]] || mkdir -p -- "$NETNS_REGISTRY" || return 1
	: >"$NETNS_REGISTRY/$1"
}
ns_unregister() { rm -f -- "$NETNS_REGISTRY/$1"; }

lab_namespaces() {
	local lab=$1 ns suffix
	while read -r ns _; do
		[[ $ns == "$lab"-* ]] || continue
		ns_is_ours "$ns" || continue
		suffix=${ns#"$lab"-}
		if [[ -n $suffix && $suffix != *-* ]]; then
			printf '%s\n' "$ns"
		fi
	done < <(ip netns list 2>/dev/null)
}

# leftover_labs: lab names found from namespaces that look like LAB-NODE,
# and from the labs' hosts files.
leftover_labs() {
	local ns lab node
	{
		while read -r ns _; do
			[[ $ns == *-* ]] || continue
			ns_is_ours "$ns" || continue
			lab=${ns%-*} node=${ns##*-}
			# A relay's namespace is LAB-NODE.IF.
			node=${node%%.*}
			if is_lab_name "$lab" && [[ $node =~ $NODE_NAME_RE ]]; then
				printf '%s\n' "$lab"
			fi
		done < <(ip netns list 2>/dev/null)
		names_labs
	} | sort -u
}

# up_labs: labs that have a run directory.
up_labs() {
	local d
	for d in "$RUN_ROOT"/*/; do
		d=${d%/}
		if is_lab_name "${d##*/}"; then
			printf '%s\n' "${d##*/}"
		fi
	done
}

# wait_gone TIMEOUT PID...: wait until none of PID is alive; return 1 if
# some still are at the deadline.
wait_gone() {
	local tries=$(($1 * 10)) pid left
	shift
	while :; do
		left=0
		for pid in "$@"; do
			pid_alive "$pid" && left=1
		done
		((left)) || return 0
		((tries-- > 0)) || return 1
		sleep 0.1
	done
}

# lab_of_arg LAB|FILE: an existing file names its lab; anything else must
# be a lab name.
lab_of_arg() {
	if [[ -f $1 ]]; then
		parse_topology "$1" no
		printf '%s\n' "$LAB"
	elif is_lab_name "$1"; then
		printf '%s\n' "$1"
	else
		usage_error "'$1' is neither a topology file nor a lab name"
	fi
}

# Two hoplab runs working on the same lab (up, down, link) take turns: each
# holds the lab's lock file in RUN_ROOT/.locks while it works.  The lock
# goes with the process, so a run that dies never leaves it held.
LOCK_DIR=$RUN_ROOT/.locks
LOCK_TIMEOUT=${HOPLAB_LOCK_TIMEOUT:-120}
if ! [[ $LOCK_TIMEOUT =~ ^[0-9]+$ ]]; then
	echo "hoplab: HOPLAB_LOCK_TIMEOUT must be a whole number of seconds" >&2
	exit 2
fi
LOCK_FD=""

# lab_lock LAB: wait for LAB's lock, at most LOCK_TIMEOUT seconds, then
# hold it until lab_unlock or the end of hoplab.  Daemons started while
# it is held do not inherit it (close_inherited_fds).
lab_lock() {
	local lab=$1 file=$LOCK_DIR/$1
	[[ -d $LOCK_DIR ]] || mkdir -p -- "$LOCK_DIR" || die "cannot make $LOCK_DIR"
	exec {LOCK_FD}>>"$file" || die "cannot open the lock file $file"
	flock -n "$LOCK_FD" && return 0
	echo "lab $lab is busy (another hoplab is bringing it up or down); waiting up to ${LOCK_TIMEOUT}s" >&2
	flock -w "$LOCK_TIMEOUT" "$LOCK_FD" ||
		die "lab $lab is still locked by another hoplab after ${LOCK_TIMEOUT}s (lock file $file; HOPLAB_LOCK_TIMEOUT sets the wait)"
}

lab_unlock() {
	[[ -n $LOCK_FD ]] || return 0
	exec {LOCK_FD}>&-
	LOCK_FD=""
}
