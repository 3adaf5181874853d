# shellcheck shell=bash
# Taking a lab down: its daemons, whatever else runs in its namespaces, the
# namespaces and the run directory, keeping the logs when asked to.

# Seconds to wait for a daemon to exit after SIGTERM.
STOP_TIMEOUT=3

# stop_daemons LAB: SIGTERM every daemon of LAB that its pid file names,
# and every relay (RUN/LAB/NODE:IF.pid, lib/impair.bash), so it can exit
# cleanly (and sanitizers can report), then SIGKILL stragglers, saying so.
# Leaves in DOWN_DEAD the nodes (and NODE:IF relays) whose daemon was no
# longer running, and in DOWN_KILLED those that had to be killed.
DOWN_DEAD=()
DOWN_KILLED=()
stop_daemons() {
	local dir node kind pid f
	local -A node_pid=()
	DOWN_DEAD=() DOWN_KILLED=()
	dir=$(lab_dir "$1")
	[[ -r $dir/nodes ]] || return 0
	local -a names=()
	while read -r node kind; do
		if is_daemon_kind "$kind"; then
			names+=("$node")
		fi
	done <"$dir/nodes"
	# A node's name has no ':'; a relay's is NODE:IF.
	for f in "$dir"/*:*.pid; do
		f=${f##*/}
		names+=("${f%.pid}")
	done
	for node in "${names[@]}"; do
		if pid=$(daemon_pid "$dir/$node.pid") && kill -TERM "$pid" 2>/dev/null; then
			node_pid[$node]=$pid
		else
			pid=-
			[[ -r $dir/$node.pid ]] && read -r pid <"$dir/$node.pid"
			DOWN_DEAD+=("$node ${pid:--}")
		fi
	done
	((${#node_pid[@]} > 0)) || return 0
	if ! wait_gone "$STOP_TIMEOUT" "${node_pid[@]}"; then
		for node in "${!node_pid[@]}"; do
			pid=${node_pid[$node]}
			pid_alive "$pid" || continue
			warn "daemon of node $1/$node (pid $pid) ignored SIGTERM for ${STOP_TIMEOUT}s; killed it"
			kill -KILL "$pid" 2>/dev/null
			DOWN_KILLED+=("$node $pid")
		done
		wait_gone 2 "${node_pid[@]}" || true
	fi
}

# archive_logs LAB DIR: with HOPLAB_LOG_ARCHIVE set, keep what LAB's run
# dir DIR says about its daemons before it is deleted: the logs, the node
# list, and a file 'down' with a line 'dead NODE PID' for each daemon that
# was no longer running (PID from its pid file, or '-') and 'killed NODE
# PID' for each that ignored SIGTERM.  Each
# teardown gets a new folder LAB.N, so a lab brought up again keeps the
# first one's logs.
archive_logs() {
	local lab=$1 dir=$2 dest n=1 node
	[[ -n ${HOPLAB_LOG_ARCHIVE:-} && -d $dir ]] || return 0
	while [[ -e $HOPLAB_LOG_ARCHIVE/$lab.$n ]]; do
		n=$((n + 1))
	done
	dest=$HOPLAB_LOG_ARCHIVE/$lab.$n
	if ! mkdir -p -- "$dest"; then
		warn "could not keep the logs of lab $lab in $dest"
		return 0
	fi
	local files=("$dir"/*.log "$dir"/nodes)
	((${#files[@]} == 0)) || cp -- "${files[@]}" "$dest"/ 2>/dev/null || true
	{
		for node in "${DOWN_DEAD[@]}"; do
			echo "dead $node"
		done
		for node in "${DOWN_KILLED[@]}"; do
			echo "killed $node"
		done
	} >"$dest/down"
}

# kill_namespace_procs NS...: whatever else still runs in the namespaces
# (background 'run' commands, dead daemons' children) keeps them and their
# veths alive after 'ip netns del', so end it.
kill_namespace_procs() {
	local ns sig
	local -a pids
	for sig in TERM KILL; do
		pids=()
		for ns in "$@"; do
			mapfile -t -O "${#pids[@]}" pids < <(ip netns pids "$ns" 2>/dev/null)
		done
		((${#pids[@]} > 0)) || return 0
		kill -"$sig" "${pids[@]}" 2>/dev/null || true
		if wait_gone 1 "${pids[@]}"; then
			return 0
		fi
	done
	warn "processes left in $*: ${pids[*]}"
}

# lab_teardown LAB [SAVE_DIR]: remove every trace of LAB, its hosts files
# too; works with dead daemons, a missing run dir, or both.  Prints whether
# anything was there.
lab_teardown() {
	local lab=$1 save_dir=${2:-} dir found=no
	local -a nss
	dir=$(lab_dir "$lab")
	mapfile -t nss < <(lab_namespaces "$lab")
	[[ -d $dir ]] && found=yes
	((${#nss[@]} > 0)) && found=yes
	names_files "$lab"
	((${#NAMES_FILES[@]} > 0)) && found=yes
	stop_daemons "$lab"
	if ((${#nss[@]} > 0)); then
		kill_namespace_procs "${nss[@]}"
	fi
	if [[ -n $save_dir && -d $dir ]]; then
		local logs=("$dir"/*.log)
		mkdir -p -- "$save_dir"
		((${#logs[@]} == 0)) || cp -- "${logs[@]}" "$save_dir"/
	fi
	archive_logs "$lab" "$dir"
	names_remove "$lab"
	local ns
	for ns in "${nss[@]}"; do
		if ip netns del "$ns" 2>/dev/null; then
			ns_unregister "$ns"
		else
			warn "could not delete namespace $ns"
		fi
	done
	rm -rf -- "$dir"
	if [[ $found == yes ]]; then
		echo "lab $lab is down"
	else
		echo "lab $lab is not up"
	fi
}
