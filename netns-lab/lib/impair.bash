# shellcheck shell=bash
# Impairments: what leaves an interface is delayed, lost, duplicated,
# reordered, corrupted or rate-limited (common/impair.h says how).
#
# On a daemon's interface the daemon does it (`hopctl NODE set impair IF
# ...`).  On a Linux node's interface, the kernel's netem does it when the
# kernel has it; otherwise hoplab puts a relay on the link: the node's
# interface moves into a namespace of its own, LAB-NODE.IF, where linkrelay
# joins it to a new veth pair whose other end takes the interface's place
# in the node (same name, MAC, MTU, addresses, routes and permanent
# neighbours), and impairs what leaves by the node's own end; the relay's
# control socket is RUN/LAB/NODE:IF.sock (`hopctl LAB/NODE:IF show
# ports`).  Clearing the impairment puts the interface back and removes
# the relay.
#
# What hoplab applied is kept in RUN/LAB/impair, one line per interface:
# NODE IF VIA SPEC..., VIA being daemon, relay or netem, SPEC as the daemon
# or relay reads it back (with its seed), or as given to netem.

IMPAIR_KEYWORDS="delay jitter loss duplicate reorder corrupt rate limit seed"
# How a Linux node's interface is impaired: auto (netem when the kernel has
# it, else a relay), netem or relay.
LINUX_IMPAIR=${HOPLAB_LINUX_IMPAIR:-auto}
linux_impair_check() {
	case $LINUX_IMPAIR in
	auto | netem | relay) ;;
	*) usage_error "HOPLAB_LINUX_IMPAIR must be auto, netem or relay, not '$LINUX_IMPAIR'" ;;
	esac
}

# impair_number VALUE KIND: is VALUE a number of KIND (time, pct, rate)
# with one of its units, in range, as common/impair.c reads one?
impair_number() {
	local v=${1,,} num unit scale max
	[[ $v =~ ^([0-9]+\.?[0-9]*|\.[0-9]+)(.*)$ ]] || return 1
	num=${BASH_REMATCH[1]} unit=${BASH_REMATCH[2]}
	((${#num} <= 64)) || return 1
	case $2:$unit in
	time:s | time:sec | time:secs) scale=1e9 ;;
	time:ms | time:msec | time:msecs) scale=1e6 ;;
	time:us | time:usec | time:usecs) scale=1e3 ;;
	pct:% | pct:) scale=1e7 ;;
	rate:bit) scale=1 ;;
	rate:kbit) scale=1e3 ;;
	rate:mbit) scale=1e6 ;;
	rate:gbit) scale=1e9 ;;
	rate:tbit) scale=1e12 ;;
	rate:kibit) scale=1024 ;;
	rate:mibit) scale=1048576 ;;
	rate:gibit) scale=1073741824 ;;
	rate:tibit) scale=1099511627776 ;;
	rate:bps) scale=8 ;;
	rate:kbps) scale=8e3 ;;
	rate:mbps) scale=8e6 ;;
	rate:gbps) scale=8e9 ;;
	rate:tbps) scale=8e12 ;;
	rate:kibps) scale=8192 ;;
	rate:mibps) scale=8388608 ;;
	rate:gibps) scale=8589934592 ;;
	rate:tibps) scale=8796093022208 ;;
	*) return 1 ;;
	esac
	case $2 in
	time) max=3600e9 ;;
	pct) max=1e9 ;;
	rate) max=1e15 ;;
	esac
	# Rounded to a whole number, as the daemons do; a rate is 1 bit/s at
	# least.
	awk -v n="$num" -v s="$scale" -v m="$max" -v k="$2" \
		'BEGIN { v = n * s + 0.5; exit !(v >= 0 && v < m + 1 && (k != "rate" || v >= 1)) }'
}

