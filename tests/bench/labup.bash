# shellcheck shell=bash
# lab_up_100, lab_down_100: how long `hoplab up` and `hoplab down` take for
# a 100-node lab, a 10x10 grid of routers (180 links, a /30 each), beside
# the least any lab tool must do for the same: the namespaces, veths,
# links up and addresses made by plain `ip -batch` commands.

GRID=10

# grid_links: "A:IF B:IF PREFIX" for each link of the grid, each router
# rRC joined to its east and south neighbours.
grid_links() {
	local r c i=0
	for ((r = 0; r < GRID; r++)); do
		for ((c = 0; c < GRID; c++)); do
			if ((c + 1 < GRID)); then
				echo "r$r$c:east r$r$((c + 1)):west 10.200.$((i / 64)).$((i % 64 * 4))"
				i=$((i + 1))
			fi
			if ((r + 1 < GRID)); then
				echo "r$r$c:south r$((r + 1))$c:north 10.200.$((i / 64)).$((i % 64 * 4))"
				i=$((i + 1))
			fi
		done
	done
}

# grid_lab NAME: the topology file.
grid_lab() {
	local file=$BENCH_TMP/$1.lab r c a b net
	{
		echo "lab $1"
		for ((r = 0; r < GRID; r++)); do
			for ((c = 0; c < GRID; c++)); do
				echo "node r$r$c router"
			done
		done
		while read -r a b net; do
			echo "link $a $b"
			echo "addr $a ${net%.*}.$((${net##*.} + 1))/30"
			echo "addr $b ${net%.*}.$((${net##*.} + 2))/30"
		done < <(grid_links)
	} >"$file"
	printf '%s\n' "$file"
}

# kernel_grid_up PREFIX: the same namespaces (PREFIX-rRC), veths,
# addresses, all up, by ip alone; prints nothing.
kernel_grid_up() {
	local p=$1 r c a b net ns
	local -A cmds=()
	for ((r = 0; r < GRID; r++)); do
		for ((c = 0; c < GRID; c++)); do
			ns=$p-r$r$c
			[[ ! -e /run/netns/$ns ]] || return 1
			BENCH_NSS+=("$ns")
			echo "netns add $ns"
			cmds[$ns]="link set lo up"$'\n'
		done
	done >"$BENCH_TMP/grid.ns"
	while read -r a b net; do
		echo "link add ${a#*:} netns $p-${a%:*} type veth peer name ${b#*:} netns $p-${b%:*}"
		cmds[$p-${a%:*}]+="link set ${a#*:} up"$'\n'"addr add ${net%.*}.$((${net##*.} + 1))/30 dev ${a#*:}"$'\n'
		cmds[$p-${b%:*}]+="link set ${b#*:} up"$'\n'"addr add ${net%.*}.$((${net##*.} + 2))/30 dev ${b#*:}"$'\n'
	done < <(grid_links) >"$BENCH_TMP/grid.links"
	ip -batch "$BENCH_TMP/grid.ns" && ip -batch "$BENCH_TMP/grid.links" || return 1
	for ns in "${!cmds[@]}"; do
		printf '%s' "${cmds[$ns]}" | ip -n "$ns" -batch - || return 1
	done
}

kernel_grid_down() {
	local ns
	for ns in "$@"; do
		echo "netns del $ns"
	done | ip -batch - || return 1
	local i
	for i in "${!BENCH_NSS[@]}"; do
		[[ " $* " != *" ${BENCH_NSS[i]} "* ]] || unset 'BENCH_NSS[i]'
	done
}

labup_paths() {
	local lab=${BENCH_ID}g t0 hu hd ku kd file
	local -a nss
	file=$(grid_lab "$lab")
	say "100-node lab: hoplab up and down"
	t0=$(now)
	lab_up "$file" || return 1
	hu=$(calc "$(now) - $t0")
	t0=$(now)
	lab_down "$lab"
	hd=$(calc "$(now) - $t0")
	say "100-node lab: the same namespaces and veths by ip -batch"
	t0=$(now)
	kernel_grid_up "${BENCH_ID}k" || return 1
	ku=$(calc "$(now) - $t0")
	mapfile -t nss < <(printf '%s\n' "${BENCH_NSS[@]}" | grep "^${BENCH_ID}k-")
	t0=$(now)
	kernel_grid_down "${nss[@]}" || return 1
	kd=$(calc "$(now) - $t0")
	result lab_up_100 s lower "$ku" "$hu" \
		'{lab: "10x10 grid of routers, 180 links", kernel_method: "ip -batch: namespaces, veths, addresses, links up; no daemons, no offload or IPv6 settings"}'
	result lab_down_100 s lower "$kd" "$hd" '{lab: "10x10 grid of routers, 180 links"}'
}
