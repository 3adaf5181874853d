# shellcheck shell=bash disable=SC2016
# (jq programs in single quotes, handed to result)
# Forwarding paths: trafgen in a generator namespace, the device under test
# (switchd or a Linux bridge; routerd or Linux forwarding), a sink
# namespace whose veth rx counter is the delivered count.
#
#   gen:eth0 --- dut --- sink:eth0
#
# The hoplab lab and its kernel twin are the same topology file but for
# the kind of dut, both brought up by hoplab (so both have every offload
# off and IPv6 off); the kernel twin's dut is then made a bridge or a
# router by hand.

# forward_lab NAME KIND SWITCH|ROUTER: the topology file of one side.
forward_lab() {
	local name=$1 kind=$2 role=$3 file=$BENCH_TMP/$1.lab
	{
		echo "lab $name"
		echo "node gen linux"
		echo "node dut $kind"
		echo "node sink linux"
		if [[ $role == switch ]]; then
			echo "link gen:eth0 dut:p1"
			echo "link dut:p2 sink:eth0"
			echo "addr gen:eth0 10.60.2.3/24"
			echo "addr sink:eth0 10.60.2.2/24"
		else
			echo "link gen:eth0 dut:eth0"
			echo "link dut:eth1 sink:eth0"
			echo "addr gen:eth0 10.60.1.2/24"
			echo "addr dut:eth0 10.60.1.1/24"
			echo "addr dut:eth1 10.60.2.1/24"
			echo "addr sink:eth0 10.60.2.2/24"
			echo "route gen default via 10.60.1.1"
			echo "route sink default via 10.60.2.1"
			echo "route dut 10.60.3.0/24 via $FAKE_IP"
		fi
	} >"$file"
	printf '%s\n' "$file"
}

# kernel_bridge LAB: the twin's dut becomes a Linux bridge of p1 and p2.
kernel_bridge() {
	local ns=$1-dut
	ip -n "$ns" link add br0 type bridge &&
		ip -n "$ns" link set p1 master br0 &&
		ip -n "$ns" link set p2 master br0 &&
		ip -n "$ns" link set br0 up
}

# kernel_router LAB: the twin's dut forwards, with a permanent neighbour
# for the next hop.
kernel_router() {
	on "$1" dut sysctl -q -w net.ipv4.ip_forward=1 &&
		ip -n "$1-dut" neigh replace "$FAKE_IP" lladdr "$FAKE_MAC" nud permanent dev eth1
}

# forward_up ROLE: bring up the hoplab lab and its kernel twin for ROLE
# (switch or router); sets FWD_H and FWD_K to their names.
forward_up() {
	local role=$1 kind gw
	FWD_H=${BENCH_ID}${role:0:1}h FWD_K=${BENCH_ID}${role:0:1}k
	kind=$([[ $role == switch ]] && echo switch || echo router)
	lab_up "$(forward_lab "$FWD_H" "$kind" "$role")" || return 1
	lab_up "$(forward_lab "$FWD_K" linux "$role")" || return 1
	if [[ $role == switch ]]; then
		kernel_bridge "$FWD_K" || return 1
		gw=10.60.2.2
	else
		kernel_router "$FWD_K" || return 1
		gw=10.60.2.1
	fi
	fake_neighbour "$FWD_H" sink "$gw"
	fake_neighbour "$FWD_K" sink "$gw"
}

# forward_cfg LAB ROLE LEN: the generator's frame for one side.
forward_cfg() {
	local lab=$1 role=$2 len=$3 cfg=$BENCH_TMP/$1.$3.cfg src
	src=$(mac_of "$lab" gen eth0)
	if [[ $role == switch ]]; then
		udp_frame "$FAKE_MAC" "$src" 10.60.2.3 "$FAKE_IP" "$len" >"$cfg"
	else
		udp_frame "$(mac_of "$lab" dut eth0)" "$src" 10.60.1.2 10.60.3.1 "$len" >"$cfg"
	fi
	printf '%s\n' "$cfg"
}

