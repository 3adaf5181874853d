# shellcheck shell=bash
# hoplab journey [-j] [--dot FILE|--svg FILE] LAB [FILTER] -- NODE COMMAND...
#
# Every daemon of LAB traces the frames matching FILTER (tcpdump's syntax)
# and each interface of its linux nodes is captured, while hopctl runs
# COMMAND on NODE; then hopjourney matches each packet across the nodes it
# crossed and prints it hop by hop.  This module only orchestrates: the
# matching and the rendering are hopjourney's (daemons/hopjourney/).

usage_journey() {
	cat <<USAGE
$PROG journey [-j] [--dot FILE|--svg FILE] LAB [FILTER] -- NODE COMMAND...
    trace every node of LAB while 'hopctl NODE COMMAND' runs, then print
    each packet of the exchange hop by hop: node, in and out port, MACs,
    IPs, TTL and what the node decided; -j one JSON object per packet;
    --dot/--svg also draw it as a sequence diagram into FILE
USAGE
}

# How long to let the frames still in flight when COMMAND ends (the last
# ACK, a FIN) reach the traces, in seconds.
JOURNEY_SETTLE=${HOPLAB_JOURNEY_SETTLE:-0.5}

# Set while a journey runs, for journey_cleanup.
JOURNEY_DIR=""
JOURNEY_TRACING=()
JOURNEY_DUMPS=()

# journey_cleanup: whatever happens, no trace keeps running, no tcpdump is
# left behind and the scratch folder goes.
journey_cleanup() {
	local node pid
	for node in "${JOURNEY_TRACING[@]}"; do
		"$JOURNEY_HOPCTL" "$LAB/$node" trace stop >/dev/null 2>&1 || true
	done
	for pid in "${JOURNEY_DUMPS[@]}"; do
		kill -INT "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	JOURNEY_TRACING=() JOURNEY_DUMPS=()
	[[ -z $JOURNEY_DIR ]] || rm -rf -- "$JOURNEY_DIR"
	JOURNEY_DIR=""
}

# journey_trace_start FILTER: every daemon node starts tracing.  A filter
# that libpcap refuses is the user's mistake: exit 2 with its message.
journey_trace_start() {
	local filter=$1 node rc err
	for node in "${NODES[@]}"; do
		is_daemon_kind "${NODE_KIND[$node]}" || continue
		rc=0
		# shellcheck disable=SC2086 # the filter's words, as hopctl takes them
		err=$("$JOURNEY_HOPCTL" "$LAB/$node" trace start $filter 2>&1 >/dev/null) || rc=$?
		case $rc in
		0) JOURNEY_TRACING+=("$node") ;;
		2) usage_error "journey: $node: ${err#hopctl: }" ;;
		*) die "journey: $node: trace start failed: $err" ;;
		esac
	done
}

# journey_capture_start FILTER: a tcpdump on each interface of each linux
# node, writing NODE@IF.pcap; returns once every one is listening.
journey_capture_start() {
	local filter=$1 node iface file pid tries
	for node in "${NODES[@]}"; do
		[[ ${NODE_KIND[$node]} == linux ]] || continue
		for iface in ${NODE_IFS[$node]}; do
			file=$JOURNEY_DIR/$node@$iface.pcap
			# Immediate mode: without it the kernel holds frames for up
			# to a second, and those still held when tcpdump is stopped
			# are lost.
			# shellcheck disable=SC2086 # the filter's words, as tcpdump takes them
			ip netns exec "$LAB-$node" tcpdump -i "$iface" -n -U --immediate-mode -w "$file" $filter \
				2>"$file.err" &
			pid=$!
			JOURNEY_DUMPS+=("$pid")
			for ((tries = 0; tries < 50; tries++)); do
				grep -q 'listening on' "$file.err" 2>/dev/null && break
				kill -0 "$pid" 2>/dev/null ||
					die "journey: tcpdump on $node:$iface: $(cat "$file.err")"
				sleep 0.1
			done
			grep -q 'listening on' "$file.err" ||
				die "journey: tcpdump on $node:$iface did not start"
		done
	done
}

# journey_capture_stop: the captures end and flush their files.
journey_capture_stop() {
	local pid
	for pid in "${JOURNEY_DUMPS[@]}"; do
		kill -INT "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	JOURNEY_DUMPS=()
}

# journey_collect: each tracing node's rows into NODE.json, tracing off.
journey_collect() {
	local node
	for node in "${JOURNEY_TRACING[@]}"; do
		"$JOURNEY_HOPCTL" "$LAB/$node" trace stop >/dev/null ||
			die "journey: $node: trace stop failed"
		"$JOURNEY_HOPCTL" -j "$LAB/$node" show trace >"$JOURNEY_DIR/$node.json" ||
			die "journey: $node: show trace failed"
	done
	JOURNEY_TRACING=()
}

