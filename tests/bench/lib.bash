# shellcheck shell=bash disable=SC2016,SC2153
# (jq programs in single quotes; HOPLAB and the others are set by run)
# What every path of tests/bench/run shares: progress messages, the labs
# and namespaces the bench makes (and only those), counters, trafgen
# frames, the sink's fake neighbour, and recording a result.
#
# Sourced by tests/bench/run, which sets REPO, BENCH_SECONDS, BENCH_TMP,
# HOPLAB (netns-lab/hoplab), HOPCTL and BENCH_LINES (one JSON object per
# line, a result each).

say() { printf 'bench: %s\n' "$*" >&2; }

# now: seconds since the epoch, with nanoseconds.
now() { date +%s.%N; }
# calc EXPR: awk arithmetic on numbers the shell cannot do.
calc() { awk "BEGIN { print $1 }"; }

# --- labs and namespaces -------------------------------------------------
# Every lab is brought up by hoplab in the bench's own run root, and every
# bare namespace by ns_make, which refuses a name that exists: whatever
# was there before the bench is never touched.

BENCH_LABS=()
BENCH_NSS=()

# lab_up FILE: bring the lab FILE names up, or say why not and fail.
lab_up() {
	local file=$1 lab
	lab=$(awk '$1 == "lab" { print $2; exit }' "$file")
	BENCH_LABS+=("$lab")
	if ! "$HOPLAB" up "$file" >"$BENCH_TMP/$lab.up.log" 2>&1; then
		say "hoplab up $file failed:"
		sed 's/^/    /' "$BENCH_TMP/$lab.up.log" >&2
		return 1
	fi
}

lab_down() {
	local lab=$1 i
	"$HOPLAB" down "$lab" >/dev/null 2>&1 || say "hoplab down $lab failed"
	for i in "${!BENCH_LABS[@]}"; do
		[[ ${BENCH_LABS[i]} != "$lab" ]] || unset 'BENCH_LABS[i]'
	done
}

ns_make() {
	ip netns add "$1" || return 1
	BENCH_NSS+=("$1")
}

# ns_remove NS...: end what runs in them, then delete them.
ns_remove() {
	local ns i pids
	for ns in "$@"; do
		pids=$(ip netns pids "$ns" 2>/dev/null) || true
		# shellcheck disable=SC2086 # one pid a word
		[[ -z $pids ]] || kill -KILL $pids 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || say "could not delete namespace $ns"
		for i in "${!BENCH_NSS[@]}"; do
			[[ ${BENCH_NSS[i]} != "$ns" ]] || unset 'BENCH_NSS[i]'
		done
	done
}

