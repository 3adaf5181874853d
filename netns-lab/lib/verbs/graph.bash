# shellcheck shell=bash
# hoplab graph [--svg FILE] LAB|FILE: a topology as a graphviz graph.
# Nodes are drawn by kind, with their routes in small print; a link is an
# edge whose ends name the interface and its addresses, and whose middle
# gives the MTU when the file sets one other than the default.  Nodes and
# links come in file order, so the same topology always gives the same
# DOT text.

usage_graph() {
	cat <<USAGE
$PROG graph [--svg FILE] LAB|FILE
    the topology of a lab that is up, or of a topology file, as graphviz
    DOT on stdout; --svg FILE draws it into FILE as an SVG picture instead
USAGE
}

# The MTU of a veth pair that the topology does not set.
GRAPH_DEFAULT_MTU=1500

# dot_escape TEXT: TEXT for the inside of a DOT quoted string, where a
# backslash starts an escape (a label's \n is added after escaping).
dot_escape() {
	local s=${1//\\/\\\\}
	printf '%s' "${s//\"/\\\"}"
}

dot_quote() { printf '"%s"' "$(dot_escape "$1")"; }

# html_escape TEXT: TEXT for a DOT HTML-like label.
html_escape() {
	local s=${1//&/&amp;}
	s=${s//</&lt;}
	s=${s//>/&gt;}
	printf '%s' "${s//\"/&quot;}"
}

# graph_kind_style KIND: the attributes that tell a node's kind at a
# glance (its label names the kind as well).
graph_kind_style() {
	case $1 in
	host) echo 'shape="box", style="rounded,filled", fillcolor="#dae8fc", color="#6c8ebf"' ;;
	switch) echo 'shape="box3d", style="filled", fillcolor="#d5e8d4", color="#82b366"' ;;
	router) echo 'shape="ellipse", style="filled", fillcolor="#ffe6cc", color="#d79b00"' ;;
	linux) echo 'shape="component", style="filled", fillcolor="#eeeeee", color="#666666"' ;;
	esac
}

# graph_node NODE: one node statement: name in bold, kind, and the node's
# routes in small print.
graph_node() {
	local node=$1 kind=${NODE_KIND[$1]} label routes="" i
	for i in "${!ROUTE_NODE[@]}"; do
		[[ ${ROUTE_NODE[i]} == "$node" ]] || continue
		routes+="${routes:+<BR/>}$(html_escape "${ROUTE_PREFIX[i]} via ${ROUTE_GW[i]}")"
	done
	label="<B>$(html_escape "$node")</B><BR/>$(html_escape "$kind")"
	[[ -z $routes ]] || label+="<BR/><FONT POINT-SIZE=\"8\">$routes</FONT>"
	printf '\t%s [%s, label=<%s>];\n' "$(dot_quote "$node")" "$(graph_kind_style "$kind")" "$label"
}

# graph_end_label NODE IF: the text at one end of a link: the interface
# and each of its addresses, one a line.
graph_end_label() {
	local node=$1 iface=$2 text i
	text=$(dot_escape "$iface")
	for i in "${!ADDR_NODE[@]}"; do
		if [[ ${ADDR_NODE[i]} == "$node" && ${ADDR_IF[i]} == "$iface" ]]; then
			text+="\\n$(dot_escape "${ADDR_CIDR[i]}")"
		fi
	done
	printf '"%s"' "$text"
}

# graph_link I: the edge statement of the I-th link.
graph_link() {
	local i=$1 mtu=${LINK_MTU[$1]} attrs
	local -a a b
	read -ra a <<<"${LINK_A[i]}"
	read -ra b <<<"${LINK_B[i]}"
	attrs="taillabel=$(graph_end_label "${a[0]}" "${a[1]}"), headlabel=$(graph_end_label "${b[0]}" "${b[1]}")"
	if [[ -n $mtu && $mtu != "$GRAPH_DEFAULT_MTU" ]]; then
		attrs+=", label=$(dot_quote "mtu $mtu")"
	fi
	printf '\t%s -- %s [%s];\n' "$(dot_quote "${a[0]}")" "$(dot_quote "${b[0]}")" "$attrs"
}

# graph_dot: the parsed topology as DOT.
graph_dot() {
	local node i
	printf 'graph %s {\n' "$(dot_quote "$LAB")"
	printf '\tgraph [label=%s, labelloc="t", fontname="Helvetica", rankdir="LR", nodesep="0.5", ranksep="2.2"];\n' \
		"$(dot_quote "lab $LAB")"
	printf '\tnode [fontname="Helvetica", fontsize="11"];\n'
	printf '\tedge [fontname="Helvetica", fontsize="9", labelfontsize="9", labeldistance="3", color="#555555"];\n'
	for node in "${NODES[@]}"; do
		graph_node "$node"
	done
	for i in "${!LINK_A[@]}"; do
		graph_link "$i"
	done
	printf '}\n'
}

# graph_topology_of LAB|FILE: the topology file to draw: FILE itself, or
# the copy that 'up' keeps in a running lab's run directory.
graph_topology_of() {
	local dir
	if [[ -f $1 ]]; then
		printf '%s\n' "$1"
		return 0
	fi
	is_lab_name "$1" || usage_error "'$1' is neither a topology file nor a lab name"
	dir=$(lab_dir "$1")
	[[ -d $dir ]] || die "lab '$1' is not up (give a topology file to draw one that is not)"
	[[ -f $dir/topology.lab ]] ||
		die "lab '$1' keeps no copy of its topology in $dir; bring it up again to draw it"
	printf '%s\n' "$dir/topology.lab"
}

cmd_graph() {
	local svg="" given="" file
	while (($# > 0)); do
		case $1 in
		--svg)
			if (($# < 2)) || [[ -z $2 || $2 == -* ]]; then
				[[ -z ${2:-} ]] || given=", not '$2'"
				usage_error "graph: --svg needs the name of the SVG file to write$given (without --svg the DOT text goes to stdout)"
			fi
			svg=$2
			shift
			;;
		-*) usage_error "graph: unknown option '$1'" ;;
		*) break ;;
		esac
		shift
	done
	(($# == 1)) || usage_error "usage: $PROG graph [--svg FILE] LAB|FILE"
	file=$(graph_topology_of "$1")
	parse_topology "$file" no
	if [[ -z $svg ]]; then
		graph_dot
		return 0
	fi
	command -v dot >/dev/null || die "graph --svg needs dot, from graphviz (make deps installs it)"
	if ! graph_dot | dot -Tsvg -o "$svg"; then
		rm -f -- "$svg"
		die "dot could not draw lab $LAB into $svg"
	fi
}