# impair_whole VALUE MAX: is VALUE a whole number, 0 to MAX (MAX of 20
# digits at most)?
impair_whole() {
	local v=$1 max=$2
	[[ $v =~ ^[0-9]+$ ]] || return 1
	while [[ $v == 0?* ]]; do
		v=${v#0}
	done
	((${#v} < ${#max})) && return 0
	((${#v} == ${#max})) && [[ ! $v > $max ]]
}

# impair_check WORDS...: are WORDS an impairment, as the daemons read one?
# If not, fail with the reason in IMPAIR_ERR (the daemons' words).
IMPAIR_ERR=""
impair_check() {
	local kw v
	local -A seen=()
	IMPAIR_ERR=""
	if (($# == 0)); then
		IMPAIR_ERR="no impairment given (delay, jitter, loss, duplicate, reorder, corrupt, rate, limit, seed)"
		return 1
	fi
	while (($# > 0)); do
		kw=$1 v=${2:-}
		if [[ " $IMPAIR_KEYWORDS " != *" $kw "* ]]; then
			IMPAIR_ERR="unknown impairment '$kw' (delay, jitter, loss, duplicate, reorder, corrupt, rate, limit, seed)"
			return 1
		fi
		if [[ -n ${seen[$kw]:-} ]]; then
			IMPAIR_ERR="$kw given twice"
			return 1
		fi
		seen[$kw]=1
		if (($# < 2)); then
			IMPAIR_ERR="$kw needs a value"
			return 1
		fi
		case $kw in
		delay | jitter)
			impair_number "$v" time ||
				IMPAIR_ERR="$kw: bad time '$v' (such as 50ms, 1.5s or 200us; at most 1h)"
			;;
		loss | duplicate | reorder | corrupt)
			impair_number "$v" pct ||
				IMPAIR_ERR="$kw: bad percentage '$v' (0% to 100%, such as 10%)"
			;;
		rate)
			impair_number "$v" rate ||
				IMPAIR_ERR="rate: bad rate '$v' (such as 500kbit, 10mbit or 1gbit)"
			;;
		limit)
			if ! impair_whole "$v" 1000000 || [[ $v =~ ^0+$ ]]; then
				IMPAIR_ERR="limit: bad number of frames '$v' (1 to 1000000)"
			fi
			;;
		seed)
			impair_whole "$v" 18446744073709551615 ||
				IMPAIR_ERR="seed: bad seed '$v' (a whole number, 0 to 2^64-1)"
			;;
		esac
		[[ -z $IMPAIR_ERR ]] || return 1
		shift 2
	done
	if [[ -n ${seen[jitter]:-} && -z ${seen[delay]:-} ]]; then
		IMPAIR_ERR="jitter needs a delay (delay D jitter J)"
		return 1
	fi
}

# --- what hoplab applied -------------------------------------------------

# impair_lines DIR: the lab's impairments, "NODE IF VIA SPEC..." a line.
impair_lines() {
	[[ -r $1/impair ]] && cat -- "$1/impair"
	return 0
}

# impair_via DIR NODE IF: how NODE:IF is impaired now (daemon, relay,
# netem), or nothing.
impair_via() {
	local node iface via rest
	while read -r node iface via rest; do
		if [[ $node == "$2" && $iface == "$3" ]]; then
			printf '%s\n' "$via"
			return 0
		fi
	done < <(impair_lines "$1")
}

# impair_record DIR NODE IF [VIA SPEC...]: NODE:IF's line says VIA SPEC
# (none: NODE:IF is not impaired); the file is replaced whole.
impair_record() {
	local dir=$1 node=$2 iface=$3 n i v r
	shift 3
	{
		while read -r n i v r; do
			[[ $n == "$node" && $i == "$iface" ]] || printf '%s %s %s %s\n' "$n" "$i" "$v" "$r"
		done < <(impair_lines "$dir")
		(($# == 0)) || printf '%s %s %s\n' "$node" "$iface" "$*"
	} >"$dir/impair.tmp" && mv -f -- "$dir/impair.tmp" "$dir/impair"
}

# impair_table DIR: the impairments as status shows them; nothing when
# there are none.
impair_table() {
	local dir=$1 node iface via spec pid
	local -a lines
	mapfile -t lines < <(impair_lines "$dir")
	((${#lines[@]} > 0)) || return 0
	printf '%-15s %-7s %-8s %s\n' IMPAIRED VIA PID IMPAIRMENT
	for spec in "${lines[@]}"; do
		read -r node iface via spec <<<"$spec"
		pid=-
		if [[ $via == relay ]]; then
			pid=$(daemon_pid "$dir/$node:$iface.pid") || pid=dead
		fi
		printf '%-15s %-7s %-8s %s\n' "$node:$iface" "$via" "$pid" "$spec"
	done
}

# --- applying ------------------------------------------------------------

# impair_apply LAB NODE KIND IF WORDS...: impair NODE:IF of LAB as WORDS
# say (checked already), or, WORDS being 'clear', no more; records it.
# Stops with a message when it cannot.
impair_apply() {
	local lab=$1 node=$2 kind=$3 iface=$4 dir via
	shift 4
	dir=$(lab_dir "$lab")
	via=$(impair_via "$dir" "$node" "$iface")
	if is_daemon_kind "$kind"; then
		impair_daemon "$lab/$node" "$iface" "$@"
		impair_done "$dir" "$node" "$iface" daemon "$@"
		return
	fi
	if [[ $1 == clear ]]; then
		case $via in
		relay) relay_remove "$lab" "$node" "$iface" ;;
		netem) must ip netns exec "$lab-$node" tc qdisc del dev "$iface" root ;;
		esac
		impair_record "$dir" "$node" "$iface"
		return
	fi
	if [[ $via != relay && $LINUX_IMPAIR != relay ]] && impair_netem "$lab-$node" "$iface" "$@"; then
		IMPAIR_SPEC="$*"
		impair_record "$dir" "$node" "$iface" netem "$IMPAIR_SPEC"
		return
	fi
	[[ $LINUX_IMPAIR != netem ]] ||
		die "cannot impair $node:$iface with netem: tc qdisc replace dev $iface root netem ${*} failed (does the kernel have sch_netem?)"
	# netem could not do these words: the relay does, and netem no more.
	[[ $via != netem ]] || must ip netns exec "$lab-$node" tc qdisc del dev "$iface" root
	[[ $via == relay ]] || relay_insert "$lab" "$node" "$iface"
	impair_daemon "$dir/$node:$iface.sock" "$iface" "$@"
	impair_done "$dir" "$node" "$iface" relay "$@"
}

# impair_done DIR NODE IF VIA WORDS...: records what the daemon or relay
# now applies (IMPAIR_SPEC), or that NODE:IF is clear.
impair_done() {
	local dir=$1 node=$2 iface=$3 via=$4
	if [[ $5 == clear ]]; then
		impair_record "$dir" "$node" "$iface"
	else
		impair_record "$dir" "$node" "$iface" "$via" "$IMPAIR_SPEC"
	fi
}

# impair_daemon TARGET IF WORDS...: `set impair IF WORDS` on the daemon
# or relay TARGET (LAB/NODE or a socket); leaves the spec it now applies
# in IMPAIR_SPEC.
IMPAIR_SPEC=""
impair_daemon() {
	local target=$1 iface=$2 hopctl out
	shift 2
	hopctl=$(find_bin hopctl)
	[[ -n $hopctl ]] || die "hopctl is not built"
	out=$("$hopctl" "$target" set impair "$iface" "$@" 2>&1) ||
		die "set impair $iface $* on $target: ${out#hopctl: }"
	IMPAIR_SPEC=$(sed -n 's/^impair: //p' <<<"$out")
}

# impair_netem NS IF WORDS...: the same with the kernel's netem; fails
# when the kernel has none (or refuses the words).
impair_netem() {
	local ns=$1 iface=$2 delay="" jitter=""
	local -a args=()
	shift 2
	# netem's words are ours, but for the jitter: delay D [J].
	while (($# > 0)); do
		case $1 in
		delay) delay=$2 ;;
		jitter) jitter=$2 ;;
		*) args+=("$1" "$2") ;;
		esac
		shift 2
	done
	[[ -z $delay ]] || args=(delay "$delay" ${jitter:+"$jitter"} "${args[@]}")
	ip netns exec "$ns" tc qdisc replace dev "$iface" root netem "${args[@]}" >/dev/null 2>&1
}

# --- the relay of a Linux node's interface ------------------------------

# relay_ns LAB NODE IF: the relay's namespace ('-' in IF becomes '_', so
# that the name is LAB- and one word, as lab_namespaces wants).
relay_ns() { printf '%s-%s.%s\n' "$1" "$2" "${3//-/_}"; }
# relay_peer IF: the relay's end of the new pair toward the node.
relay_peer() {
	if [[ $1 == node ]]; then echo node1; else echo node; fi
}

# if_config_save NS IF: what the interface carries, into IFC_* (MAC, MTU,
# IPv4 addresses, routes but the kernel's own, permanent neighbours).
IFC_MAC="" IFC_MTU=""
IFC_ADDRS=() IFC_ROUTES=() IFC_NEIGH=()
if_config_save() {
	local ns=$1 iface=$2 line
	local -a w
	IFC_ADDRS=() IFC_ROUTES=() IFC_NEIGH=()
	IFC_MAC=$(ip netns exec "$ns" cat "/sys/class/net/$iface/address") || return 1
	IFC_MTU=$(ip netns exec "$ns" cat "/sys/class/net/$iface/mtu") || return 1
	while read -r -a w; do
		# "4: eth0 inet 10.0.0.1/24 brd 10.0.0.255 scope global eth0 ..."
		line="${w[3]}"
		[[ ${w[4]:-} == brd ]] && line+=" broadcast ${w[5]}"
		IFC_ADDRS+=("$line")
	done < <(ip -n "$ns" -o -4 addr show dev "$iface")
	while read -r line; do
		[[ $line == *" proto kernel "* || -z $line ]] && continue
		line=${line// linkdown/}
		line=${line// dead/}
		IFC_ROUTES+=("$line")
	done < <(ip -n "$ns" -4 route show table all dev "$iface")
	while read -r -a w; do
		[[ ${w[1]:-} == lladdr ]] && IFC_NEIGH+=("${w[0]} lladdr ${w[2]}")
	done < <(ip -n "$ns" -4 neigh show dev "$iface" nud permanent)
}

# if_config_restore NS IF: the interface gets what if_config_save saved,
# and comes up with its offloads off, as bring-up leaves every interface.
if_config_restore() {
	local ns=$1 iface=$2 x
	{
		echo "link set dev $iface address $IFC_MAC mtu $IFC_MTU"
		echo "link set dev $iface up"
		for x in "${IFC_ADDRS[@]}"; do
			echo "addr add $x dev $iface"
		done
	} | must ip -n "$ns" -batch -
	for x in "${IFC_ROUTES[@]}"; do
		# shellcheck disable=SC2086 # a route is its words
		must ip -n "$ns" route add $x dev "$iface"
	done
	for x in "${IFC_NEIGH[@]}"; do
		# shellcheck disable=SC2086 # a neighbour is its words
		must ip -n "$ns" neigh replace $x dev "$iface" nud permanent
	done
	relay_offloads_off "$ns" "$iface"
}

relay_offloads_off() {
	ip netns exec "$1" ethtool -K "$2" tx off tso off gso off gro off rxvlan off txvlan off >/dev/null 2>&1 && return 0
	local feature
	for feature in tx tso gso gro rxvlan txvlan; do
		ip netns exec "$1" ethtool -K "$2" "$feature" off >/dev/null 2>&1 || true
	done
}

# relay_insert LAB NODE IF: the relay goes onto the link of NODE:IF, a
# Linux node's interface, and answers on its control socket.
relay_insert() {
	local lab=$1 node=$2 iface=$3 ns=$1-$2 rns peer dir bin
	rns=$(relay_ns "$lab" "$node" "$iface")
	peer=$(relay_peer "$iface")
	dir=$(lab_dir "$lab")
	bin=$(find_bin linkrelay)
	[[ -n $bin ]] || die "cannot impair $node:$iface: it needs linkrelay, which is not built yet"
	[[ ! -e /run/netns/$rns ]] || die "namespace $rns exists already; cannot put a relay on $node:$iface"
	if_config_save "$ns" "$iface" || die "no interface $iface in node $node"
	must ip netns add "$rns"
	must ns_register "$rns"
	must ip -n "$rns" link set lo up
	must ip netns exec "$rns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	# The node's end of the link moves out; a new pair takes its place.
	must ip -n "$ns" link set dev "$iface" netns "$rns"
	must ip -n "$rns" link add "$peer" mtu "$IFC_MTU" type veth peer name "$iface" netns "$ns"
	printf '%s\n' "link set dev $iface up" "link set dev $peer up" | must ip -n "$rns" -batch -
	relay_offloads_off "$rns" "$peer"
	if_config_restore "$ns" "$iface"
	relay_start "$rns" "$dir" "$node" "$iface" "$peer" "$bin"
}

# relay_start RNS DIR NODE IF PEER BIN: linkrelay between IF and PEER in
# RNS; waits until it answers.
relay_start() {
	local rns=$1 dir=$2 node=$3 iface=$4 peer=$5 bin=$6 name hopctl pid tries=$((START_TIMEOUT * 10))
	name=$node:$iface
	hopctl=$(find_bin hopctl)
	(
		close_inherited_fds
		exec ip netns exec "$rns" setsid "$bin" --name "$name" --socket "$dir/$name.sock" \
			--pidfile "$dir/$name.pid" -i "$iface" -i "$peer" >>"$dir/$name.log" 2>&1 </dev/null
	) &
	pid=$!
	until [[ -e $dir/$name.sock ]] && "$hopctl" "$dir/$name.sock" help >/dev/null 2>&1; do
		if ! pid_alive "$pid"; then
			warn "the relay of $name exited during start-up"
			show_log_tail "$dir/$name.log"
			exit 1
		fi
		if ((tries-- <= 0)); then
			warn "the relay of $name did not answer on $dir/$name.sock within ${START_TIMEOUT}s"
			show_log_tail "$dir/$name.log"
			exit 1
		fi
		sleep 0.1
	done
}

# relay_stop DIR NAME: SIGTERM the relay NAME (NODE:IF) and wait for it.
relay_stop() {
	local dir=$1 name=$2 pid
	pid=$(daemon_pid "$dir/$name.pid") || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	wait_gone "$STOP_TIMEOUT" "$pid" && return 0
	warn "the relay of $name (pid $pid) ignored SIGTERM for ${STOP_TIMEOUT}s; killed it"
	kill -KILL "$pid" 2>/dev/null
	wait_gone 2 "$pid" || true
}

# relay_remove LAB NODE IF: the node's interface goes back onto its link
# as it is now configured, and the relay goes.
relay_remove() {
	local lab=$1 node=$2 iface=$3 ns=$1-$2 rns dir
	rns=$(relay_ns "$lab" "$node" "$iface")
	dir=$(lab_dir "$lab")
	if_config_save "$ns" "$iface" || die "no interface $iface in node $node"
	relay_stop "$dir" "$node:$iface"
	must ip -n "$ns" link del dev "$iface"
	must ip -n "$rns" link set dev "$iface" netns "$ns"
	if_config_restore "$ns" "$iface"
	if ip netns del "$rns"; then
		ns_unregister "$rns"
	else
		warn "could not delete namespace $rns"
	fi
	rm -f -- "$dir/$node:$iface.sock" "$dir/$node:$iface.pid"
}
