#!/usr/bin/env bats
# Planted failure for the runner's own test: a skipped test is not a pass.

load ../../e2e/helpers

@test "planted: a test that passes" {
	true
}

@test "planted: a test that skips" {
	skip "planted"
}
