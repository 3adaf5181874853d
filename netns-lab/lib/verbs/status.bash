# shellcheck shell=bash
# hoplab status [LAB]: the nodes of one lab or every lab, and whether each
# daemon is alive.

usage_status() {
	cat <<USAGE
$PROG status [LAB]
    nodes, kinds, pids, whether each daemon is alive, and the links
    taken down with 'link ... down' (lines "link: A:IF -- B:IF down");
    then the impaired interfaces, how (daemon, relay or netem; a relay's
    pid) and with what
USAGE
}

status_lab() {
	local lab=$1 dir node kind pid state
	dir=$(lab_dir "$lab")
	echo "lab $lab"
	printf '%-15s %-7s %-8s %s\n' NODE KIND PID STATE
	if [[ ! -r $dir/nodes ]]; then
		local ns f
		names_files "$lab"
		{
			lab_namespaces "$lab"
			for f in "${NAMES_FILES[@]}"; do
				f=${f%/hosts}
				printf '%s\n' "${f##*/}"
			done
		} | sort -u | while read -r ns; do
			printf '%-15s %-7s %-8s %s\n' "${ns#"$lab"-}" "?" - "leftover"
		done
		return 0
	fi
	while read -r node kind; do
		pid=- state=-
		if is_daemon_kind "$kind"; then
			state=dead
			if pid=$(daemon_pid "$dir/$node.pid"); then
				state=alive
			elif [[ -r $dir/$node.pid ]]; then
				read -r pid <"$dir/$node.pid" || pid=-
			else
				pid=-
			fi
		fi
		printf '%-15s %-7s %-8s %s\n' "$node" "$kind" "${pid:--}" "$state"
	done <"$dir/nodes"
	# Links pulled with 'link ... down', after the nodes; 'link:' is no
	# node name, so readers of the node lines skip these.
	if [[ -s $dir/links.down ]]; then
		local ends
		while read -r -a ends; do
			echo "link: ${ends[0]} -- ${ends[1]} down"
		done <"$dir/links.down"
	fi
	impair_table "$dir"
}

cmd_status() {
	local -a labs
	(($# <= 1)) || usage_error "usage: $PROG status [LAB]"
	if (($# == 1)); then
		is_lab_name "$1" || usage_error "bad lab name '$1'"
		names_files "$1"
		if [[ ! -d $(lab_dir "$1") && -z $(lab_namespaces "$1") ]] && ((${#NAMES_FILES[@]} == 0)); then
			echo "lab $1 is not up"
			return 0
		fi
		status_lab "$1"
		return 0
	fi
	mapfile -t labs < <({ up_labs; leftover_labs; } | sort -u)
	((${#labs[@]} > 0)) || {
		echo "no labs are up"
		return 0
	}
	local lab first=yes
	for lab in "${labs[@]}"; do
		[[ $first == yes ]] || echo
		first=no
		status_lab "$lab"
	done
}
