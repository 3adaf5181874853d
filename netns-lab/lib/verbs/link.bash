# shellcheck shell=bash
# hoplab link LAB NODE:IF down|up: pull a link's cable and plug it back in
# while the lab runs.

usage_link() {
	cat <<USAGE
$PROG link LAB NODE:IF down|up
    pull (down) or restore (up) the cable of the link at NODE:IF: both
    ends of its veth pair go down or up, so the nodes at both ends lose
    or regain the carrier; on up, a linux node's routes from the
    topology file that went with the link are put back
USAGE
}

# link_end_of NODE:IF: the index of the link with that end, or fail.
link_end_of() {
	local ep=$1 i
	for i in "${!LINK_A[@]}"; do
		if [[ ${LINK_A[i]/ /:} == "$ep" || ${LINK_B[i]/ /:} == "$ep" ]]; then
			printf '%s\n' "$i"
			return 0
		fi
	done
	return 1
}

# link_restore_routes NODE: a linux node's kernel drops the routes of an
# interface that goes down; put the topology's routes back (those whose
# gateway is still unreachable stay out until their own link is up).
link_restore_routes() {
	local node=$1 i
	[[ ${NODE_KIND[$node]} == linux ]] || return 0
	for i in "${!ROUTE_NODE[@]}"; do
		[[ ${ROUTE_NODE[i]} == "$node" ]] || continue
		ip -n "$LAB-$node" route replace "${ROUTE_PREFIX[i]}" via "${ROUTE_GW[i]}" 2>/dev/null || true
	done
}

cmd_link() {
	(($# == 3)) || usage_error "usage: $PROG link LAB NODE:IF down|up"
	local lab=$1 ep=$2 state=$3 dir i a b ends
	is_lab_name "$lab" || usage_error "bad lab name '$lab'"
	[[ $state == down || $state == up ]] || usage_error "link: expected 'down' or 'up', got '$state'"
	need_root link
	dir=$(lab_dir "$lab")
	[[ -r $dir/topology.lab ]] || die "lab $lab is not up"
	lab_lock "$lab"
	parse_topology "$dir/topology.lab" no
	if ! i=$(link_end_of "$ep"); then
		warn "lab $lab has no link at '$ep' (NODE:IF, as in the topology file)"
		exit 2
	fi
	a=${LINK_A[i]/ /:} b=${LINK_B[i]/ /:}
	ends="$a $b"
	must ip -n "$lab-${a%%:*}" link set dev "${a#*:}" "$state"
	must ip -n "$lab-${b%%:*}" link set dev "${b#*:}" "$state"
	touch -- "$dir/links.down"
	grep -vxF -- "$ends" "$dir/links.down" >"$dir/links.down.new" || true
	mv -- "$dir/links.down.new" "$dir/links.down"
	if [[ $state == down ]]; then
		printf '%s\n' "$ends" >>"$dir/links.down"
		echo "link $a -- $b is down"
		return 0
	fi
	link_restore_routes "${a%%:*}"
	link_restore_routes "${b%%:*}"
	echo "link $a -- $b is up"
}
