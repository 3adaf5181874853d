# shellcheck shell=bash
# Topology files (conf/*.lab): parse_topology validates a whole file and
# fills the globals below; the first error prints FILE:LINE: message and
# exits 2.

ALL_KINDS="host switch router linux"
NODE_NAME_RE='^[A-Za-z][A-Za-z0-9_]*$'
IF_NAME_RE='^[A-Za-z0-9_.-]+$'
MAX_NODE_LEN=15
MAX_IF_LEN=15

TOPO_FILE=""
LAB=""
LAB_LINE=0
NODES=()                   # node names in file order
declare -gA NODE_KIND=()   # node -> kind
declare -gA NODE_LINE=()   # node -> line of its 'node' directive
declare -gA NODE_IFS=()    # node -> space-separated interfaces, link order
declare -gA IF_USED=()     # node:if -> line of the link that made it
declare -gA ADDR_USED=()   # "node addr" -> line of the addr directive
declare -gA KIND_BUILT=()  # daemon kinds whose programs were found
LINK_A=() LINK_B=() LINK_MTU=()
ADDR_NODE=() ADDR_IF=() ADDR_CIDR=() ADDR_LINE=()
ROUTE_NODE=() ROUTE_PREFIX=() ROUTE_GW=() ROUTE_LINE=()
RUN_NODE=() RUN_TEXT=()
IMPAIR_USAGE="[delay D [jitter J]] [loss P%] [duplicate P%] [reorder P%] [corrupt P%] [rate R] [limit N] [seed N]"
IMPAIR_NODE=() IMPAIR_IF=() IMPAIR_WORDS=() IMPAIR_LINE=()
declare -gA IMPAIR_USED=() # node:if -> line of its impair directive
declare -gA IF_MAC=()      # node:if -> fixed MAC address (lower case)
declare -gA MAC_LINE=()    # node:if or MAC -> line of its mac directive
VLAN_NODE=() VLAN_IF=() VLAN_ARGS=() VLAN_LINE=()
declare -gA VLAN_USED=()   # node:if -> line of its vlan directive

topo_error() {
	printf '%s:%s: %s\n' "$TOPO_FILE" "$1" "$2" >&2
	exit 2
}

