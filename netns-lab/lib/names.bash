# shellcheck shell=bash
# Node names: every namespace of a lab resolves the lab's node names
# through a hosts file of its own, /etc/netns/LAB-NODE/hosts, which
# 'ip netns exec' (and so 'hoplab exec') mounts over /etc/hosts.
#
# Each addressed node (host, router, linux) is NODE, its first address in
# the topology file, and NODE-IF for each interface, that interface's
# first address.  Names must be valid hostnames: '_' (in node and
# interface names) and '.' (in interface names) become '-'; a name that is
# still not a hostname label (one ending in '-') is left out, and so is a
# name that an earlier one already took (names are compared without case,
# as the resolver does; node names come before interface names, then file
# order).  Each left-out name is reported once at bring-up.
#
# A hosts file belongs to hoplab when its first line is the one
# names_header writes; that line also says whether hoplab made the folder
# around it, which then goes too when the file does.  A file or folder
# hoplab did not make is never removed.

ETC_NETNS=/etc/netns

# names_header LAB MADE_DIR: leave in NAMES_HEADER the first line of LAB's
# hosts files in this run root, MADE_DIR yes when hoplab made the folder.
NAMES_HEADER=""
names_header() {
	local what="this file"
	[[ $2 == yes ]] && what="this file and its folder"
	printf -v NAMES_HEADER '# hoplab lab %s in %s: its node names; hoplab down removes %s' \
		"$1" "$RUN_ROOT" "$what"
}

