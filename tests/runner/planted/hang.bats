#!/usr/bin/env bats
# Planted failure for the runner's own test: the second test never ends,
# with a lab up; the runner's timeout must end the file, fail it and
# remove the lab it left behind.

load ../../e2e/helpers

setup_file() {
	LAB=$(lab_name phang)
	export LAB
	sed "s/^lab switch3\$/lab $LAB/" "$REPO_ROOT/conf/switch3.lab" >"$BATS_FILE_TMPDIR/sw.lab"
	lab_up "$BATS_FILE_TMPDIR/sw.lab"
}

@test "planted: a test that ends" {
	true
}

@test "planted: a test that hangs" {
	sleep 1000
}
