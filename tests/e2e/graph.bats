#!/usr/bin/env bats
# End-to-end tests of 'hoplab graph': every topology in conf/ as DOT that
# graphviz reads back to the same nodes, links and addresses, and as an SVG
# picture; a running lab drawn as its file; errors; and the installed
# hoplab finding its modules.  Needs root for the running lab.

load helpers

test_setup() {
	SHARED_DIR=""
}

test_teardown() {
	[[ -z $SHARED_DIR ]] || rm -rf -- "$SHARED_DIR"
}

# topo FILE: FILE without its comments.
topo() { sed 's/#.*//' "$1"; }

# DOT_JSON: jq over 'dot -Tjson0', the graph as graphviz read it (so the
# DOT must be valid), with each edge's ends by node name.
# shellcheck disable=SC2016 # jq's variables, not the shell's
DOT_JSON='. as $g | .edges[]? |= (.tail = $g.objects[.tail].name | .head = $g.objects[.head].name)'

# graph_json FILE|LAB: hoplab's DOT for it, read back by dot, in $json.
graph_json() {
	run "$HOPLAB" graph "$1"
	assert_success
	dot_text=$output
	json=$(dot -Tjson0 <<<"$dot_text" | jq "$DOT_JSON")
}

# check_graph FILE: the graph in $json has FILE's nodes (kind in the
# label), its links with both interface names at the right ends, each end's
# addresses, and the MTU of links that set one other than 1500.
check_graph() {
	local file=$1 want got
	want=$(topo "$file" | awk '$1 == "node" { print $2 }')
	got=$(jq -r '.objects[].name' <<<"$json")
	assert_equal "$got" "$want"
	want=$(topo "$file" | awk '$1 == "node" { print $2, $3 }')
	got=$(jq -r '.objects[] | .name + " " + (.label | split("<BR/>")[1])' <<<"$json")
	assert_equal "$got" "$want"

	want=$(topo "$file" | awk '$1 == "link" { print $2, $3 }')
	got=$(jq -r '.edges[] | "\(.tail):\(.taillabel | split("\\n")[0]) \(.head):\(.headlabel | split("\\n")[0])"' <<<"$json")
	assert_equal "$got" "$want"

	want=$(topo "$file" | awk '$1 == "addr" { print $2, $3 }' | sort)
	got=$(jq -r '.edges[] | (.tail as $n | .taillabel | split("\\n") | .[0] as $i | .[1:][] | "\($n):\($i) \(.)"),
		(.head as $n | .headlabel | split("\\n") | .[0] as $i | .[1:][] | "\($n):\($i) \(.)")' <<<"$json")
	assert_equal "$(sort <<<"$got")" "$want"

	want=$(topo "$file" | awk '$1 == "link" && $4 == "mtu" && $5 != 1500 { print $2, $3, "mtu", $5 }')
	got=$(jq -r '.edges[] | select((.label // "") != "") | "\(.tail):\(.taillabel | split("\\n")[0]) \(.head):\(.headlabel | split("\\n")[0]) \(.label)"' <<<"$json")
	assert_equal "$got" "$want"
}

# svg_texts SVG: the text of every <text> element of SVG, one a line
# (graphviz writes some characters, such as '-', as character references).
svg_texts() {
	python3 -c 'import sys, xml.etree.ElementTree as ET
for e in ET.parse(sys.argv[1]).iter("{http://www.w3.org/2000/svg}text"):
    print(e.text or "")' "$1"
}

# check_svg SVG FILE: SVG is a well-formed SVG document that shows every
# node and interface name of FILE.
check_svg() {
	local svg=$1 file=$2 texts name
	[[ -s $svg ]] || fail "no SVG written to $svg"
	xmllint --noout "$svg"
	grep -q '<svg' "$svg"
	grep -q '</svg>' "$svg"
	texts=$(svg_texts "$svg")
	for name in $(topo "$file" | awk '$1 == "node" { print $2 } $1 == "link" { sub(/^[^:]*:/, "", $2); sub(/^[^:]*:/, "", $3); print $2; print $3 }'); do
		grep -qxF -- "$name" <<<"$texts" || fail "$svg does not show '$name'"
	done
}

@test "graph: every file in conf/ as DOT that dot reads back to its nodes, kinds, links, addresses and MTUs" {
	local file n=0
	for file in "$REPO_ROOT"/conf/*.lab; do
		graph_json "$file"
		check_graph "$file"
		# The same file gives the same text.
		run "$HOPLAB" graph "$file"
		assert_output "$dot_text"
		n=$((n + 1))
	done
	((n >= 4))
}

@test "graph --svg: every file in conf/ as a well-formed SVG picture naming every node and interface" {
	local file svg
	for file in "$REPO_ROOT"/conf/*.lab; do
		svg=$BATS_TEST_TMPDIR/$(basename "$file" .lab).svg
		run "$HOPLAB" graph --svg "$svg" "$file"
		assert_success
		assert_output ""
		check_svg "$svg" "$file"
	done
}

@test "graph: names that are DOT keywords or hold '_', '-' and '.' are quoted; routes are in small print" {
	local file=$BATS_TEST_TMPDIR/names.lab
	cat >"$file" <<EOF
lab names_x-1
node graph host
node node switch
node edge_1 router
node strict linux
link graph:e-0.1 node:p_1
link node:p-2 edge_1:eth.0 mtu 9000
link edge_1:_x strict:eth0 mtu 1500
addr graph:e-0.1 10.1.0.2/24
addr edge_1:eth.0 10.1.0.1/24
addr edge_1:eth.0 10.1.9.1/24
addr edge_1:_x 10.2.0.1/30
addr strict:eth0 10.2.0.2/30
route graph default via 10.1.0.1
route strict 10.1.0.0/16 via 10.2.0.1
EOF
	graph_json "$file"
	check_graph "$file"
	assert_equal "$(jq -r '.name' <<<"$json")" "names_x-1"
	run jq -r '.objects[] | select(.name == "strict") | .label' <<<"$json"
	assert_output '<B>strict</B><BR/>linux<BR/><FONT POINT-SIZE="8">10.1.0.0/16 via 10.2.0.1</FONT>'
	run "$HOPLAB" graph --svg "$BATS_TEST_TMPDIR/names.svg" "$file"
	assert_success
	check_svg "$BATS_TEST_TMPDIR/names.svg" "$file"
}

@test "graph of a running lab is the graph of its file, and goes with the lab" {
	local lab file
	lab=$(lab_name graph)
	file=$BATS_TEST_TMPDIR/$lab.lab
	sed "s/^lab tworouters\$/lab $lab/" "$REPO_ROOT/conf/two-routers.lab" >"$file"
	lab_up "$file"
	[[ -f $HOPLAB_RUN_ROOT/$lab/topology.lab ]]

	run "$HOPLAB" graph "$file"
	assert_success
	local from_file=$output
	assert_output --partial "graph \"$lab\" {"
	run "$HOPLAB" graph "$lab"
	assert_success
	assert_output "$from_file"
	graph_json "$lab"
	check_graph "$file"

	run "$HOPLAB" graph --svg "$BATS_TEST_TMPDIR/file.svg" "$file"
	assert_success
	run "$HOPLAB" graph --svg "$BATS_TEST_TMPDIR/lab.svg" "$lab"
	assert_success
	cmp "$BATS_TEST_TMPDIR/file.svg" "$BATS_TEST_TMPDIR/lab.svg"

	lab_down_check "$lab"
	run "$HOPLAB" graph "$lab"
	assert_failure 1
	assert_output --partial "lab '$lab' is not up"
}

@test "graph: a bad topology file gives FILE:LINE and exit 2, and no picture" {
	local file=$BATS_TEST_TMPDIR/bad.lab svg=$BATS_TEST_TMPDIR/bad.svg
	cat >"$file" <<EOF
lab badgraph
node a linux
node b linux
link a:eth0 c:eth0
EOF
	run "$HOPLAB" graph "$file"
	assert_failure 2
	assert_output "$file:4: unknown node 'c' (declare it with 'node' before using it)"
	run "$HOPLAB" graph --svg "$svg" "$file"
	assert_failure 2
	assert_output "$file:4: unknown node 'c' (declare it with 'node' before using it)"
	[[ ! -e $svg ]]
}

@test "graph: an unknown lab is an error" {
	local lab
	lab=$(lab_name nolab)
	run "$HOPLAB" graph "$lab"
	assert_failure 1
	assert_output "hoplab: lab '$lab' is not up (give a topology file to draw one that is not)"
	run "$HOPLAB" graph --svg "$BATS_TEST_TMPDIR/x.svg" "$lab"
	assert_failure 1
	[[ ! -e $BATS_TEST_TMPDIR/x.svg ]]
}

@test "graph: bad options and arguments are usage errors (exit 2); --help is not" {
	local file=$REPO_ROOT/conf/seed.lab
	run "$HOPLAB" graph
	assert_failure 2
	assert_line --index 0 "hoplab: usage: hoplab graph [--svg FILE] LAB|FILE"
	run "$HOPLAB" graph "$file" "$file"
	assert_failure 2
	run "$HOPLAB" graph --svg
	assert_failure 2
	assert_line --index 0 "hoplab: graph: --svg needs the name of the SVG file to write (without --svg the DOT text goes to stdout)"
	run "$HOPLAB" graph --svg - "$file"
	assert_failure 2
	assert_line --index 0 "hoplab: graph: --svg needs the name of the SVG file to write, not '-' (without --svg the DOT text goes to stdout)"
	[[ ! -e ./- ]]
	run "$HOPLAB" graph --svg "$BATS_TEST_TMPDIR/x.svg"
	assert_failure 2
	run "$HOPLAB" graph --dot "$file"
	assert_failure 2
	assert_line --index 0 "hoplab: graph: unknown option '--dot'"
	run "$HOPLAB" graph "$BATS_TEST_TMPDIR/missing.lab"
	assert_failure 2
	assert_line --index 0 "hoplab: '$BATS_TEST_TMPDIR/missing.lab' is neither a topology file nor a lab name"
	[[ ! -e $BATS_TEST_TMPDIR/x.svg ]]

	run "$HOPLAB" graph --help
	assert_success
	assert_line --index 0 "usage: hoplab graph [--svg FILE] LAB|FILE"
	run "$HOPLAB" --help
	assert_success
	assert_line "       hoplab graph [--svg FILE] LAB|FILE"
}

@test "graph FILE needs no root" {
	SHARED_DIR=$(mktemp -d /tmp/hoplab-graph.XXXXXX)
	chmod 755 "$SHARED_DIR"
	cp -r "$REPO_ROOT/netns-lab" "$REPO_ROOT/conf/seed.lab" "$SHARED_DIR"/
	chmod -R a+rX "$SHARED_DIR"
	run "$HOPLAB" graph "$SHARED_DIR/seed.lab"
	assert_success
	local as_root=$output
	run runuser -u nobody -- "$SHARED_DIR/netns-lab/hoplab" graph "$SHARED_DIR/seed.lab"
	assert_success
	assert_output "$as_root"
}

@test "the installed hoplab finds its modules: --help, every verb's --help, graph FILE" {
	local prefix=$BATS_TEST_TMPDIR/prefix verb
	run make -s -C "$REPO_ROOT" install PREFIX="$prefix"
	assert_success
	[[ -f $prefix/lib/hoplab/verbs/graph.bash ]]

	run "$HOPLAB" graph "$REPO_ROOT/conf/seed.lab"
	assert_success
	local want=$output
	run "$prefix/bin/hoplab" graph "$REPO_ROOT/conf/seed.lab"
	assert_success
	assert_output "$want"
	run "$prefix/bin/hoplab" --help
	assert_success
	assert_output --partial "hoplab up FILE"
	for verb in up down status exec graph; do
		run "$prefix/bin/hoplab" "$verb" --help
		assert_success
		assert_line --index 0 --partial "usage: hoplab $verb "
	done
	# Through a link to it, as from a directory on PATH.
	ln -s "$prefix/bin/hoplab" "$BATS_TEST_TMPDIR/hoplab"
	run "$BATS_TEST_TMPDIR/hoplab" graph "$REPO_ROOT/conf/seed.lab"
	assert_success
	assert_output "$want"

	# The modules it uses are the installed ones.
	mv "$prefix/lib/hoplab" "$prefix/lib/moved"
	run "$prefix/bin/hoplab" --help
	assert_failure
	assert_output --partial "its modules are in neither"
	mv "$prefix/lib/moved" "$prefix/lib/hoplab"

	run make -s -C "$REPO_ROOT" uninstall PREFIX="$prefix"
	assert_success
	[[ ! -e $prefix/lib/hoplab && ! -e $prefix/bin/hoplab ]]
}