# forward_ready LAB: wait (3 s at most) until a frame sent now reaches the
# sink: the switch has learned the fake MAC, the router its neighbour.
forward_ready() {
	local lab=$1 cfg=$2 before after _
	for _ in $(seq 30); do
		read -r before _ < <(link_counters "$lab" sink eth0)
		on "$lab" gen trafgen -o eth0 -c "$cfg" -n 1 -P 1 --no-sock-mem -Q -C >/dev/null 2>&1
		sleep 0.1
		read -r after _ < <(link_counters "$lab" sink eth0)
		((after > before)) && return 0
	done
	say "$lab: no frame reaches the sink"
	return 1
}

# forward_trial LAB CFG PLACEMENT SECONDS: run the generator for SECONDS
# (after half a second to settle) and print "offered delivered" in Mpps:
# the generator's veth tx (sent plus refused), the sink's veth rx.
forward_trial() {
	local lab=$1 cfg=$2 placement=$3 secs=$4 pid t1 t2 rx1 tx1 dr1 rx2 tx2 dr2 _
	local -a cmd
	mapfile -t cmd < <(trafgen_cmd "$placement" "$cfg")
	timeout -s INT "$(calc "$secs + 1")" ip netns exec "$lab-gen" "${cmd[@]}" \
		</dev/null >/dev/null 2>&1 &
	pid=$!
	sleep 0.5
	read -r rx1 _ < <(link_counters "$lab" sink eth0)
	read -r _ tx1 dr1 < <(link_counters "$lab" gen eth0)
	t1=$(now)
	sleep "$secs"
	read -r rx2 _ < <(link_counters "$lab" sink eth0)
	read -r _ tx2 dr2 < <(link_counters "$lab" gen eth0)
	t2=$(now)
	wait "$pid" || true
	calc "($tx2 + $dr2 - $tx1 - $dr1) / ($t2 - $t1) / 1e6, ($rx2 - $rx1) / ($t2 - $t1) / 1e6"
}

# zero_loss_trial LAB CFG PPS SECONDS: ask trafgen, on CPU 0, for PPS
# during SECONDS; print the rate it reached (Mpps: frames sent over the
# time it ran, which at high rates is below what was asked), and succeed
# when the sink got every frame sent.
zero_loss_trial() {
	local lab=$1 cfg=$2 pps=$3 secs=$4 n rx1 tx1 dr1 rx2 tx2 dr2 t1 t2 _
	local -a cmd
	n=$(calc "int($pps * $secs)")
	mapfile -t cmd < <(trafgen_cmd pinned "$cfg" -b "${pps}pps" -n "$n")
	read -r rx1 _ < <(link_counters "$lab" sink eth0)
	read -r _ tx1 dr1 < <(link_counters "$lab" gen eth0)
	t1=$(now)
	timeout -s INT "$(calc "$secs * 5 + 5")" ip netns exec "$lab-gen" "${cmd[@]}" \
		</dev/null >/dev/null 2>&1 || true
	t2=$(now)
	sleep 0.3
	read -r rx2 _ < <(link_counters "$lab" sink eth0)
	read -r _ tx2 dr2 < <(link_counters "$lab" gen eth0)
	calc "($tx2 + $dr2 - $tx1 - $dr1) / ($t2 - $t1) / 1e6"
	# The router's answers to the fake neighbour reach the sink too, so
	# more than was sent can arrive.
	((rx2 - rx1 >= tx2 + dr2 - tx1 - dr1))
}

