#!/usr/bin/env bats
# End-to-end tests of the lab's node names (the hosts file hoplab up
# writes for every namespace and hoplab down removes) and of hoplab exec
# on host nodes (the preload library's environment, --kernel).  Needs
# root.

load helpers

ETC_NETNS=/etc/netns

# The preload library itself is not this file's subject: a copy of a real,
# harmless shared object (the C library's libm) stands at the paths where
# hoplab looks for it, to show what hoplab hands CMD.  A fake hostd that
# records the /etc/hosts it sees and fails shows when the names are
# written, and that a failed bring-up takes them away.
setup_file() {
	local libc
	libc=$(ldd "$(command -v env)" | awk '$1 ~ /^libc\.so/ { print $3 }')
	[[ -f ${libc%/*}/libm.so.6 ]] || {
		echo "setup_file: no libm.so.6 beside $libc" >&2
		return 1
	}
	STANDIN=$BATS_FILE_TMPDIR/standin/libhostsock-preload.so
	mkdir -p "${STANDIN%/*}"
	cp "${libc%/*}/libm.so.6" "$STANDIN"

	FAILBIN=$BATS_FILE_TMPDIR/failbin
	mkdir -p "$FAILBIN"
	cat >"$FAILBIN/hostd" <<'EOF'
#!/bin/sh
cat /etc/hosts >"$NAMES_SEEN"
exit 3
EOF
	printf '#!/bin/sh\nexit 2\n' >"$FAILBIN/hopctl"
	chmod +x "$FAILBIN"/*
	export STANDIN FAILBIN
}

test_setup() {
	LABS=()
	OWN_DIRS=()
}

test_teardown() {
	local lab rc=0
	for lab in "${LABS[@]}"; do
		lab_down "$lab" || rc=1
	done
	((${#OWN_DIRS[@]} == 0)) || rm -rf -- "${OWN_DIRS[@]}"
	return "$rc"
}

# new_lab VAR PREFIX: put a fresh lab name in VAR; the lab goes in teardown.
new_lab() {
	local name
	name=$(lab_name "$2")
	LABS+=("$name")
	printf -v "$1" '%s' "$name"
}

# write_names_lab FILE LAB N: every kind of node, on 10.N.0.0/16: hA, sw1,
# lA — r1 — sw2, hB, lB; r1 has a third interface to web_1, and web_1 one
# to Web.  r1's first address in the file is eth1's; lB's eth0 has two
# addresses.  web_1 is 'web-1', r1:wan_1.7 'r1-wan-1-7'; web_1:up- makes
# no valid name, and Web:1's 'Web-1' is web_1's already (its address comes
# first in the file, but node names come first).  lB serves HTTP on port
# 8080 from $BATS_FILE_TMPDIR/www.
write_names_lab() {
	local n=$3
	mkdir -p "$BATS_FILE_TMPDIR/www"
	echo "hello from lB of $2" >"$BATS_FILE_TMPDIR/www/index.html"
	cat >"$1" <<EOF
lab $2
node hA host
node lA linux
node sw1 switch
node r1 router
node sw2 switch
node hB host
node lB linux
node web_1 linux
node Web linux
link hA:eth0 sw1:p1
link lA:eth0 sw1:p2
link sw1:p3 r1:eth0
link r1:eth1 sw2:p1
link sw2:p2 hB:eth0
link sw2:p3 lB:eth0
link r1:wan_1.7 web_1:up-
link web_1:eth1 Web:1
addr Web:1 10.$n.4.2/24
addr r1:eth1 10.$n.2.1/24
addr r1:eth0 10.$n.1.1/24
addr r1:wan_1.7 10.$n.3.1/24
addr hA:eth0 10.$n.1.10/24
route hA default via 10.$n.1.1
addr lA:eth0 10.$n.1.11/24
route lA default via 10.$n.1.1
addr hB:eth0 10.$n.2.20/24
route hB default via 10.$n.2.1
addr lB:eth0 10.$n.2.22/24
addr lB:eth0 10.$n.2.23/24
route lB default via 10.$n.2.1
addr web_1:up- 10.$n.3.2/24
addr web_1:eth1 10.$n.4.1/24
run lB exec python3 -m http.server --bind 0.0.0.0 --directory $BATS_FILE_TMPDIR/www 8080
EOF
}

NAMES_NODES=(hA lA sw1 r1 sw2 hB lB web_1 Web)

# write_pair FILE LAB: a host and a linux node on one wire.
write_pair() {
	cat >"$1" <<EOF
lab $2
node hA host
node lA linux
link hA:eth0 lA:eth0
addr hA:eth0 10.61.0.10/24
addr lA:eth0 10.61.0.11/24
EOF
}

# resolve LAB NODE NAME: what getent hosts NAME answers in NODE's
# namespace, by hoplab exec (on hostd's stack for a host node, the
# stand-in library preloaded).
resolve() {
	HOPLAB_PRELOAD=$STANDIN "$HOPLAB" exec "$1/$2" getent hosts "$3"
}

# own_dir DIR: a folder the test makes in hoplab's way (as a user would);
# removed in teardown.
own_dir() {
	mkdir -p -- "$1"
	OWN_DIRS+=("$1")
}

# plant_hosts NS FILE: FILE as the hosts file of namespace NS, in a folder
# of its own, as hoplab writes it.
plant_hosts() {
	mkdir "$ETC_NETNS/$1"
	cp "$2" "$ETC_NETNS/$1/hosts"
}

no_namespaces() { ! ip netns list | grep -q "^$1-"; }

# names_gone LAB: no hosts file and no folder of LAB's under /etc/netns.
names_gone() {
	local left=("$ETC_NETNS/$1"-*)
	[[ ! -e ${left[0]} ]] || {
		echo "left behind: ${left[*]}" >&2
		return 1
	}
}

# hosts_files LAB: how many hosts files LAB has.
hosts_files() {
	local f n=0
	for f in "$ETC_NETNS/$1"-*/hosts; do
		[[ -f $f ]] && n=$((n + 1))
	done
	echo "$n"
}

# ---------------------------------------------------------------------------
# names

@test "names: from every kind of node, NODE and NODE-IF resolve to the lab's addresses" {
	new_lab lab nm
	local file=$BATS_TEST_TMPDIR/n.lab node
	write_names_lab "$file" "$lab" 41
	run "$HOPLAB" up "$file"
	assert_success
	assert_output --partial "hoplab: warning: no name for web_1:up-: 'web-1-up-' is not a valid hostname"
	assert_output --partial "hoplab: warning: no name 'Web-1' for Web:1: it is already web_1's"

	for node in "${NAMES_NODES[@]}"; do
		run resolve "$lab" "$node" hB
		assert_success
		assert_output --regexp '^10\.41\.2\.20 +hB hB-eth0$'
		run resolve "$lab" "$node" hA-eth0
		assert_output --regexp '^10\.41\.1\.10 +hA hA-eth0$'
		# NODE is the first address in the file, not the first interface.
		run resolve "$lab" "$node" r1
		assert_output --regexp '^10\.41\.2\.1 +r1 r1-eth1$'
		run resolve "$lab" "$node" r1-eth0
		assert_output --regexp '^10\.41\.1\.1 +r1-eth0$'
		run resolve "$lab" "$node" r1-wan-1-7
		assert_output --regexp '^10\.41\.3\.1 +r1-wan-1-7$'
		# An interface with two addresses is named by its first.
		run resolve "$lab" "$node" lB-eth0
		assert_output --regexp '^10\.41\.2\.22 +lB lB-eth0$'
		run resolve "$lab" "$node" web-1
		assert_output --regexp '^10\.41\.3\.2 +web-1$'
		run resolve "$lab" "$node" web-1-eth1
		assert_output --regexp '^10\.41\.4\.1 +web-1-eth1$'
		run resolve "$lab" "$node" web
		assert_output --regexp '^10\.41\.4\.2 +Web$'
		run resolve "$lab" "$node" web_1
		assert_failure 2
		run resolve "$lab" "$node" web-1-up-
		assert_failure 2
	done
	# Switches have no address, so no name.
	run resolve "$lab" lA sw1
	assert_failure 2
	# On a host node's own kernel stack, and through plain ip netns exec.
	run "$HOPLAB" exec --kernel "$lab/hA" getent hosts lA
	assert_output --regexp '^10\.41\.1\.11 +lA lA-eth0$'
	run ip netns exec "$lab-sw2" getent hosts hB-eth0
	assert_output --regexp '^10\.41\.2\.20 +hB hB-eth0$'
	# Each is hoplab's file, in every namespace of the lab.
	assert_equal "$(hosts_files "$lab")" "${#NAMES_NODES[@]}"
	run head -n 1 "$ETC_NETNS/$lab-sw1/hosts"
	assert_output "# hoplab lab $lab in $HOPLAB_RUN_ROOT: its node names; hoplab down removes this file and its folder"
}

@test "names: localhost still resolves in every namespace of the lab" {
	new_lab lab nl
	local file=$BATS_TEST_TMPDIR/n.lab node
	write_names_lab "$file" "$lab" 42
	lab_up "$file"
	for node in "${NAMES_NODES[@]}"; do
		run resolve "$lab" "$node" localhost
		assert_output --regexp '^::1 +localhost ip6-localhost ip6-loopback$'
		run resolve "$lab" "$node" 127.0.0.1
		assert_output --regexp '^127\.0\.0\.1 +localhost$'
		HOPLAB_PRELOAD=$STANDIN run "$HOPLAB" exec "$lab/$node" ping -4 -c 1 -W 2 localhost
		assert_success
		assert_line --index 0 --partial "PING localhost (127.0.0.1)"
	done
}

@test "names: curl by name from a linux node reaches a linux node's server across switchd and routerd" {
	new_lab lab nc
	local file=$BATS_TEST_TMPDIR/n.lab
	write_names_lab "$file" "$lab" 43
	lab_up "$file"
	wait_until 10 "$HOPLAB" exec "$lab/lA" curl -sf -o /dev/null --max-time 2 http://lB:8080/
	run "$HOPLAB" exec "$lab/lA" curl -sS --max-time 5 http://lB:8080/
	assert_success
	assert_output "hello from lB of $lab"
	run "$HOPLAB" exec "$lab/lA" curl -sS --max-time 5 http://lB-eth0:8080/index.html
	assert_output "hello from lB of $lab"
	# The server saw it come from lA's address.
	run cat "$HOPLAB_RUN_ROOT/$lab/lB.run.1.log"
	assert_line --regexp '^10\.43\.1\.11 .*"GET /index.html HTTP/1.1" 200'
}

@test "names: down removes the hosts files and the folders hoplab made, and only those" {
	new_lab lab nd
	local file=$BATS_TEST_TMPDIR/n.lab
	write_names_lab "$file" "$lab" 44
	# A folder someone else made for lA's namespace stays; so does a file
	# of theirs beside hoplab's in hB's.
	own_dir "$ETC_NETNS/$lab-lA"
	own_dir "$ETC_NETNS/$lab-hB"
	echo "# theirs" >"$ETC_NETNS/$lab-hB/networks"
	lab_up "$file"
	assert_equal "$(hosts_files "$lab")" "${#NAMES_NODES[@]}"
	run head -n 1 "$ETC_NETNS/$lab-lA/hosts"
	assert_output "# hoplab lab $lab in $HOPLAB_RUN_ROOT: its node names; hoplab down removes this file"
	run resolve "$lab" lA hB
	assert_output --partial 10.44.2.20

	run "$HOPLAB" down "$lab"
	assert_success
	assert_equal "$(hosts_files "$lab")" 0
	[ -d "$ETC_NETNS/$lab-lA" ]
	[ -f "$ETC_NETNS/$lab-hB/networks" ]
	rm -rf -- "$ETC_NETNS/$lab-lA" "$ETC_NETNS/$lab-hB"
	names_gone "$lab"
	run "$HOPLAB" down "$lab"
	assert_success
	assert_output "lab $lab is not up"
}

@test "names: a hosts file hoplab did not write stops up before it makes anything" {
	new_lab lab nf
	local file=$BATS_TEST_TMPDIR/p.lab
	write_pair "$file" "$lab"
	own_dir "$ETC_NETNS/$lab-lA"
	echo "10.9.9.9 theirs" >"$ETC_NETNS/$lab-lA/hosts"
	run "$HOPLAB" up "$file"
	assert_failure 1
	assert_output --partial "$ETC_NETNS/$lab-lA/hosts exists and hoplab did not write it"
	run cat "$ETC_NETNS/$lab-lA/hosts"
	assert_output "10.9.9.9 theirs"
	[ ! -e "$ETC_NETNS/$lab-hA" ]
	no_namespaces "$lab"
}

@test "names: written before the daemons start; a failed up leaves no hosts file or folder" {
	new_lab lab nu
	local file=$BATS_TEST_TMPDIR/p.lab
	write_pair "$file" "$lab"
	expect_unhealthy "$lab"
	NAMES_SEEN=$BATS_TEST_TMPDIR/seen HOPLAB_BIN=$FAILBIN run "$HOPLAB" up "$file"
	assert_failure
	assert_output --partial "rolling it back"
	# The daemon saw the lab's names in its namespace at start-up.
	run cat "$BATS_TEST_TMPDIR/seen"
	assert_line --regexp '^10\.61\.0\.11	lA lA-eth0$'
	assert_line --regexp '^127\.0\.0\.1	localhost$'
	names_gone "$lab"
	no_namespaces "$lab"
	[ ! -e "$HOPLAB_RUN_ROOT/$lab" ]
}

@test "names: two labs at once each resolve their own addresses; down and down --all take only theirs" {
	local root=$BATS_TEST_TMPDIR/all lab1 lab2 bystander
	lab1=$(HOPLAB_RUN_ROOT=$root lab_name nta)
	lab2=$(HOPLAB_RUN_ROOT=$root lab_name ntb)
	new_lab bystander nto
	write_names_lab "$BATS_TEST_TMPDIR/1.lab" "$lab1" 45
	write_names_lab "$BATS_TEST_TMPDIR/2.lab" "$lab2" 46
	write_names_lab "$BATS_TEST_TMPDIR/o.lab" "$bystander" 47
	HOPLAB_RUN_DIR=$root lab_up "$BATS_TEST_TMPDIR/1.lab"
	HOPLAB_RUN_DIR=$root lab_up "$BATS_TEST_TMPDIR/2.lab"
	lab_up "$BATS_TEST_TMPDIR/o.lab"
	HOPLAB_RUN_DIR=$root run resolve "$lab1" lA hB
	assert_output --regexp '^10\.45\.2\.20 '
	HOPLAB_RUN_DIR=$root run resolve "$lab2" lA hB
	assert_output --regexp '^10\.46\.2\.20 '
	run resolve "$bystander" hB r1
	assert_output --regexp '^10\.47\.2\.1 '

	HOPLAB_RUN_DIR=$root run "$HOPLAB" down "$lab1"
	assert_success
	names_gone "$lab1"
	assert_equal "$(hosts_files "$lab2")" "${#NAMES_NODES[@]}"
	HOPLAB_RUN_DIR=$root run resolve "$lab2" web_1 hB
	assert_output --regexp '^10\.46\.2\.20 '

	HOPLAB_RUN_DIR=$root lab_up "$BATS_TEST_TMPDIR/1.lab"
	HOPLAB_RUN_DIR=$root run "$HOPLAB" down --all
	assert_success
	names_gone "$lab1"
	names_gone "$lab2"
	# The other run root's lab keeps its names.
	assert_equal "$(hosts_files "$bystander")" "${#NAMES_NODES[@]}"
	run resolve "$bystander" lB hA
	assert_output --regexp '^10\.47\.1\.10 '
}

@test "names: a lab whose name is a prefix of another's leaves the other's names alone" {
	new_lab lab np
	local other=${lab:0:9}-x2
	LABS+=("$other")
	write_pair "$BATS_TEST_TMPDIR/1.lab" "$lab"
	write_pair "$BATS_TEST_TMPDIR/2.lab" "$other"
	lab_up "$BATS_TEST_TMPDIR/1.lab"
	lab_up "$BATS_TEST_TMPDIR/2.lab"
	run "$HOPLAB" down "${lab:0:9}"
	assert_success
	assert_equal "$(hosts_files "$other")" 2
	run resolve "$other" lA hA
	assert_output --regexp '^10\.61\.0\.10 +hA hA-eth0$'
}

@test "names: hosts files left over from a lab are its, for status, down, down --all and up" {
	new_lab lab nr
	local file=$BATS_TEST_TMPDIR/n.lab saved=$BATS_TEST_TMPDIR/hosts root=$BATS_TEST_TMPDIR/other
	write_names_lab "$file" "$lab" 48
	lab_up "$file"
	cp "$ETC_NETNS/$lab-lA/hosts" "$saved"
	lab_down "$lab"
	names_gone "$lab"

	# As a crash in the middle of down would leave it.
	plant_hosts "$lab-lA" "$saved"
	run "$HOPLAB" status "$lab"
	assert_line --regexp '^lA +\? +- +leftover$'
	run "$HOPLAB" down "$lab"
	assert_success
	assert_output "lab $lab is down"
	names_gone "$lab"

	# The same, of a lab in another run root: that root's, not this one's.
	sed "1s| in $HOPLAB_RUN_ROOT: | in $root: |" "$saved" >"$BATS_TEST_TMPDIR/other-hosts"
	plant_hosts "$lab-lA" "$BATS_TEST_TMPDIR/other-hosts"
	run "$HOPLAB" status "$lab"
	assert_output "lab $lab is not up"
	run "$HOPLAB" down "$lab"
	assert_output "lab $lab is not up"
	assert_equal "$(hosts_files "$lab")" 1
	HOPLAB_RUN_DIR=$root run "$HOPLAB" status
	assert_line "lab $lab"
	HOPLAB_RUN_DIR=$root run "$HOPLAB" down --all
	assert_success
	assert_output "lab $lab is down"
	names_gone "$lab"

	plant_hosts "$lab-lA" "$saved"
	write_names_lab "$file" "$lab" 49
	run "$HOPLAB" up "$file"
	assert_success
	assert_line "lab $lab exists; removing it first"
	run resolve "$lab" lA hB
	assert_output --regexp '^10\.49\.2\.20 +hB hB-eth0$'
}

# ---------------------------------------------------------------------------
# hoplab exec on a host node

@test "exec: on a host node CMD gets LD_PRELOAD and HOSTSOCK_NODE; --kernel and other kinds get neither" {
	new_lab lab ne
	local file=$BATS_TEST_TMPDIR/p.lab sock
	write_pair "$file" "$lab"
	lab_up "$file"
	sock=$HOPLAB_RUN_ROOT/$lab/hA.sock

	HOPLAB_PRELOAD=$STANDIN run "$HOPLAB" exec "$lab/hA" env
	assert_success
	assert_line "LD_PRELOAD=$STANDIN"
	assert_line "HOSTSOCK_NODE=$sock"
	# That is hostd's control socket, and the library is really loaded.
	[ -S "$sock" ]
	HOPLAB_PRELOAD=$STANDIN run "$HOPLAB" exec "$lab/hA" cat /proc/self/maps
	assert_output --partial "$STANDIN"
	HOPLAB_PRELOAD=$STANDIN run "$HOPLAB" exec "$lab/hA" sh -c 'exit 7'
	assert_failure 7

	# --kernel: neither, even one inherited from an outer exec.
	HOSTSOCK_NODE=$sock HOPLAB_PRELOAD=$STANDIN run "$HOPLAB" exec --kernel "$lab/hA" env
	assert_success
	refute_line --partial "LD_PRELOAD="
	refute_line --partial "HOSTSOCK_NODE="
	HOPLAB_PRELOAD=$STANDIN run "$HOPLAB" exec --kernel "$lab/hA" cat /proc/self/maps
	refute_output --partial "$STANDIN"
	run "$HOPLAB" exec --kernel "$lab/hA" ip netns identify
	assert_output "$lab-hA"

	# A linux node: unchanged, and --kernel accepted.
	local kernel
	for kernel in "" --kernel; do
		HOSTSOCK_NODE=$sock HOPLAB_PRELOAD=$STANDIN run "$HOPLAB" exec $kernel "$lab/lA" env
		assert_success
		refute_line --partial "LD_PRELOAD="
		refute_line --partial "HOSTSOCK_NODE="
	done
	run "$HOPLAB" exec --bogus "$lab/lA" true
	assert_failure 2
}

@test "exec: the library is found beside the daemons, in the tree and installed; missing, exit 2 saying how to build it" {
	new_lab lab nb
	local file=$BATS_TEST_TMPDIR/p.lab tree=$BATS_TEST_TMPDIR/tree lib
	write_pair "$file" "$lab"
	lab_up "$file"

	# HOPLAB_PRELOAD names a file that is not there.
	HOPLAB_PRELOAD=$BATS_TEST_TMPDIR/none.so run "$HOPLAB" exec "$lab/hA" true
	assert_failure 2
	assert_output --partial "libhostsock-preload.so"
	assert_output --partial "$BATS_TEST_TMPDIR/none.so"
	assert_output --partial "build it with 'make'"
	assert_output --partial "--kernel"
	HOPLAB_PRELOAD=$BATS_TEST_TMPDIR/none.so run "$HOPLAB" exec --kernel "$lab/hA" true
	assert_success
	HOPLAB_PRELOAD=$BATS_TEST_TMPDIR/none.so run "$HOPLAB" exec "$lab/lA" true
	assert_success

	# A source tree: build/lib/ beside the bin/ (or build/VARIANT/bin/)
	# that HOPLAB_BIN names; not built there, exit 2.
	mkdir -p "$tree/bin" "$tree/build/san/bin"
	run env -u HOPLAB_PRELOAD HOPLAB_BIN="$tree/bin" "$HOPLAB" exec "$lab/hA" true
	assert_failure 2
	assert_output --partial "$tree/build/lib/libhostsock-preload.so"
	mkdir -p "$tree/build/lib"
	cp "$STANDIN" "$tree/build/lib/"
	lib=$(realpath "$tree/build/lib/libhostsock-preload.so")
	run env -u HOPLAB_PRELOAD HOPLAB_BIN="$tree/bin" "$HOPLAB" exec "$lab/hA" env
	assert_success
	assert_line "LD_PRELOAD=$lib"
	run env -u HOPLAB_PRELOAD HOPLAB_BIN="$tree/build/san/bin" "$HOPLAB" exec "$lab/hA" env
	assert_line "LD_PRELOAD=$lib"

	# Installed: make install puts it in PREFIX/lib/hoplab/ when it is
	# built, and the installed hoplab finds it there.
	local dest=$BATS_TEST_TMPDIR/dest
	run make -C "$REPO_ROOT" -s -o all install DESTDIR="$dest" PREFIX=/usr \
		PRELOAD_LIB="$BATS_TEST_TMPDIR/none.so"
	assert_success
	[ -x "$dest/usr/bin/hoplab" ]
	[ ! -e "$dest/usr/lib/hoplab/libhostsock-preload.so" ]
	run env -u HOPLAB_PRELOAD -u HOPLAB_BIN "$dest/usr/bin/hoplab" exec "$lab/hA" true
	assert_failure 2
	run make -C "$REPO_ROOT" -s -o all install DESTDIR="$dest" PREFIX=/usr PRELOAD_LIB="$STANDIN"
	assert_success
	cmp "$STANDIN" "$dest/usr/lib/hoplab/libhostsock-preload.so"
	run env -u HOPLAB_PRELOAD -u HOPLAB_BIN "$dest/usr/bin/hoplab" exec "$lab/hA" env
	assert_success
	assert_line "LD_PRELOAD=$(realpath "$dest/usr/lib/hoplab/libhostsock-preload.so")"
	assert_line "HOSTSOCK_NODE=$HOPLAB_RUN_ROOT/$lab/hA.sock"
}

@test "exec: --help and hoplab --help document --kernel, the variables and the names" {
	run "$HOPLAB" exec --help
	assert_success
	assert_line --index 0 "usage: hoplab exec [--kernel] NODE CMD..."
	assert_output --partial "LD_PRELOAD="
	assert_output --partial "HOSTSOCK_NODE=RUN/LAB/NODE.sock"
	assert_output --partial "libhostsock-preload.so"
	assert_output --partial "--kernel runs CMD on the namespace's own kernel stack"
	run "$HOPLAB" --help
	assert_success
	assert_output --partial "hoplab exec [--kernel] NODE CMD..."
	assert_line --regexp '^  HOPLAB_PRELOAD +'
	assert_output --partial "/etc/netns/LAB-NODE/hosts"
	run "$HOPLAB" exec --kernel onlynode
	assert_failure 2
	assert_output --partial "usage: hoplab exec [--kernel] NODE CMD..."
}
