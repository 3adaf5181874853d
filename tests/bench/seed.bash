# shellcheck shell=bash disable=SC2016
# (jq programs in single quotes, handed to result)
# The seed path with Linux hosts at both ends, as conf/seed-linux.lab:
#
#   hA --- sw1 --- r1 --- sw2 --- hB
#
# hoplab's switchd and routerd in the middle, or, in the kernel twin,
# Linux bridges and Linux forwarding; hA and hB are the kernel's stack in
# both. Ping RTT, the same with hoplab's low-latency mode, and TCP
# (iperf3) across it; then TCP between hostd and Linux (tests/bench/tcp).

# seed_lab NAME [KIND]: conf/seed-linux.lab renamed and, for the twin,
# with its middle nodes of another KIND.
seed_lab() {
	local file=$BENCH_TMP/$1.lab
	local -a edits=(-e "s/^lab .*/lab $1/")
	[[ -z ${2:-} ]] || edits+=(-e "s/^node \(sw[12]\|r1\) .*/node \1 $2/")
	sed "${edits[@]}" "$REPO/conf/seed-linux.lab" >"$file"
	printf '%s\n' "$file"
}

# kernel_seed LAB: the twin's sw1 and sw2 become bridges, r1 forwards.
kernel_seed() {
	local sw
	for sw in sw1 sw2; do
		ip -n "$1-$sw" link add br0 type bridge &&
			ip -n "$1-$sw" link set p1 master br0 &&
			ip -n "$1-$sw" link set p2 master br0 &&
			ip -n "$1-$sw" link set br0 up || return 1
	done
	on "$1" r1 sysctl -q -w net.ipv4.ip_forward=1
}

# rtt LAB: the average ping RTT (ms) from hA to hB, 100 pings a second
# for BENCH_SECONDS, after one to resolve every address on the way.
rtt() {
	on "$1" hA ping -c 3 -W 1 10.0.2.20 >/dev/null || return 1
	on "$1" hA ping -q -c "$((BENCH_SECONDS * 100))" -i 0.01 10.0.2.20 |
		sed -n 's|^rtt min/avg/max/mdev = [0-9.]*/\([0-9.]*\)/.*|\1|p'
}

# iperf LAB: TCP from hA to hB (Gbit/s), BENCH_SECONDS long.
iperf() {
	local lab=$1 pid bps _
	on "$lab" hB iperf3 -s -1 -B 10.0.2.20 </dev/null >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 50); do
		on "$lab" hB ss -Hltn "sport = :5201" | grep -q . && break
		sleep 0.1
	done
	bps=$(on "$lab" hA iperf3 -J -c 10.0.2.20 -t "$BENCH_SECONDS" |
		jq '.end.sum_received.bits_per_second') || bps=null
	wait "$pid" || true
	calc "$bps / 1e9"
}

# offloads LAB on|off: every veth end of the twin's nodes.
offloads() {
	local lab=$1 state=$2 node ifs
	for node in hA sw1 r1 sw2 hB; do
		ifs=$(ip -n "$lab-$node" -j link show type veth | jq -r '.[].ifname')
		for ifname in $ifs; do
			on "$lab" "$node" ethtool -K "$ifname" tx "$state" tso "$state" \
				gso "$state" gro "$state" >/dev/null 2>&1 || true
		done
	done
}

# lowlat_bin_dir: a bin folder whose switchd and routerd run in hoplab's
# low-latency mode, when they have it (--busy-poll USEC); else nothing.
lowlat_bin_dir() {
	local dir d
	"$HOPLAB_BIN/switchd" --help 2>&1 | grep -q -- --busy-poll || return 1
	dir=$(bench_bin_dir lowlat)
	for d in switchd routerd; do
		"$HOPLAB_BIN/$d" --help 2>&1 | grep -q -- --busy-poll || continue
		rm -f "$dir/$d"
		printf '#!/bin/sh\nexec "%s" --busy-poll %s "$@"\n' \
			"$HOPLAB_BIN/$d" "${BUSY_POLL_USEC:-50}" >"$dir/$d"
		chmod +x "$dir/$d"
	done
	printf '%s\n' "$dir"
}

seed_paths() {
	local h=${BENCH_ID}lh k=${BENCH_ID}lk l=${BENCH_ID}ll kr hr lr kt ht kt_on dir
	say "seed path: bringing up the hoplab lab and its kernel twin"
	lab_up "$(seed_lab "$h")" || return 1
	lab_up "$(seed_lab "$k" linux)" || return 1
	kernel_seed "$k" || return 1
	kr=$(rtt "$k") && hr=$(rtt "$h") || return 1
	result rtt_seed ms lower "${kr:-null}" "${hr:-null}" \
		--argjson n "$((BENCH_SECONDS * 100))" '{pings: $n, interval_ms: 10, figure: "average"}'
	if dir=$(lowlat_bin_dir); then
		lab_down "$h"
		HOPLAB_BIN=$dir lab_up "$(seed_lab "$l")" || return 1
		kr=$(rtt "$k") && lr=$(rtt "$l") || return 1
		result rtt_seed_lowlat ms lower "${kr:-null}" "${lr:-null}" \
			--arg us "${BUSY_POLL_USEC:-50}" '{busy_poll_usec: ($us | tonumber)}'
		lab_down "$l"
		lab_up "$(seed_lab "$h")" || return 1
	else
		result rtt_seed_lowlat ms lower "${kr:-null}" null \
			'{reason: "switchd has no low-latency mode (no --busy-poll in switchd --help)"}'
	fi
	say "seed path: TCP (iperf3), offloads off everywhere"
	kt=$(iperf "$k") && ht=$(iperf "$h") || return 1
	offloads "$k" on
	kt_on=$(iperf "$k") || kt_on=null
	result tcp_seed_linux Gbit/s higher "$kt" "$ht" --argjson on "$kt_on" \
		'{kernel_offloads_on: ($on | r3), offloads: "off on every veth (kernel_offloads_on: the twin with them on)"}'
	lab_down "$k"
	lab_down "$h"
}

# tcp_hostd_paths: tests/bench/tcp, hostd beside Linux over one veth, its
# transfers sized so that each lasts about BENCH_SECONDS / 5.
tcp_hostd_paths() {
	local out=$BENCH_TMP/tcp.json size
	size=$((BENCH_SECONDS * 100))M
	say "TCP between hostd and Linux: tests/bench/tcp -s $size"
	"$REPO/tests/bench/tcp" -s "$size" -r 3 -o "$out" >&2 || return 1
	jq -c --arg size "$size" '.[] | .path |= {"tcp hostd -> linux": "tcp_hostd_linux",
		"tcp linux -> hostd": "tcp_linux_hostd"}[.] | . + {transfer: $size, runs: 3}' \
		"$out" >>"$BENCH_LINES"
}