# journey_topology_json: the lab for hopjourney: nodes and kinds, links,
# and the MAC of each linux node's interface (to tell what it sent from
# what it received).
journey_topology_json() {
	local node iface i mac
	local -a a b
	{
		for node in "${NODES[@]}"; do
			jq -nc --arg name "$node" --arg kind "${NODE_KIND[$node]}" \
				'{node: {name: $name, kind: $kind}}'
		done
		for i in "${!LINK_A[@]}"; do
			read -ra a <<<"${LINK_A[i]}"
			read -ra b <<<"${LINK_B[i]}"
			jq -nc --arg a "${a[0]}" --arg ai "${a[1]}" --arg b "${b[0]}" --arg bi "${b[1]}" \
				'{link: {a: $a, a_if: $ai, b: $b, b_if: $bi}}'
		done
		for node in "${NODES[@]}"; do
			[[ ${NODE_KIND[$node]} == linux ]] || continue
			for iface in ${NODE_IFS[$node]}; do
				mac=$(ip netns exec "$LAB-$node" cat "/sys/class/net/$iface/address")
				jq -nc --arg k "$node:$iface" --arg m "$mac" '{mac: {($k): $m}}'
			done
		done
	} | jq -sc --arg lab "$LAB" '{lab: $lab,
		nodes: [.[] | .node // empty], links: [.[] | .link // empty],
		macs: ([.[] | .mac // empty] | add // {})}'
}

# journey_render MODE [OUT]: hopjourney over what was collected; MODE is
# text, json or dot.
journey_render() {
	local mode=$1 node iface
	local -a args=(--topology "$JOURNEY_DIR/topology.json")
	case $mode in
	json) args+=(-j) ;;
	dot) args+=(--dot) ;;
	esac
	for node in "${NODES[@]}"; do
		if [[ ${NODE_KIND[$node]} == linux ]]; then
			for iface in ${NODE_IFS[$node]}; do
				args+=(--pcap "$node:$iface:$JOURNEY_DIR/$node@$iface.pcap")
			done
		elif [[ -f $JOURNEY_DIR/$node.json ]]; then
			args+=("$JOURNEY_DIR/$node.json")
		fi
	done
	"$JOURNEY_HOPJOURNEY" "${args[@]}"
}

cmd_journey() {
	local json=no dot="" svg="" lab filter node rc=0
	local -a words=()
	while (($# > 0)); do
		case $1 in
		-j | --json) json=yes ;;
		--dot | --svg)
			if (($# < 2)) || [[ -z $2 || $2 == -* ]]; then
				usage_error "journey: $1 needs the name of the file to write"
			fi
			if [[ $1 == --dot ]]; then dot=$2; else svg=$2; fi
			shift
			;;
		--) usage_error "usage: $PROG journey [-j] [--dot FILE|--svg FILE] LAB [FILTER] -- NODE COMMAND..." ;;
		-*) usage_error "journey: unknown option '$1'" ;;
		*) break ;;
		esac
		shift
	done
	(($# >= 1)) || usage_error "usage: $PROG journey [-j] [--dot FILE|--svg FILE] LAB [FILTER] -- NODE COMMAND..."
	lab=$1
	shift
	while (($# > 0)) && [[ $1 != -- ]]; do
		words+=("$1")
		shift
	done
	(($# >= 3)) || usage_error "journey: give '-- NODE COMMAND...' after the lab and the filter"
	shift
	node=$1
	shift
	filter=${words[*]:-}

	need_root
	is_lab_name "$lab" || usage_error "journey: '$lab' is not a lab name"
	[[ -f $(lab_dir "$lab")/topology.lab ]] || die "journey: lab '$lab' is not up"
	parse_topology "$(lab_dir "$lab")/topology.lab" no
	[[ -n ${NODE_KIND[$node]:-} ]] || usage_error "journey: lab $LAB has no node '$node'"
	is_daemon_kind "${NODE_KIND[$node]}" ||
		usage_error "journey: $node is a linux node: COMMAND runs through hopctl on a daemon node"
	JOURNEY_HOPCTL=$(find_bin hopctl)
	JOURNEY_HOPJOURNEY=$(find_bin hopjourney)
	[[ -n $JOURNEY_HOPCTL && -n $JOURNEY_HOPJOURNEY ]] ||
		die "journey: hopctl and hopjourney must be built (make)"
	[[ -z $svg ]] || command -v dot >/dev/null ||
		die "journey: --svg needs dot, from graphviz (make deps installs it)"

	JOURNEY_DIR=$(mktemp -d)
	trap journey_cleanup EXIT
	trap 'exit 130' INT TERM
	journey_trace_start "$filter"
	journey_capture_start "$filter"
	# The command talks to the user as it would alone; with -j its output
	# goes to stderr, so that stdout is the journey's JSON only.
	if [[ $json == yes ]]; then
		"$JOURNEY_HOPCTL" "$LAB/$node" "$@" >&2 || rc=$?
	else
		"$JOURNEY_HOPCTL" "$LAB/$node" "$@" || rc=$?
		echo
	fi
	sleep "$JOURNEY_SETTLE"
	journey_capture_stop
	journey_collect
	journey_topology_json >"$JOURNEY_DIR/topology.json"

	if [[ $json == yes ]]; then
		journey_render json
	else
		journey_render text
	fi
	if [[ -n $dot ]]; then
		journey_render dot >"$dot" || die "journey: could not write $dot"
	fi
	if [[ -n $svg ]] && ! journey_render dot | dot -Tsvg -o "$svg"; then
		rm -f -- "$svg"
		die "journey: dot could not draw the journey into $svg"
	fi
	((rc == 0)) || warn "journey: '$node ${*}' exited $rc"
	return "$rc"
}
