/*
 * hopjourney's command line: what `hoplab journey` calls once every
 * daemon's trace is collected.
 *
 *   hopjourney [-j | --dot] -t TOPO.json [-p NODE:IF:FILE]... [TRACE]...
 *
 * TOPO.json describes the lab:
 *
 *   {"lab": "seed",
 *    "nodes": [{"name": "hA", "kind": "host"}, ...],
 *    "links": [{"a": "hA", "a_if": "eth0", "b": "sw1", "b_if": "p1"}, ...],
 *    "macs": {"hL:eth0": "02:00:00:00:00:0c", ...}}
 *
 * "lab" and "macs" may be left out; "macs" needs the interfaces of the
 * Linux nodes whose captures are given. Each TRACE is what
 * `hopctl -j NODE show trace` printed; each -p names a pcap captured on
 * the interface IF of the Linux node NODE.
 */
#ifndef HOPLAB_JOURNEY_CLI_H
#define HOPLAB_JOURNEY_CLI_H

#include <stdio.h>

#define JOURNEY_EXIT_FAIL 1
#define JOURNEY_EXIT_USAGE 2
/* Warnings shown at most; the rest are counted. */
#define JOURNEY_WARN_MAX 20

/* Runs hopjourney with its arguments, printing on out and err; returns
 * the exit status: 0, JOURNEY_EXIT_FAIL or JOURNEY_EXIT_USAGE. */
int journey_cli(int argc, char **argv, FILE *out, FILE *err);

#endif