# zero_loss LAB CFG MAX_MPPS: RFC 2544 throughput, the highest rate
# (Mpps) offered without loss: a binary search on the rate asked of
# trafgen, below MAX_MPPS (what the generator reached unpaced), to within
# MAX_MPPS / 64; prints the rate reached in the best lossless trial, the
# rate it was asked for, and what set the limit: "generator" when nothing
# was lost at MAX_MPPS, else "dut".
zero_loss() {
	local lab=$1 cfg=$2 max=$3 lo=0 hi mid step secs got best=0
	secs=$(calc "$BENCH_SECONDS / 5 < 1 ? 1 : $BENCH_SECONDS / 5")
	hi=$(calc "int($max * 1e6)")
	if got=$(zero_loss_trial "$lab" "$cfg" "$hi" "$secs"); then
		echo "$got $hi generator"
		return
	fi
	for step in 1 2 3 4 5 6; do
		mid=$(((lo + hi) / 2))
		if got=$(zero_loss_trial "$lab" "$cfg" "$mid" "$secs"); then
			lo=$mid best=$got
		else
			hi=$mid
		fi
		say "  zero-loss search $lab step $step: asked $mid pps, got $got Mpps, lossless below [$lo, $hi]"
	done
	echo "$best $lo dut"
}

# pin_dut LAB CPUS: move the lab's daemon onto CPUS (a taskset list).
pin_dut() { taskset -pc "$2" "$(daemon_pid_of "$1" dut)" >/dev/null; }

# forward_pair PATH ROLE LEN PLACEMENT: one path, the kernel twin then
# hoplab, offered and delivered Mpps and the loss of each.
forward_pair() {
	local path=$1 role=$2 len=$3 placement=$4 lab cfg
	local -A off=() got=()
	for lab in "$FWD_K" "$FWD_H"; do
		cfg=$(forward_cfg "$lab" "$role" "$len")
		forward_ready "$lab" "$cfg" || return 1
		read -r "off[$lab]" "got[$lab]" < <(forward_trial "$lab" "$cfg" "$placement" "$BENCH_SECONDS")
	done
	result "$path" Mpps higher "${got[$FWD_K]}" "${got[$FWD_H]}" \
		--argjson ko "${off[$FWD_K]}" --argjson ho "${off[$FWD_H]}" \
		--argjson bytes "$((len + 4))" --arg placement "$placement" \
		'{kernel_offered: ($ko | r3), hoplab_offered: ($ho | r3),
		  kernel_loss: (if $ko > 0 then [1 - $k / $ko, 0] | max | r3 else null end),
		  hoplab_loss: (if $ho > 0 then [1 - $h / $ho, 0] | max | r3 else null end),
		  frame_bytes: $bytes, placement: $placement}'
	LAST_OFFERED_K=${off[$FWD_K]} LAST_OFFERED_H=${off[$FWD_H]}
}

# forward_role ROLE: every path of a switch or a router.
forward_role() {
	local role=$1 k h k_asked h_asked k_limit h_limit
	say "$role: bringing up the hoplab lab and its kernel twin"
	forward_up "$role" || return 1
	forward_pair "${role}_64" "$role" 60 unpinned
	forward_pair "${role}_1500" "$role" 1514 unpinned
	pin_dut "$FWD_H" 1
	forward_pair "${role}_64_pinned" "$role" 60 pinned
	say "$role: zero-loss search"
	read -r k k_asked k_limit < <(zero_loss "$FWD_K" "$(forward_cfg "$FWD_K" "$role" 60)" "$LAST_OFFERED_K")
	read -r h h_asked h_limit < <(zero_loss "$FWD_H" "$(forward_cfg "$FWD_H" "$role" 60)" "$LAST_OFFERED_H")
	result "${role}_64_zero_loss" Mpps higher "$k" "$h" \
		--argjson ka "$k_asked" --argjson ha "$h_asked" --arg kl "$k_limit" --arg hl "$h_limit" \
		'{kernel_asked_pps: $ka, hoplab_asked_pps: $ha, kernel_limited_by: $kl, hoplab_limited_by: $hl,
		  method: "binary search on the rate asked of trafgen (pinned, CPU 0); the figure is the rate reached in the best trial without a frame lost"}'
	lab_down "$FWD_K"
	lab_down "$FWD_H"
}