# parse_endpoint LINE NODE:IF: check an endpoint and leave it in EP_NODE
# and EP_IF (globals, so that topo_error exits the script, not a subshell).
EP_NODE="" EP_IF=""
parse_endpoint() {
	local line=$1 ep=$2 node iface
	[[ $ep == *:* ]] || topo_error "$line" "expected NODE:IF, got '$ep'"
	node=${ep%%:*} iface=${ep#*:}
	[[ -n ${NODE_KIND[$node]:-} ]] ||
		topo_error "$line" "unknown node '$node' (declare it with 'node' before using it)"
	[[ $iface =~ $IF_NAME_RE && $iface != . && $iface != .. ]] ||
		topo_error "$line" "bad interface name '$iface' (letters, digits, '_', '.', '-')"
	((${#iface} <= MAX_IF_LEN)) ||
		topo_error "$line" "interface name '$iface' is longer than $MAX_IF_LEN characters"
	[[ $iface != lo ]] || topo_error "$line" "interface name 'lo' is the loopback device"
	EP_NODE=$node EP_IF=$iface
}

parse_lab() {
	local line=$1 n=$2
	shift 2
	((LAB_LINE == 0)) || topo_error "$line" "duplicate 'lab' directive (first at line $LAB_LINE)"
	((n == 2)) || topo_error "$line" "usage: lab NAME"
	is_lab_name "$1" ||
		topo_error "$line" "bad lab name '$1' ([a-z0-9][a-z0-9_-]*, at most $MAX_LAB_LEN characters)"
	LAB=$1 LAB_LINE=$line
}

# parse_node LINE N NAME KIND CHECK_BINS
parse_node() {
	local line=$1 n=$2 name=${3:-} kind=${4:-} check_bins=$5 daemon
	((n == 3)) || topo_error "$line" "usage: node NAME KIND"
	[[ $name =~ $NODE_NAME_RE ]] ||
		topo_error "$line" "bad node name '$name' (a letter, then letters, digits or '_')"
	((${#name} <= MAX_NODE_LEN)) ||
		topo_error "$line" "node name '$name' is longer than $MAX_NODE_LEN characters"
	[[ -z ${NODE_KIND[$name]:-} ]] ||
		topo_error "$line" "duplicate node '$name' (first at line ${NODE_LINE[$name]})"
	[[ " $ALL_KINDS " == *" $kind "* ]] ||
		topo_error "$line" "unknown node kind '$kind' (one of: ${ALL_KINDS// /, })"
	if [[ $check_bins == yes && -z ${KIND_BUILT[$kind]:-} ]] && is_daemon_kind "$kind"; then
		daemon=$(daemon_of_kind "$kind")
		[[ -n $(find_bin "$daemon") ]] ||
			topo_error "$line" "node kind '$kind' needs $daemon, which is not built yet"
		[[ -n $(find_bin hopctl) ]] ||
			topo_error "$line" "node kind '$kind' needs hopctl, which is not built yet"
		KIND_BUILT[$kind]=yes
	fi
	NODES+=("$name")
	NODE_KIND[$name]=$kind NODE_LINE[$name]=$line NODE_IFS[$name]=""
}

parse_link() {
	local line=$1 n=$2 a b mtu=""
	local -a ea eb
	shift 2
	((n == 3 || n == 5)) || topo_error "$line" "usage: link NODE:IF NODE:IF [mtu N]"
	parse_endpoint "$line" "$1"
	ea=("$EP_NODE" "$EP_IF") a="$EP_NODE $EP_IF"
	parse_endpoint "$line" "$2"
	eb=("$EP_NODE" "$EP_IF") b="$EP_NODE $EP_IF"
	if ((n == 5)); then
		[[ $3 == mtu ]] || topo_error "$line" "expected 'mtu N' after the endpoints, got '$3'"
		mtu=$4
		if ! [[ $mtu =~ ^[1-9][0-9]{0,4}$ ]] || ((mtu < 68 || mtu > 65535)); then
			topo_error "$line" "bad mtu '$mtu' (68 to 65535)"
		fi
	fi
	[[ $a != "$b" ]] || topo_error "$line" "link joins ${ea[0]}:${ea[1]} to itself"
	local ep
	for ep in "${ea[0]}:${ea[1]}" "${eb[0]}:${eb[1]}"; do
		[[ -z ${IF_USED[$ep]:-} ]] ||
			topo_error "$line" "interface $ep is already used by the link at line ${IF_USED[$ep]}"
		IF_USED[$ep]=$line
	done
	NODE_IFS[${ea[0]}]+="${NODE_IFS[${ea[0]}]:+ }${ea[1]}"
	NODE_IFS[${eb[0]}]+="${NODE_IFS[${eb[0]}]:+ }${eb[1]}"
	LINK_A+=("$a") LINK_B+=("$b") LINK_MTU+=("$mtu")
}

parse_addr() {
	local line=$1 n=$2 node iface
	((n == 3)) || topo_error "$line" "usage: addr NODE:IF A.B.C.D/LEN"
	parse_endpoint "$line" "$3"
	node=$EP_NODE iface=$EP_IF
	[[ ${NODE_KIND[$node]} != switch ]] ||
		topo_error "$line" "node '$node' is a switch; addresses go on host, router and linux nodes"
	is_cidr "$4" || topo_error "$line" "bad address '$4' (expected A.B.C.D/LEN)"
	[[ -z ${ADDR_USED[$node ${4%/*}]:-} ]] ||
		topo_error "$line" "address ${4%/*} is already on node '$node' (line ${ADDR_USED[$node ${4%/*}]})"
	ADDR_USED[$node ${4%/*}]=$line
	ADDR_NODE+=("$node") ADDR_IF+=("$iface") ADDR_CIDR+=("$4") ADDR_LINE+=("$line")
}

parse_route() {
	local line=$1 n=$2 node=${3:-} prefix=${4:-} via=${5:-} gw=${6:-}
	if ((n != 5)) || [[ $via != via ]]; then
		topo_error "$line" "usage: route NODE PREFIX via GATEWAY"
	fi
	[[ -n ${NODE_KIND[$node]:-} ]] ||
		topo_error "$line" "unknown node '$node' (declare it with 'node' before using it)"
	[[ ${NODE_KIND[$node]} != switch ]] ||
		topo_error "$line" "node '$node' is a switch; routes go on host, router and linux nodes"
	if [[ $prefix != default ]]; then
		is_cidr "$prefix" || topo_error "$line" "bad route prefix '$prefix' (A.B.C.D/LEN or default)"
		! cidr_has_host_bits "$prefix" ||
			topo_error "$line" "route prefix '$prefix' has bits set beyond /${prefix#*/}"
	fi
	is_ipv4 "$gw" || topo_error "$line" "bad gateway '$gw' (expected A.B.C.D)"
	ROUTE_NODE+=("$node") ROUTE_PREFIX+=("$prefix") ROUTE_GW+=("$gw") ROUTE_LINE+=("$line")
}

# parse_mac LINE N NODE:IF MAC: a fixed unicast address for one interface.
parse_mac() {
	local line=$1 n=$2 mac ep first
	((n == 3)) || topo_error "$line" "usage: mac NODE:IF aa:bb:cc:dd:ee:ff"
	parse_endpoint "$line" "$3"
	ep=$EP_NODE:$EP_IF
	mac=${4,,}
	[[ $mac =~ ^[0-9a-f]{2}(:[0-9a-f]{2}){5}$ ]] ||
		topo_error "$line" "bad MAC address '$4' (expected six hex bytes: aa:bb:cc:dd:ee:ff)"
	first=${mac:0:2}
	((!(16#$first & 1))) ||
		topo_error "$line" "MAC address '$4' is a multicast address (the first byte is odd)"
	[[ $mac != 00:00:00:00:00:00 ]] || topo_error "$line" "MAC address '$4' is all zeros"
	[[ -z ${MAC_LINE[$ep]:-} ]] ||
		topo_error "$line" "interface $ep already has a MAC address (line ${MAC_LINE[$ep]})"
	[[ -z ${MAC_LINE[$mac]:-} ]] ||
		topo_error "$line" "MAC address $mac is already given (line ${MAC_LINE[$mac]})"
	MAC_LINE[$ep]=$line MAC_LINE[$mac]=$line IF_MAC[$ep]=$mac
}

# is_vlan_id ID: 1 to 4094 (0 and 4095 are reserved by 802.1Q).
is_vlan_id() {
	[[ $1 =~ ^[1-9][0-9]{0,3}$ ]] && (($1 <= 4094))
}

# is_vlan_list LIST: IDs and ranges, as 10,20,30-39.
is_vlan_list() {
	local item
	local -a items
	[[ $1 != *, && $1 != ,* && $1 != *,,* ]] || return 1
	IFS=, read -ra items <<<"$1"
	((${#items[@]} > 0)) || return 1
	for item in "${items[@]}"; do
		if [[ $item == *-* ]]; then
			is_vlan_id "${item%%-*}" && is_vlan_id "${item#*-}" &&
				((${item%%-*} <= ${item#*-})) || return 1
		else
			is_vlan_id "$item" || return 1
		fi
	done
}

# parse_vlan LINE N NODE:IF MODE ARGS...: a switch port's 802.1Q mode,
# kept as the words of switchd's `set port IF ...`.
parse_vlan() {
	local line=$1 n=$2 node iface mode=${4:-}
	shift 2
	local usage="usage: vlan NODE:IF access ID | vlan NODE:IF trunk ID,ID,... [native ID]"
	((n >= 4)) || topo_error "$line" "$usage"
	parse_endpoint "$line" "$1"
	node=$EP_NODE iface=$EP_IF
	[[ ${NODE_KIND[$node]} == switch ]] ||
		topo_error "$line" "node '$node' is a ${NODE_KIND[$node]}; VLAN port modes go on switch nodes"
	case $mode in
	access)
		((n == 4)) || topo_error "$line" "$usage"
		is_vlan_id "$3" || topo_error "$line" "bad VLAN ID '$3' (1 to 4094)"
		;;
	trunk)
		((n == 4 || n == 6)) || topo_error "$line" "$usage"
		is_vlan_list "$3" ||
			topo_error "$line" "bad VLAN list '$3' (IDs 1 to 4094, as 10,20,30-39)"
		if ((n == 6)); then
			[[ $4 == native ]] || topo_error "$line" "expected 'native ID' after the VLAN list, got '$4'"
			is_vlan_id "$5" || topo_error "$line" "bad native VLAN '$5' (1 to 4094)"
		fi
		;;
	*) topo_error "$line" "unknown VLAN port mode '$mode' (access or trunk)" ;;
	esac
	[[ -z ${VLAN_USED[$node:$iface]:-} ]] ||
		topo_error "$line" "port $node:$iface already has a VLAN mode (line ${VLAN_USED[$node:$iface]})"
	VLAN_USED[$node:$iface]=$line
	shift
	VLAN_NODE+=("$node") VLAN_IF+=("$iface") VLAN_ARGS+=("$*") VLAN_LINE+=("$line")
}

# parse_run LINE N NODE RAWLINE: the command is kept as written, so that a
# linux node's shell sees its quoting.
parse_run() {
	local line=$1 n=$2 node=${3:-} raw=$4 text
	((n >= 3)) || topo_error "$line" "usage: run NODE WORDS..."
	[[ -n ${NODE_KIND[$node]:-} ]] ||
		topo_error "$line" "unknown node '$node' (declare it with 'node' before using it)"
	[[ $raw =~ ^[[:space:]]*run[[:space:]]+[^[:space:]]+[[:space:]]+(.*[^[:space:]])[[:space:]]*$ ]]
	text=${BASH_REMATCH[1]}
	RUN_NODE+=("$node") RUN_TEXT+=("$text")
}

# parse_impair LINE N NODE:IF WORDS...: the words are checked as the
# daemons read them (impair_check, lib/impair.bash).
parse_impair() {
	local line=$1 n=$2 ep
	shift 2
	((n >= 3)) || topo_error "$line" "usage: impair NODE:IF $IMPAIR_USAGE"
	parse_endpoint "$line" "$1"
	ep=$EP_NODE:$EP_IF
	shift
	[[ -z ${IMPAIR_USED[$ep]:-} ]] ||
		topo_error "$line" "interface $ep is already impaired at line ${IMPAIR_USED[$ep]}"
	impair_check "$@" || topo_error "$line" "$IMPAIR_ERR"
	IMPAIR_USED[$ep]=$line
	IMPAIR_NODE+=("$EP_NODE") IMPAIR_IF+=("$EP_IF") IMPAIR_WORDS+=("$*") IMPAIR_LINE+=("$line")
}

# check_deferred: the rules that depend on lines further down the file.
check_deferred() {
	local i node iface
	((${#NODES[@]} > 0)) || topo_error "$LAB_LINE" "lab '$LAB' has no nodes"
	for i in "${!ADDR_NODE[@]}"; do
		node=${ADDR_NODE[i]} iface=${ADDR_IF[i]}
		[[ -n ${IF_USED[$node:$iface]:-} ]] ||
			topo_error "${ADDR_LINE[i]}" "node '$node' has no interface '$iface' (no link gives it one)"
	done
	for i in "${!IMPAIR_NODE[@]}"; do
		node=${IMPAIR_NODE[i]} iface=${IMPAIR_IF[i]}
		[[ -n ${IF_USED[$node:$iface]:-} ]] ||
			topo_error "${IMPAIR_LINE[i]}" "node '$node' has no interface '$iface' (no link gives it one)"
	done
	for iface in "${!IF_MAC[@]}"; do
		[[ -n ${IF_USED[$iface]:-} ]] ||
			topo_error "${MAC_LINE[$iface]}" "node '${iface%%:*}' has no interface '${iface#*:}' (no link gives it one)"
	done
	for i in "${!VLAN_NODE[@]}"; do
		node=${VLAN_NODE[i]} iface=${VLAN_IF[i]}
		[[ -n ${IF_USED[$node:$iface]:-} ]] ||
			topo_error "${VLAN_LINE[i]}" "node '$node' has no interface '$iface' (no link gives it one)"
	done
	# The kernel refuses a gateway it cannot reach on a connected subnet;
	# say so here instead of failing halfway through bring-up.
	local j ok
	for i in "${!ROUTE_NODE[@]}"; do
		node=${ROUTE_NODE[i]}
		[[ ${NODE_KIND[$node]} == linux ]] || continue
		ok=no
		for j in "${!ADDR_NODE[@]}"; do
			[[ ${ADDR_NODE[j]} == "$node" ]] && in_subnet "${ROUTE_GW[i]}" "${ADDR_CIDR[j]}" && ok=yes
		done
		[[ $ok == yes ]] ||
			topo_error "${ROUTE_LINE[i]}" "gateway ${ROUTE_GW[i]} is not on any subnet of node '$node'"
	done
}

# parse_topology FILE CHECK_BINS: validate FILE completely, filling the
# globals above; on the first error print FILE:LINE: message and exit 2.
parse_topology() {
	TOPO_FILE=$1
	local check_bins=$2 raw line_no=0 text
	local -a w
	[[ -f $TOPO_FILE && -r $TOPO_FILE ]] || usage_error "cannot read topology file '$TOPO_FILE'"
	while IFS= read -r raw || [[ -n $raw ]]; do
		line_no=$((line_no + 1))
		text=${raw%%#*}
		read -ra w <<<"$text"
		((${#w[@]} > 0)) || continue
		if ((LAB_LINE == 0)) && [[ ${w[0]} != lab ]]; then
			topo_error "$line_no" "expected 'lab NAME' as the first directive, got '${w[0]}'"
		fi
		case ${w[0]} in
		lab) parse_lab "$line_no" "${#w[@]}" "${w[@]:1}" ;;
		node) parse_node "$line_no" "${#w[@]}" "${w[1]:-}" "${w[2]:-}" "$check_bins" ;;
		link) parse_link "$line_no" "${#w[@]}" "${w[@]:1}" ;;
		addr) parse_addr "$line_no" "${#w[@]}" "${w[@]:1}" ;;
		route) parse_route "$line_no" "${#w[@]}" "${w[@]:1}" ;;
		mac) parse_mac "$line_no" "${#w[@]}" "${w[@]:1}" ;;
		vlan) parse_vlan "$line_no" "${#w[@]}" "${w[@]:1}" ;;
		run) parse_run "$line_no" "${#w[@]}" "${w[1]:-}" "$text" ;;
		impair) parse_impair "$line_no" "${#w[@]}" "${w[@]:1}" ;;
		*) topo_error "$line_no" "unknown directive '${w[0]}'" ;;
		esac
	done <"$TOPO_FILE"
	((LAB_LINE > 0)) || topo_error 1 "no 'lab NAME' directive"
	check_deferred
}
