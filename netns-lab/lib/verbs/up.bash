# shellcheck shell=bash
# hoplab up FILE: bring the lab FILE describes up, replacing a lab of that
# name; on any failure roll back what was made.

usage_up() {
	cat <<USAGE
$PROG up FILE
    bring the lab described by FILE up (replacing a lab of that name)
USAGE
}

UP_DONE=no
UP_LAB=""

# on_up_exit: any exit from 'up' before it finished (an error, a signal)
# takes the half-built lab down again.
on_up_exit() {
	local rc=$?
	set +e
	if [[ $UP_DONE != yes && -n $UP_LAB ]]; then
		warn "bring-up of lab $UP_LAB failed; rolling it back"
		lab_teardown "$UP_LAB" >/dev/null
		((rc != 0)) || rc=1
	fi
	exit "$rc"
}

cmd_up() {
	(($# == 1)) || usage_error "usage: $PROG up FILE"
	parse_topology "$1" yes
	((${#IMPAIR_NODE[@]} == 0)) || linux_impair_check
	need_root up
	lab_lock "$LAB"
	local dir node
	dir=$(lab_dir "$LAB")
	names_files "$LAB"
	if [[ -d $dir || -n $(lab_namespaces "$LAB") ]] || ((${#NAMES_FILES[@]} > 0)); then
		echo "lab $LAB exists; removing it first"
		lab_teardown "$LAB" >/dev/null
	fi
	for node in "${NODES[@]}"; do
		[[ ! -e /run/netns/$LAB-$node ]] ||
			die "namespace $LAB-$node exists and hoplab did not make it; remove it or name the lab differently"
	done
	names_check_free
	UP_LAB=$LAB
	trap on_up_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	must mkdir -p -- "$dir/capture"
	# What 'graph LAB' draws: the topology that is running.
	must cp -- "$TOPO_FILE" "$dir/topology.lab"
	for node in "${NODES[@]}"; do
		echo "$node ${NODE_KIND[$node]}"
	done >"$dir/nodes"
	names_write
	each_node create_node
	create_links
	each_node setup_node_ends
	configure_linux_nodes
	collect_daemon_configs
	for node in "${NODES[@]}"; do
		if is_daemon_kind "${NODE_KIND[$node]}"; then
			start_daemon "$node" "$dir"
		fi
	done
	wait_daemons_ready "$dir"
	apply_impairments
	UP_DONE=yes
	trap - EXIT INT TERM
	run_commands "$dir"
	print_summary "$dir"
}
