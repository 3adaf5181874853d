# shellcheck shell=bash
# hoplab impair LAB NODE:IF WORDS...|clear: impair what leaves an
# interface of a running lab, or no more; hoplab impair LAB lists them.

usage_impair() {
	cat <<USAGE
$PROG impair LAB NODE:IF SPEC...|clear
$PROG impair LAB
    impair what leaves NODE:IF (both ends of a link: both ways) as
    SPEC says, replacing what it had; clear: no more.  SPEC is
      [delay D [jitter J]] [loss P%] [duplicate P%] [reorder P%]
      [corrupt P%] [rate R] [limit N] [seed N]
    with units as tc writes them (50ms, 10%, 10mbit); the same seed
    repeats a run (by default the interface's name gives one).  A
    daemon impairs its own interface; a linux node's is impaired by
    netem when the kernel has it, else by a relay hoplab puts on the
    link (HOPLAB_LINUX_IMPAIR: auto, netem or relay).  LAB alone: the
    lab's impairments.  LAB NODE:IF may be LAB/NODE:IF, or NODE:IF
    when one lab is up
USAGE
}

cmd_impair() {
	local lab="" target node iface dir kind
	(($# > 0)) || usage_error "usage: $PROG impair LAB NODE:IF WORDS...|clear"
	if [[ $1 == *:* ]]; then
		target=$1
		shift
	else
		lab=$1
		shift
		if (($# == 0)); then
			is_lab_name "$lab" || usage_error "bad lab name '$lab'"
			dir=$(lab_dir "$lab")
			[[ -r $dir/nodes ]] || die "lab $lab is not up"
			impair_table "$dir"
			return 0
		fi
		target=$1
		shift
	fi
	if [[ $target == */* ]]; then
		[[ -z $lab ]] || usage_error "lab given twice: '$lab' and '$target'"
		lab=${target%%/*} target=${target#*/}
	elif [[ -z $lab ]]; then
		local -a labs
		mapfile -t labs < <(up_labs)
		((${#labs[@]} == 1)) ||
			usage_error "${#labs[@]} labs are up; name the interface as LAB/$target"
		lab=${labs[0]}
	fi
	is_lab_name "$lab" || usage_error "bad lab name '$lab'"
	[[ $target == *:* ]] || usage_error "expected NODE:IF, got '$target'"
	node=${target%%:*} iface=${target#*:}
	[[ $node =~ $NODE_NAME_RE ]] || usage_error "bad node name '$node'"
	[[ $iface =~ $IF_NAME_RE && ${#iface} -le $MAX_IF_LEN ]] || usage_error "bad interface name '$iface'"
	(($# > 0)) || usage_error "usage: $PROG impair LAB NODE:IF WORDS...|clear"
	if [[ $1 != clear || $# -gt 1 ]]; then
		impair_check "$@" || usage_error "impair $node:$iface: $IMPAIR_ERR"
	fi
	linux_impair_check
	need_root impair
	dir=$(lab_dir "$lab")
	[[ -r $dir/nodes ]] || die "lab $lab is not up"
	kind=$(node_kind "$lab" "$node")
	[[ -n $kind ]] || die "no node '$node' in lab '$lab'"
	[[ $kind != linux ]] || ip -n "$lab-$node" link show dev "$iface" >/dev/null 2>&1 ||
		die "node '$node' has no interface '$iface'"
	# One change at a time to a lab's impairments.
	local lock
	exec {lock}>>"$dir/impair.lock"
	flock "$lock"
	impair_apply "$lab" "$node" "$kind" "$iface" "$@"
	if [[ $1 == clear ]]; then
		echo "$node:$iface: no impairment"
	else
		echo "$node:$iface: $(impair_via "$dir" "$node" "$iface") $IMPAIR_SPEC"
	fi
}
