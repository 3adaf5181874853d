# shellcheck shell=bash
# Bringing a parsed topology up: namespaces, veth pairs, the linux nodes'
# addresses and routes, the daemons and their start-up configuration, and
# the topology's run lines.

# ns_exec NODE CMD...: run CMD in NODE's namespace of the lab being built.
ns_exec() {
	local node=$1
	shift
	ip netns exec "$LAB-$node" "$@"
}

# each_node FN: FN NODE for every node of the lab at once (namespaces
# are independent, and most of the time goes to starting commands); if
# any fails, say so, once all have ended, and fail.
each_node() {
	local fn=$1 node pid failed=0
	local -a pids=()
	for node in "${NODES[@]}"; do
		"$fn" "$node" &
		pids+=("$!")
	done
	for pid in "${pids[@]}"; do
		wait "$pid" || failed=1
	done
	((failed == 0)) || die "bringing up lab $LAB failed"
}

create_node() {
	local node=$1 ns=$LAB-$1
	must ip netns add "$ns"
	must ns_register "$ns"
	must ip -n "$ns" link set lo up
	# Without this every veth chatters router solicitations, MLD and DAD.
	must ns_exec "$node" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

# offload_off NODE IF: frames must leave a veth finished (real checksums,
# no GSO super-frames), because the daemons read them raw.  Features a
# kernel lacks are skipped; failing to change any of them is an error.
offload_off() {
	local node=$1 iface=$2 feature changed=0
	ns_exec "$node" ethtool -K "$iface" tx off tso off gso off gro off rxvlan off txvlan off \
		>/dev/null 2>&1 && return 0
	for feature in tx tso gso gro rxvlan txvlan; do
		ns_exec "$node" ethtool -K "$iface" "$feature" off >/dev/null 2>&1 && changed=$((changed + 1))
	done
	((changed > 0)) || die "ethtool could not turn off offloads on $node:$iface"
}

# setup_node_ends NODE: every veth end of NODE, once all links exist, with
# as few commands per namespace as will do: one sysctl, one ip batch, one
# ethtool pass.
setup_node_ends() {
	local node=$1 ns=$LAB-$1 iface
	local -a ifaces sysctls=() links=()
	read -ra ifaces <<<"${NODE_IFS[$node]}"
	((${#ifaces[@]} > 0)) || return 0
	# IPv6 off first: below an MTU of 1280 the kernel removes the link's
	# IPv6 settings altogether (IPv6 is then off anyway), so the sysctl
	# must run while they are still there.
	# sysctl takes '/' as separator so that interface names with '.' work.
	for iface in "${ifaces[@]}"; do
		sysctls+=("net/ipv6/conf/$iface/disable_ipv6=1")
		[[ -z ${IF_MTU[$node:$iface]:-} ]] || links+=("link set dev $iface mtu ${IF_MTU[$node:$iface]}")
		[[ -z ${IF_MAC[$node:$iface]:-} ]] || links+=("link set dev $iface address ${IF_MAC[$node:$iface]}")
		links+=("link set dev $iface up")
	done
	must ns_exec "$node" sysctl -q -w "${sysctls[@]}"
	printf '%s\n' "${links[@]}" | must ip -n "$ns" -batch -
	offloads_off "$node" "${ifaces[@]}"
}

# offloads_off NODE IF...: offload_off on each, in one pass when the kernel
# has every feature.
offloads_off() {
	local node=$1 iface
	shift
	# shellcheck disable=SC2016 # the inner shell expands $i
	ns_exec "$node" sh -c 'for i do ethtool -K "$i" tx off tso off gso off gro off rxvlan off txvlan off || exit 1; done' \
		sh "$@" >/dev/null 2>&1 && return 0
	for iface in "$@"; do
		offload_off "$node" "$iface"
	done
}

declare -gA IF_MTU=()

# create_links: every link's veth pair, by one ip batch. Creating both
# ends directly inside their namespaces avoids clashing with interface
# names in the root namespace.
create_links() {
	local i
	local -a a b batch=()
	for i in "${!LINK_A[@]}"; do
		read -ra a <<<"${LINK_A[i]}"
		read -ra b <<<"${LINK_B[i]}"
		batch+=("link add ${a[1]} netns $LAB-${a[0]} type veth peer name ${b[1]} netns $LAB-${b[0]}")
		if [[ -n ${LINK_MTU[i]} ]]; then
			IF_MTU[${a[0]}:${a[1]}]=${LINK_MTU[i]}
			IF_MTU[${b[0]}:${b[1]}]=${LINK_MTU[i]}
		fi
	done
	((${#batch[@]} > 0)) || return 0
	printf '%s\n' "${batch[@]}" | must ip -batch -
}

configure_linux_nodes() {
	local i node prefix
	for i in "${!ADDR_NODE[@]}"; do
		node=${ADDR_NODE[i]}
		[[ ${NODE_KIND[$node]} == linux ]] || continue
		must ip -n "$LAB-$node" addr add "${ADDR_CIDR[i]}" dev "${ADDR_IF[i]}"
	done
	for i in "${!ROUTE_NODE[@]}"; do
		node=${ROUTE_NODE[i]} prefix=${ROUTE_PREFIX[i]}
		[[ ${NODE_KIND[$node]} == linux ]] || continue
		must ip -n "$LAB-$node" route add "$prefix" via "${ROUTE_GW[i]}"
	done
}

# collect_daemon_configs: each daemon's start-up commands, the same lines
# hopctl would send, in DAEMON_CONFIG[node]: its addresses, then its
# routes, then its ports' VLAN modes, in file order.
declare -gA DAEMON_CONFIG=()
collect_daemon_configs() {
	local i prefix
	DAEMON_CONFIG=()
	for i in "${!ADDR_NODE[@]}"; do
		DAEMON_CONFIG[${ADDR_NODE[i]}]+="addr add ${ADDR_IF[i]} ${ADDR_CIDR[i]}"$'\n'
	done
	for i in "${!ROUTE_NODE[@]}"; do
		prefix=${ROUTE_PREFIX[i]}
		[[ $prefix != default ]] || prefix=0.0.0.0/0
		DAEMON_CONFIG[${ROUTE_NODE[i]}]+="route add $prefix via ${ROUTE_GW[i]}"$'\n'
	done
	# A switch keeps its VLANs from its first frame on.
	for i in "${!VLAN_NODE[@]}"; do
		DAEMON_CONFIG[${VLAN_NODE[i]}]+="set port ${VLAN_IF[i]} ${VLAN_ARGS[i]}"$'\n'
	done
}

write_daemon_config() {
	local node=$1 dir=$2
	printf '%s' "${DAEMON_CONFIG[$node]:-}" >"$dir/$node.conf"
}

# close_inherited_fds: a daemon must not keep its caller's pipes open
# (a test harness or $(...) would wait for them forever).
close_inherited_fds() {
	local fd
	for fd in "/proc/$BASHPID/fd"/*; do
		fd=${fd##*/}
		((fd > 2)) && eval "exec $fd>&-" 2>/dev/null
	done
	return 0
}

declare -gA LAUNCH_PID=()
declare -gA DAEMON_BIN=()

start_daemon() {
	local node=$1 dir=$2 kind=${NODE_KIND[$1]} bin iface
	local -a args ifaces
	[[ -n ${DAEMON_BIN[$kind]:-} ]] || DAEMON_BIN[$kind]=$(find_bin "$(daemon_of_kind "$kind")")
	bin=${DAEMON_BIN[$kind]}
	args=(--name "$node" --socket "$dir/$node.sock" --pidfile "$dir/$node.pid")
	if [[ $kind != switch || -n ${DAEMON_CONFIG[$node]:-} ]]; then
		write_daemon_config "$node" "$dir"
		args+=(--config "$dir/$node.conf")
	fi
	read -ra ifaces <<<"${NODE_IFS[$node]}"
	for iface in "${ifaces[@]}"; do
		args+=(-i "$iface")
	done
	(
		close_inherited_fds
		exec ip netns exec "$LAB-$node" setsid "$bin" "${args[@]}" >"$dir/$node.log" 2>&1 </dev/null
	) &
	LAUNCH_PID[$node]=$!
}

show_log_tail() {
	local log=$1
	[[ -s $log ]] || {
		warn "($log is empty)"
		return 0
	}
	warn "last lines of $log:"
	tail -n 20 -- "$log" | sed 's/^/    /' >&2
}

# wait_daemons_ready DIR: poll each daemon's control socket until all
# answer; stop at the first that dies or at the deadline.
wait_daemons_ready() {
	local dir=$1 hopctl node pid tries=$((START_TIMEOUT * 10))
	local -a waiting=()
	hopctl=$(find_bin hopctl)
	for node in "${NODES[@]}"; do
		if is_daemon_kind "${NODE_KIND[$node]}"; then
			waiting+=("$node")
		fi
	done
	while ((${#waiting[@]} > 0)); do
		local -a still=()
		for node in "${waiting[@]}"; do
			# No socket yet, no need to ask.
			if [[ -e $dir/$node.sock ]] && "$hopctl" "$LAB/$node" help >/dev/null 2>&1; then
				continue
			fi
			pid=$(daemon_pid "$dir/$node.pid") || pid=${LAUNCH_PID[$node]}
			if ! pid_alive "$pid"; then
				warn "daemon of node $node ($(daemon_of_kind "${NODE_KIND[$node]}")) exited during start-up"
				show_log_tail "$dir/$node.log"
				exit 1
			fi
			still+=("$node")
		done
		waiting=("${still[@]}")
		((${#waiting[@]} > 0)) || break
		if ((tries-- <= 0)); then
			for node in "${waiting[@]}"; do
				warn "daemon of node $node did not answer on $dir/$node.sock within ${START_TIMEOUT}s"
				show_log_tail "$dir/$node.log"
			done
			exit 1
		fi
		sleep 0.1
	done
}

# run_commands DIR: the topology's 'run' lines, in file order.
run_commands() {
	local dir=$1 i node kind hopctl
	local -a words
	hopctl=$(find_bin hopctl)
	for i in "${!RUN_NODE[@]}"; do
		node=${RUN_NODE[i]} kind=${NODE_KIND[$node]}
		if [[ $kind == linux ]]; then
			(
				close_inherited_fds
				exec ip netns exec "$LAB-$node" sh -c "${RUN_TEXT[i]}" \
					>"$dir/$node.run.$((i + 1)).log" 2>&1 </dev/null
			) &
			echo "$node\$ ${RUN_TEXT[i]} &   (output in $dir/$node.run.$((i + 1)).log)"
		else
			read -ra words <<<"${RUN_TEXT[i]}"
			echo "$node> ${RUN_TEXT[i]}"
			run_daemon_command "$hopctl" "$node" \
				"$dir/$node.run.$((i + 1)).log" "${words[@]}"
		fi
	done
}

# run_daemon_command HOPCTL NODE LOG WORDS...: a `run` line for a daemon.
# Most commands answer at once and their reply is shown; a streaming one
# (`udp listen`, `ping` without -c) goes on in the background, its output
# in LOG, and ends when its daemon stops.
run_daemon_command() {
	local hopctl=$1 node=$2 log=$3 pid rc t
	shift 3
	(
		close_inherited_fds
		exec "$hopctl" "$LAB/$node" "$@" >"$log" 2>&1 </dev/null
	) &
	pid=$!
	for ((t = 0; t < 20; t++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "  (still running in the background; output in $log)"
		return 0
	fi
	rc=0
	wait "$pid" || rc=$?
	cat -- "$log"
	rm -f -- "$log"
	((rc == 0)) || warn "warning: 'run $node $*' failed"
}

# apply_impairments: the topology's impair lines, in file order, once
# every daemon answers.
apply_impairments() {
	local i node
	local -a words
	for i in "${!IMPAIR_NODE[@]}"; do
		node=${IMPAIR_NODE[i]}
		read -ra words <<<"${IMPAIR_WORDS[i]}"
		impair_apply "$LAB" "$node" "${NODE_KIND[$node]}" "${IMPAIR_IF[i]}" "${words[@]}"
	done
}

print_summary() {
	local dir=$1 node kind pid iface i ifs
	local -a ifaces
	local -A if_addrs=()
	for i in "${!ADDR_NODE[@]}"; do
		if_addrs[${ADDR_NODE[i]}:${ADDR_IF[i]}]+=" ${ADDR_CIDR[i]}"
	done
	echo "lab $LAB is up ($dir)"
	printf '%-15s %-7s %-8s %s\n' NODE KIND PID INTERFACES
	for node in "${NODES[@]}"; do
		kind=${NODE_KIND[$node]} pid=-
		if is_daemon_kind "$kind"; then
			pid=$(daemon_pid "$dir/$node.pid") || pid=${LAUNCH_PID[$node]}
		fi
		ifs=""
		read -ra ifaces <<<"${NODE_IFS[$node]}"
		for iface in "${ifaces[@]}"; do
			ifs+="${ifs:+, }$iface${if_addrs[$node:$iface]:-}"
		done
		printf '%-15s %-7s %-8s %s\n' "$node" "$kind" "$pid" "${ifs:--}"
	done
	impair_table "$dir"
}