# route_table N NEXT_HOP: N distinct prefixes in 11.0.0.0 - 126.255.255.255,
# their lengths in about the proportions of today's full IPv4 table (most
# of them /24, then /22, /23, /21, /20), as 'route add PREFIX via NEXT_HOP'
# lines, which are both routerd's start-up lines and 'ip -batch' input.
route_table() {
	awk -v n="$1" -v via="$2" 'BEGIN {
		srand(1)
		split("11 12 13 14 15 16 17 18 19 20 21 22 23 24", len, " ")
		split("0.03 0.07 0.2 0.4 0.7 2.5 1.5 2.5 3.5 5.5 6 11 9.5 56.6", pct, " ")
		for (i = 1; i <= 14; i++) { acc += pct[i]; cum[i] = acc / 100 }
		while (count < n) {
			r = rand()
			for (i = 1; cum[i] < r && i < 14; i++) ;
			l = len[i]
			a = (int(rand() * 116) + 11) * 16777216 + int(rand() * 16777216)
			size = 2 ^ (32 - l)
			a = a - a % size
			key = a "/" l
			if (key in seen) continue
			seen[key] = 1
			count++
			printf "route add %d.%d.%d.%d/%d via %s\n", int(a / 16777216),
				int(a / 65536) % 256, int(a / 256) % 256, a % 256, l, via
		}
	}'
}

# table_destinations TABLE N: N addresses, each inside a prefix of TABLE
# picked at random, as trafgen destination bytes.
table_destinations() {
	awk -v n="$2" 'BEGIN { srand(2) }
		{ split($3, p, "/"); pre[NR] = p[1]; plen[NR] = p[2] }
		END {
			for (i = 0; i < n; i++) {
				k = int(rand() * NR) + 1
				split(pre[k], o, ".")
				a = ((o[1] * 256 + o[2]) * 256 + o[3]) * 256 + o[4]
				a += int(rand() * 2 ^ (32 - plen[k]))
				printf "%d, %d, %d, %d\n", int(a / 16777216), int(a / 65536) % 256,
					int(a / 256) % 256, a % 256
			}
		}' "$1"
}

