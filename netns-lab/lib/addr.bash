# shellcheck shell=bash
# IPv4 addresses and prefixes, for validating topology files.

# is_ipv4 A.B.C.D: four decimal octets 0-255, no leading zeros (which some
# parsers read as octal).
is_ipv4() {
	local octet='(0|[1-9][0-9]{0,2})'
	[[ $1 =~ ^$octet\.$octet\.$octet\.$octet$ ]] || return 1
	local i
	for i in 1 2 3 4; do
		((BASH_REMATCH[i] <= 255)) || return 1
	done
}

is_cidr() {
	[[ $1 == */* ]] || return 1
	local len=${1#*/}
	is_ipv4 "${1%/*}" && [[ $len =~ ^(0|[1-9][0-9]?)$ ]] && ((len <= 32))
}

ipv4_to_int() {
	local IFS=.
	local -a o
	read -ra o <<<"$1"
	echo $(((o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]))
}

prefix_mask() {
	local len=$1
	((len == 0)) && echo 0 || echo $(((0xffffffff << (32 - len)) & 0xffffffff))
}

# cidr_has_host_bits A.B.C.D/LEN: true when bits beyond LEN are set, which
# makes it an address rather than a prefix.
cidr_has_host_bits() {
	local ip mask
	ip=$(ipv4_to_int "${1%/*}")
	mask=$(prefix_mask "${1#*/}")
	((ip & ~mask & 0xffffffff))
}

# in_subnet ADDR CIDR: ADDR lies in CIDR's network.
in_subnet() {
	local ip net mask
	ip=$(ipv4_to_int "$1")
	net=$(ipv4_to_int "${2%/*}")
	mask=$(prefix_mask "${2#*/}")
	(((ip & mask) == (net & mask)))
}
