#!/usr/bin/env bats
# Planted failure for the runner's own test: bats stops short of its plan
# (the file's set-up fails, so no test runs).

load ../../e2e/helpers

setup_file() {
	return 1
}

@test "planted: never runs" {
	true
}

@test "planted: never runs either" {
	true
}