# routes_wrapper DIR TABLE: in bin folder DIR, a routerd that starts with
# TABLE after its own start-up lines.
routes_wrapper() {
	local dir=$1 table=$2
	rm -f "$dir/routerd"
	cat >"$dir/routerd" <<WRAPPER
#!/usr/bin/env bash
# routerd with the bench's route table appended to its start-up lines.
args=()
while ((\$# > 0)); do
	if [[ \$1 == --config ]]; then
		cat -- "\$2" "$table" >"\$2.bench"
		args+=(--config "\$2.bench")
		shift 2
		continue
	fi
	args+=("\$1")
	shift
done
exec "$HOPLAB_BIN/routerd" "\${args[@]}"
WRAPPER
	chmod +x "$dir/routerd"
}

# routes_path: router_64_1m_routes, routerd and the kernel each holding a
# table of ROUTES_1M prefixes, the generator cycling through 1024
# destinations inside them. routerd replays the table as start-up lines
# (or takes it with 'route load FILE' when it has that command); the
# kernel takes it by 'ip -batch'. Both loading times are recorded.
routes_path() {
	local n=${ROUTES_1M:-1000000} table=$BENCH_TMP/routes.txt dir t0 k_load h_load h_how
	local lab cfg dmac smac
	local -A got=()
	say "1M routes: generating a table of $n prefixes"
	route_table "$n" "$FAKE_IP" >"$table"
	FWD_H=${BENCH_ID}mh FWD_K=${BENCH_ID}mk
	dir=$(bench_bin_dir routes)
	# The command table is in the program: no need to start one to ask.
	if grep -aq 'route load' "$HOPLAB_BIN/routerd"; then
		h_how="route load"
	else
		h_how="start-up lines"
		routes_wrapper "$dir" "$table"
	fi
	say "1M routes: hoplab lab (table as $h_how)"
	t0=$(now)
	HOPLAB_BIN=$dir HOPLAB_START_TIMEOUT=600 lab_up "$(forward_lab "$FWD_H" router router)" || return 1
	if [[ $h_how == "route load" ]]; then
		# route load takes 'PREFIX GATEWAY' lines.
		awk '{ print $3, $5 }' "$table" >"$table.load"
		t0=$(now)
		"$HOPCTL" "$FWD_H/dut" route load "$table.load" >/dev/null || return 1
	fi
	h_load=$(calc "$(now) - $t0")
	say "1M routes: kernel twin (ip -batch)"
	lab_up "$(forward_lab "$FWD_K" linux router)" || return 1
	kernel_router "$FWD_K" || return 1
	t0=$(now)
	ip -n "$FWD_K-dut" -batch "$table" || return 1
	k_load=$(calc "$(now) - $t0")
	fake_neighbour "$FWD_H" sink 10.60.2.1
	fake_neighbour "$FWD_K" sink 10.60.2.1
	for lab in "$FWD_K" "$FWD_H"; do
		cfg=$BENCH_TMP/$lab.routes.cfg
		dmac=$(mac_of "$lab" dut eth0) smac=$(mac_of "$lab" gen eth0)
		udp_frame "$dmac" "$smac" 10.60.1.2 0.0.0.0 60 DESTINATION >"$cfg.one"
		table_destinations "$table" 1024 |
			awk -v one="$cfg.one" 'BEGIN { while ((getline l < one) > 0) frame = frame l "\n" }
				{ f = frame; sub(/DESTINATION/, $0, f); printf "%s", f }' >"$cfg"
		forward_ready "$lab" "$cfg" || return 1
		read -r _ "got[$lab]" < <(forward_trial "$lab" "$cfg" unpinned "$BENCH_SECONDS")
	done
	result router_64_1m_routes Mpps higher "${got[$FWD_K]}" "${got[$FWD_H]}" \
		--argjson n "$n" --argjson kl "$k_load" --argjson hl "$h_load" --arg how "$h_how" \
		'{routes: $n, kernel_load_seconds: ($kl | r3), hoplab_load_seconds: ($hl | r3),
		  hoplab_load: $how, destinations: 1024}'
	lab_down "$FWD_K"
	lab_down "$FWD_H"
}

# fib_path: fib_lookups_1m, the FIB micro-benchmark's lookups per second
# (hoplab only), when the program is built.
fib_path() {
	local prog="" p out
	for p in ${FIB_BENCH:-} "$REPO"/build/rel/bench/fib_bench; do
		if [[ -x $p ]]; then
			prog=$p
			break
		fi
	done
	if [[ -z $prog ]]; then
		result fib_lookups_1m "M lookups/s" higher null null \
			'{reason: "no FIB micro-benchmark program is built"}'
		return 0
	fi
	say "FIB micro-benchmark: $prog"
	if ! out=$("$prog" | tail -n 1) || ! jq -e .lookups_per_sec <<<"$out" >/dev/null 2>&1; then
		result fib_lookups_1m "M lookups/s" higher null null --arg p "${prog#"$REPO"/}" \
			'{reason: ($p + " failed or printed no lookups_per_sec")}'
		return 0
	fi
	result fib_lookups_1m "M lookups/s" higher null \
		"$(jq '.lookups_per_sec / 1e6' <<<"$out")" --argjson o "$out" --arg p "${prog#"$REPO"/}" \
		'{program: $p, routes: $o.routes, build_seconds: $o.build_seconds,
		  memory_bytes: $o.memory_bytes,
		  reason: "the kernel has no FIB lookup benchmark to set beside it"}'
}
