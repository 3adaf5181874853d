# shellcheck shell=bash
# hoplab down LAB|FILE, down --all: take labs down, whatever state they are
# in.

usage_down() {
	cat <<USAGE
$PROG down [--save-logs DIR] LAB|FILE
$PROG down [--save-logs DIR] --all
    stop daemons, delete namespaces and run dir; --save-logs copies
    the logs into DIR first (DIR/LAB with --all)
USAGE
}

cmd_down() {
	local all=no save_dir="" lab
	while (($# > 0)); do
		case $1 in
		--all) all=yes ;;
		--save-logs)
			(($# >= 2)) || usage_error "--save-logs needs a directory"
			save_dir=$2
			shift
			;;
		-*) usage_error "down: unknown option '$1'" ;;
		*) break ;;
		esac
		shift
	done
	if [[ $all == yes ]]; then
		(($# == 0)) || usage_error "usage: $PROG down [--save-logs DIR] --all"
		need_root down
		local -a labs
		mapfile -t labs < <({ up_labs; leftover_labs; } | sort -u)
		((${#labs[@]} > 0)) || {
			echo "no labs are up"
			return 0
		}
		for lab in "${labs[@]}"; do
			lab_lock "$lab"
			lab_teardown "$lab" "${save_dir:+$save_dir/$lab}"
			lab_unlock
		done
		return 0
	fi
	(($# == 1)) || usage_error "usage: $PROG down [--save-logs DIR] LAB|FILE"
	lab=$(lab_of_arg "$1")
	need_root down
	lab_lock "$lab"
	lab_teardown "$lab" "$save_dir"
}
