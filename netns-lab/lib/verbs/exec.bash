# shellcheck shell=bash
# hoplab exec [--kernel] NODE CMD...: run a command in a node's namespace;
# on a host node, on hostd's stack unless --kernel says otherwise.

usage_exec() {
	cat <<USAGE
$PROG exec [--kernel] NODE CMD...
    run CMD in NODE's namespace, with CMD's exit status; the lab's
    node names resolve there (NODE, NODE-IF).  On a host node, CMD
    runs on hostd's stack: its environment gets
      LD_PRELOAD=the preload library (libhostsock-preload.so, or
                 HOPLAB_PRELOAD), which puts its AF_INET sockets on hostd
      HOSTSOCK_NODE=RUN/LAB/NODE.sock, the node's control socket
    --kernel runs CMD on the namespace's own kernel stack instead,
    with neither; on other kinds of node it changes nothing
USAGE
}

PRELOAD_NAME=libhostsock-preload.so

# preload_candidates: where the preload library may be, in order: in the
# source tree, build/lib/ of the tree whose bin/ or build/VARIANT/bin/
# holds the daemons (HOPLAB_BIN, or ../bin next to this script); once
# installed, PREFIX/lib/hoplab/ beside PREFIX/bin/.
preload_candidates() {
	local bin=${HOPLAB_BIN:-$SCRIPT_DIR/../bin}
	bin=$(realpath -m -- "$bin")
	if [[ $bin == */build/*/bin ]]; then
		printf '%s\n' "${bin%/build/*/bin}/build/lib/$PRELOAD_NAME"
	fi
	printf '%s\n' "${bin%/*}/build/lib/$PRELOAD_NAME" "${bin%/*}/lib/hoplab/$PRELOAD_NAME"
}

# find_preload: print the preload library's absolute path; HOPLAB_PRELOAD,
# when set, is the only place looked at.  Fail, saying how to get it, when
# it is nowhere.
find_preload() {
	local lib
	local -a tried=()
	if [[ -n ${HOPLAB_PRELOAD:-} ]]; then
		tried=("$HOPLAB_PRELOAD")
	else
		mapfile -t tried < <(preload_candidates)
	fi
	for lib in "${tried[@]}"; do
		if [[ -f $lib ]]; then
			realpath -- "$lib"
			return 0
		fi
	done
	warn "exec: CMD on a host node runs on hostd's stack, through the preload library $PRELOAD_NAME, which is not built or installed (looked for ${tried[*]})"
	warn "build it with 'make' (or point HOPLAB_PRELOAD at it), or add --kernel to run CMD on the namespace's own kernel stack"
	return 1
}

# node_kind LAB NODE: the node's kind from the lab's run dir; nothing when
# the run dir is gone (a leftover lab).
node_kind() {
	local dir node kind
	dir=$(lab_dir "$1")
	[[ -r $dir/nodes ]] || return 0
	while read -r node kind; do
		if [[ $node == "$2" ]]; then
			printf '%s\n' "$kind"
			return 0
		fi
	done <"$dir/nodes"
}

cmd_exec() {
	local kernel=no
	while (($# > 0)); do
		case $1 in
		--kernel) kernel=yes ;;
		--) shift && break ;;
		-*) usage_error "exec: unknown option '$1'" ;;
		*) break ;;
		esac
		shift
	done
	(($# >= 2)) || usage_error "usage: $PROG exec [--kernel] NODE CMD..."
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
	# env sets CMD's environment after 'ip netns exec' has run, so ip itself
	# is never preloaded.  Anywhere but on hostd's stack, a HOSTSOCK_NODE
	# inherited from an outer 'hoplab exec' would point CMD at another
	# node's hostd: it goes.
	if [[ $kernel == no && $(node_kind "$lab" "$node") == host ]]; then
		local lib
		lib=$(find_preload) || exit 2
		exec ip netns exec "$lab-$node" env \
			LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}" \
			HOSTSOCK_NODE="$(lab_dir "$lab")/$node.sock" "$@"
	fi
	exec ip netns exec "$lab-$node" env -u HOSTSOCK_NODE -- "$@"
}
