# shellcheck shell=bash
# hoplab exec NODE CMD...: run a command in a node's namespace.

usage_exec() {
	cat <<USAGE
$PROG exec NODE CMD...
    run CMD in NODE's namespace, with CMD's exit status
USAGE
}

cmd_exec() {
	(($# >= 2)) || usage_error "usage: $PROG exec NODE CMD..."
	local target=$1 lab node
	shift
	if [[ $target == */* ]]; then
		lab=${target%%/*} node=${target#*/}
	else
		local -a labs
		mapfile -t labs < <(up_labs)
		((${#labs[@]} == 1)) ||
			usage_error "${#labs[@]} labs are up; name the node as LAB/$target"
		lab=${labs[0]} node=$target
	fi
	if ! is_lab_name "$lab" || ! [[ $node =~ $NODE_NAME_RE ]]; then
		usage_error "bad node '$target'"
	fi
	need_root exec
	local ns found=no
	while read -r ns _; do
		[[ $ns != "$lab-$node" ]] || found=yes
	done < <(ip netns list 2>/dev/null)
	[[ $found == yes ]] || usage_error "no node '$node' in lab '$lab' (is it up?)"
	exec ip netns exec "$lab-$node" "$@"
}