# host_label NAME: leave in HOST_LABEL the hostname NAME stands for ('_'
# and '.' made '-'); fail when that is not a valid hostname label.  No
# subshell: it runs for every interface of a lab.
HOST_LABEL=""
host_label() {
	HOST_LABEL=${1//[_.]/-}
	# Letters, digits and '-', not at either end, at most 63 (RFC 1123).
	# Globs, not a regular expression: compiling one each time is slow.
	[[ -n $HOST_LABEL && ${#HOST_LABEL} -le 63 && $HOST_LABEL != *[!A-Za-z0-9-]* &&
		$HOST_LABEL != -* && $HOST_LABEL != *- ]]
}

# names_claim NAME WHAT: take NAME for WHAT (NODE or NODE:IF) into
# NAMES_TAKEN, or say why not and fail.
declare -gA NAMES_TAKEN=()
names_claim() {
	local name=$1 what=$2 key
	if ! host_label "$name"; then
		warn "warning: no name for $what: '$HOST_LABEL' is not a valid hostname"
		return 1
	fi
	key=${HOST_LABEL,,}
	if [[ -n ${NAMES_TAKEN[$key]:-} ]]; then
		warn "warning: no name '$HOST_LABEL' for $what: it is already ${NAMES_TAKEN[$key]}'s"
		return 1
	fi
	NAMES_TAKEN[$key]=$what
}

# names_body: the lines every hosts file of the parsed lab holds, in
# NAMES_BODY: localhost (the system's file is hidden), then one line per
# address that has names, in the topology file's order.
NAMES_BODY=""
names_body() {
	local i node iface ip key
	local -a keys=()
	local -A node_name=() if_named=() names=()
	NAMES_TAKEN=()
	for i in "${!ADDR_NODE[@]}"; do
		node=${ADDR_NODE[i]}
		[[ -z ${node_name[$node]:-} ]] || continue
		node_name[$node]=-
		names_claim "$node" "$node" && node_name[$node]=$HOST_LABEL
	done
	for i in "${!ADDR_NODE[@]}"; do
		node=${ADDR_NODE[i]} iface=${ADDR_IF[i]} ip=${ADDR_CIDR[i]%/*}
		key="$node $ip"
		[[ -n ${names[$key]+set} ]] || {
			names[$key]=""
			keys+=("$key")
		}
		if [[ ${node_name[$node]} != - ]]; then
			names[$key]+=" ${node_name[$node]}"
			node_name[$node]=-
		fi
		[[ -z ${if_named[$node:$iface]:-} ]] || continue
		if_named[$node:$iface]=yes
		names_claim "$node-$iface" "$node:$iface" && names[$key]+=" $HOST_LABEL"
	done
	NAMES_BODY=$'127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n'
	for key in "${keys[@]}"; do
		[[ -n ${names[$key]} ]] || continue
		NAMES_BODY+="${key#* }"$'\t'"${names[$key]# }"$'\n'
	done
}

# names_owner FILE LAB: whether FILE is one of LAB's hosts files in this
# run root; NAMES_MADE_DIR says then whether hoplab made its folder.
NAMES_MADE_DIR=no
names_owner() {
	local first=""
	{ IFS= read -r first <"$1"; } 2>/dev/null || return 1
	names_header "$2" yes
	NAMES_MADE_DIR=yes
	[[ $first == "$NAMES_HEADER" ]] && return 0
	names_header "$2" no
	NAMES_MADE_DIR=no
	[[ $first == "$NAMES_HEADER" ]]
}

# names_files LAB: fill NAMES_FILES with LAB's hosts files, those hoplab
# wrote in this run root (their first line names the lab, so a lab 'a'
# never claims those of a lab 'a-b'), and NAMES_DIRS with the folders
# hoplab made for them.
NAMES_FILES=() NAMES_DIRS=()
names_files() {
	local lab=$1 f
	NAMES_FILES=() NAMES_DIRS=()
	for f in "$ETC_NETNS/$lab"-*/hosts; do
		names_owner "$f" "$lab" || continue
		NAMES_FILES+=("$f")
		[[ $NAMES_MADE_DIR == no ]] || NAMES_DIRS+=("${f%/hosts}")
	done
}

# names_labs: the labs of this run root that have hosts files, so that a
# lab of which only those are left is still found (status, down --all).
names_labs() {
	local f first lab
	for f in "$ETC_NETNS"/*/hosts; do
		{ IFS= read -r first <"$f"; } 2>/dev/null || continue
		[[ $first == "# hoplab lab "* ]] || continue
		lab=${first#"# hoplab lab "}
		lab=${lab%% in *}
		is_lab_name "$lab" && names_owner "$f" "$lab" && printf '%s\n' "$lab"
	done | sort -u
}

# names_check_free: stop, before anything is made, when a node's hosts
# file exists and is not one hoplab wrote for this lab.
names_check_free() {
	local node f
	for node in "${NODES[@]}"; do
		f=$ETC_NETNS/$LAB-$node/hosts
		[[ -e $f ]] || continue
		names_owner "$f" "$LAB" ||
			die "$f exists and hoplab did not write it for this lab; remove it or name the lab differently"
	done
}

# names_write: the parsed lab's hosts file in every node's folder,
# making the folders that are missing.
names_write() {
	local node dir header_made header_kept
	local -a missing=()
	local -A made=()
	names_body
	names_header "$LAB" yes
	header_made=$NAMES_HEADER
	names_header "$LAB" no
	header_kept=$NAMES_HEADER
	for node in "${NODES[@]}"; do
		dir=$ETC_NETNS/$LAB-$node
		[[ -d $dir ]] && continue
		missing+=("$dir")
		made[$dir]=yes
	done
	(
		umask 022
		((${#missing[@]} == 0)) || mkdir -p -- "${missing[@]}" || exit 1
		for node in "${NODES[@]}"; do
			dir=$ETC_NETNS/$LAB-$node
			if [[ -n ${made[$dir]:-} ]]; then
				printf '%s\n%s' "$header_made" "$NAMES_BODY" >"$dir/hosts" || exit 1
			else
				printf '%s\n%s' "$header_kept" "$NAMES_BODY" >"$dir/hosts" || exit 1
			fi
		done
	) || die "could not write the lab's hosts files in $ETC_NETNS"
}

# names_remove LAB: remove LAB's hosts files, and the folders hoplab made
# for them once they are empty.
names_remove() {
	names_files "$1"
	((${#NAMES_FILES[@]} > 0)) || return 0
	rm -f -- "${NAMES_FILES[@]}"
	((${#NAMES_DIRS[@]} == 0)) || rmdir -- "${NAMES_DIRS[@]}" 2>/dev/null || true
}