bench_cleanup() {
	local lab
	for lab in "${BENCH_LABS[@]}"; do
		"$HOPLAB" down "$lab" >/dev/null 2>&1 || true
	done
	BENCH_LABS=()
	((${#BENCH_NSS[@]} == 0)) || ns_remove "${BENCH_NSS[@]}"
}

# on LAB NODE CMD...: run CMD in a node of a lab.
on() {
	local ns=$1-$2
	shift 2
	ip netns exec "$ns" "$@"
}

mac_of() { ip -n "$1-$2" -j link show dev "$3" | jq -r '.[0].address'; }

# daemon_pid_of LAB NODE: the pid hoplab recorded for a node's daemon.
daemon_pid_of() {
	local pid
	read -r pid <"$HOPLAB_RUN_DIR/$1/$2.pid"
	printf '%s\n' "$pid"
}

# --- counters ------------------------------------------------------------

# link_counters LAB NODE IF: "rx_packets tx_packets tx_dropped". A veth's
# rx count is what its peer handed it; tx_dropped is what the peer's
# backlog refused.
link_counters() {
	ip -n "$1-$2" -s -j link show dev "$3" |
		jq -r '.[0].stats64 | "\(.rx.packets) \(.tx.packets) \(.tx.dropped)"'
}

# --- frames --------------------------------------------------------------

# The sink's fake neighbour: frames are sent to FAKE_MAC, which the sink
# announces but its veth does not own, so the sink's kernel drops them in
# ip_rcv as PACKET_OTHERHOST, the cheapest place there is; the sink never
# limits the rate measured. The router's next hop is FAKE_IP.
FAKE_MAC=02:00:5e:00:00:99
FAKE_IP=10.60.2.99

mac_bytes() { printf '0x%s' "${1//:/, 0x}"; }
ip_bytes() { printf '%s' "${1//./, }"; }

# udp_frame DST_MAC SRC_MAC SRC_IP DST_IP LEN [DST_IP_BYTES]: a trafgen
# configuration of one UDP frame of LEN bytes (without the FCS: 60 is the
# 64-byte frame on the wire) with a valid IPv4 header checksum and no UDP
# checksum. DST_IP_BYTES, when given, replaces the destination address
# with trafgen elements (random addresses, say).
udp_frame() {
	local dmac=$1 smac=$2 sip=$3 dip=$4 len=$5 dst
	dst=${6:-$(ip_bytes "$dip")}
	cat <<EOF
{
  $(mac_bytes "$dmac"), $(mac_bytes "$smac"), 0x08, 0x00,
  0x45, 0x00, const16($((len - 14))), const16(0), 0x40, 0x00, 64, 17,
  csumip(14, 33), $(ip_bytes "$sip"), $dst,
  const16(9), const16(9), const16($((len - 34))), const16(0),
  fill(0x00, $((len - 42)))
}
EOF
}

# arp_frame OP SPA TPA: an ARP request (1) or reply (2) from FAKE_MAC and
# SPA, broadcast, padded to the minimum frame.
arp_frame() {
	cat <<EOF
{
  fill(0xff, 6), $(mac_bytes "$FAKE_MAC"), 0x08, 0x06,
  const16(1), const16(0x0800), 6, 4, const16($1),
  $(mac_bytes "$FAKE_MAC"), $(ip_bytes "$2"), fill(0x00, 6), $(ip_bytes "$3"),
  fill(0x00, 18)
}
EOF
}

# fake_neighbour LAB NODE GATEWAY: from NODE's eth0, announce FAKE_IP at
# FAKE_MAC once a second, a request for GATEWAY then a reply: a
# switch learns FAKE_MAC on that port, a router learns the neighbour from
# the request and keeps it confirmed with the replies. Runs until the
# lab goes down.
fake_neighbour() {
	local cfg=$BENCH_TMP/$1-$2.arp.cfg
	{
		arp_frame 1 "$FAKE_IP" "$3"
		arp_frame 2 "$FAKE_IP" "$3"
	} >"$cfg"
	on "$1" "$2" trafgen -o eth0 -c "$cfg" -P 1 -t 1s --no-sock-mem -Q -C \
		</dev/null >/dev/null 2>&1 &
}

# trafgen_cmd PLACEMENT CFG [TRAFGEN OPTIONS...]: the generator's command
# line. unpinned: trafgen's default, one process per CPU; pinned: one
# process on CPU 0.
trafgen_cmd() {
	local placement=$1 cfg=$2
	shift 2
	local -a cmd=(trafgen -o eth0 -c "$cfg" --no-sock-mem -Q -C "$@")
	[[ $placement != pinned ]] || cmd=(taskset -c 0 "${cmd[@]}" -P 1)
	printf '%s\n' "${cmd[@]}"
}

# --- results -------------------------------------------------------------

# result PATH UNIT BETTER KERNEL HOPLAB [JQ_ARGS... EXTRA]: one line of
# results.json. KERNEL and HOPLAB are numbers or "null"; EXTRA is a jq
# object expression of further keys over the JQ_ARGS it names (e.g.
# --argjson o 1.2 '{hoplab_offered: $o}'), '{}' when omitted.
result() {
	local path=$1 unit=$2 better=$3 kernel=${4:-null} hoplab=${5:-null}
	shift 5
	local -a args=()
	local extra='{}'
	if (($# > 0)); then
		args=("${@:1:$#-1}")
		extra=${*: -1}
	fi
	jq -nc --arg path "$path" --arg unit "$unit" --arg better "$better" \
		--argjson k "$kernel" --argjson h "$hoplab" "${args[@]}" \
		'def r3: if . == null then null else . * 1000 | round / 1000 end;
		 {path: $path, unit: $unit, kernel: ($k | r3), hoplab: ($h | r3),
		  ratio: (if $k == null or $h == null or $k == 0 then null
			  else $h / $k | r3 end),
		  better: $better} + '"$extra" >>"$BENCH_LINES"
	say "$(printf '%-22s kernel %-8s hoplab %-8s %s' "$path" "$kernel" "$hoplab" "$unit")"
}

# bench_bin_dir NAME: a folder of links to the programs of HOPLAB_BIN,
# where a path can put a wrapper in place of one of them; hoplab runs
# what it finds there when HOPLAB_BIN names it.
bench_bin_dir() {
	local dir=$BENCH_TMP/bin-$1 f
	mkdir -p "$dir"
	for f in "$HOPLAB_BIN"/*; do
		ln -sf "$f" "$dir/"
	done
	printf '%s\n' "$dir"
}
