#!/usr/bin/env bats
# `make bench` works: its runner brings up every path and its kernel twin,
# and leaves each figure with the kernel's beside it, the JSON, the chart
# and the table. Timings are never judged here: a figure only has to be
# there, a number, with its ratio right.

load helpers

BENCH=$REPO_ROOT/tests/bench/run

# The paths make bench must report, and those its runner adds.
PATHS=(switch_64 switch_1500 switch_64_pinned switch_64_zero_loss
	router_64 router_1500 router_64_pinned router_64_zero_loss
	router_64_1m_routes fib_lookups_1m rtt_seed rtt_seed_lowlat
	tcp_seed_linux tcp_hostd_linux tcp_linux_hostd lab_up_100 lab_down_100)

@test "the bench refuses a bad group or BENCH_SECONDS with status 2 and says why" {
	run "$BENCH" nosuchgroup
	assert_failure 2
	assert_output --partial "bench: unknown group 'nosuchgroup'"
	BENCH_SECONDS=0.5 run "$BENCH" fib
	assert_failure 2
	assert_output --partial "BENCH_SECONDS must be a whole number"
	run "$BENCH" --help
	assert_success
	assert_output --partial "BENCH_SECONDS"
}

@test "the README's performance section gives every path's figures with the kernel's beside them" {
	local section path
	section=$(sed -n '/^## Performance$/,/^## /p' "$REPO_ROOT/README.md")
	grep -q 'make bench' <<<"$section"
	grep -q '^| path | unit | kernel | hoplab | ratio |$' <<<"$section"
	grep -q 'CPUs' <<<"$section"
	for path in "${PATHS[@]}"; do
		# a row: the path, its unit, two figures (the kernel's may be
		# none for the FIB) and their ratio
		grep -Eq "^\| \`$path\` \| [^|]+ \| ([0-9.]+|–) \| [0-9.]+ \| ([0-9.]+|–) \|$" <<<"$section" ||
			fail "README's performance table has no row of figures for $path"
	done
}

@test "every path has hoplab's figure and the kernel's from the same run, in the table, the JSON and the chart" {
	local out=$BATS_FILE_TMPDIR/bench path
	ip netns list | sort >"$BATS_TEST_TMPDIR/netns.before"
	# Short runs and a smaller big table: the test proves the machinery,
	# make bench measures.
	BENCH_OUT=$out BENCH_SECONDS=1 ROUTES_1M=100000 run "$BENCH"
	assert_success
	assert_line --regexp '^path +unit +kernel +hoplab +ratio +better$'
	for path in "${PATHS[@]}"; do
		assert_line --regexp "^$path +"
	done
	# One object per path, each complete: both figures numbers (the
	# kernel has no FIB of its own to time), the ratio theirs.
	jq -e 'type == "array" and length == ([.[].path] | unique | length)' "$out/results.json"
	for path in "${PATHS[@]}"; do
		jq -e --arg p "$path" '
			[.[] | select(.path == $p)] | length == 1 and (.[0] |
			(.unit | type == "string" and length > 0) and
			(.better == "higher" or .better == "lower") and
			# (a zero-loss search may find no rate without loss)
			(.hoplab | type == "number" and
			 (. > 0 or (. == 0 and ($p | endswith("zero_loss"))))) and
			(if $p == "fib_lookups_1m" and .kernel == null then .ratio == null
			 else (.kernel | type == "number" and . > 0) and
			      # the figures and the ratio are rounded (two places
			      # at least); the ratio is of the figures before
			      ((.ratio * .kernel - .hoplab) | fabs) <=
			      0.01 * .hoplab + 0.005 * (.kernel + .ratio + 1) end))' \
			"$out/results.json" >/dev/null || {
			echo "bad or missing result for $path:" >&2
			jq --arg p "$path" '.[] | select(.path == $p)' "$out/results.json" >&2
			return 1
		}
	done
	jq -e '.nproc > 0 and .bench_seconds == 1 and (.kernel | length > 0)' "$out/machine.json"
	xmllint --noout "$out/ratios.svg"
	for path in switch_64 router_64_pinned rtt_seed tcp_seed_linux lab_up_100; do
		grep -q ">$path<" "$out/ratios.svg" || fail "$path is not in the chart"
	done
	# Every lab and namespace of the bench is gone (its labs are named
	# b, the runner's pid, a role).
	ip netns list | sort >"$BATS_TEST_TMPDIR/netns.after"
	run bash -c "comm -13 '$BATS_TEST_TMPDIR/netns.before' '$BATS_TEST_TMPDIR/netns.after' |
		grep -E '^b[0-9]+[a-z]+-' || true"
	assert_output ""
}
