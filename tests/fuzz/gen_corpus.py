#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into tests/fuzz/corpus/.

    tests/fuzz/gen_corpus.py [CORPUS_DIR]

Each target gets valid inputs of every kind its code handles, in the
target's own input format (described at the top of each tests/fuzz/*/fuzz_*.c),
so that fuzzing starts deep in the code rather than at its first check.
Seeds are named seed-* and regression inputs regress-*; both are rewritten
on every run, and files with other names (those a fuzzer added with -merge)
are left alone. Only the Python standard library is used, and the output is
the same on every run.
"""

import json
import os
import socket
import struct
import sys

# --- packets ----------------------------------------------------------------


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def ip(s):
    return bytes(int(x) for x in s.split("."))


BCAST = mac("ff:ff:ff:ff:ff:ff")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(dst, src, etype, payload, vlan=None):
    hdr = dst + src
    if vlan is not None:
        hdr += struct.pack("!HH", 0x8100, vlan)
    frame = hdr + struct.pack("!H", etype) + payload
    return frame + b"\0" * (60 - len(frame)) if len(frame) < 60 else frame


def ipv4(src, dst, proto, payload, ttl=64, ident=1, frag=0, tos=0,
         options=b"", total=None, good=True):
    ihl = 5 + len(options) // 4
    length = total if total is not None else ihl * 4 + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, tos, length, ident, frag,
                      ttl, proto, 0, ip(src), ip(dst)) + options
    check = csum(hdr) if good else 0x1234
    hdr = hdr[:10] + struct.pack("!H", check) + hdr[12:]
    return hdr + payload


def icmp(itype, code, rest, body=b""):
    msg = struct.pack("!BBH", itype, code, 0) + rest + body
    return msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]


def echo(ident, seq, data=b"abcdefgh" * 7, reply=False):
    return icmp(0 if reply else 8, 0, struct.pack("!HH", ident, seq), data)


def icmp_error(itype, code, quoted, mtu=0):
    return icmp(itype, code, struct.pack("!HH", 0, mtu), quoted)


def udp(src, dst, sport, dport, data, check=True):
    length = 8 + len(data)
    hdr = struct.pack("!HHHH", sport, dport, length, 0)
    if check:
        pseudo = ip(src) + ip(dst) + struct.pack("!BBH", 0, 17, length)
        c = csum(pseudo + hdr + data) or 0xFFFF
        hdr = hdr[:6] + struct.pack("!H", c)
    return hdr + data


def arp(op, sha, spa, tha, tpa):
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, sha, ip(spa),
                       tha, ip(tpa))


def fragments(datagram, sizes):
    """Cuts a datagram (20-byte header) into fragments of the payload sizes
    given; the last takes the rest."""
    hdr, payload = datagram[:20], datagram[20:]
    src, dst = hdr[12:16], hdr[16:20]
    ident, ttl, proto = struct.unpack("!H", hdr[4:6])[0], hdr[8], hdr[9]
    out, off = [], 0
    for i, size in enumerate(sizes + [len(payload)]):
        chunk = payload[off:off + size]
        more = off + len(chunk) < len(payload)
        out.append(raw_ipv4(src, dst, proto, chunk, ttl, ident,
                            (0x2000 if more else 0) | off // 8))
        off += len(chunk)
        if not more:
            break
    return out


def raw_ipv4(src, dst, proto, payload, ttl, ident, frag):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident,
                      frag, ttl, proto, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def record(ctl, frame):
    """A frame as the input targets read it: control byte, length, bytes."""
    return bytes([ctl]) + struct.pack("!H", len(frame)) + frame


# --- the targets ------------------------------------------------------------

corpus = {}


def seed(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    corpus.setdefault(target, {})[name] = data


def gen_ether():
    a, b = mac("02:00:00:00:00:0a"), mac("02:00:00:00:00:0b")
    dg = ipv4("10.0.0.1", "10.0.0.2", 17, udp("10.0.0.1", "10.0.0.2", 1, 2,
                                               b"x"))
    seed("fuzz_ether", "seed-ipv4", eth(b, a, 0x0800, dg))
    seed("fuzz_ether", "seed-arp", eth(BCAST, a, 0x0806,
                                       arp(1, a, "10.0.0.1", bytes(6),
                                           "10.0.0.2")))
    seed("fuzz_ether", "seed-vlan", eth(b, a, 0x0800, dg, vlan=5))
    seed("fuzz_ether", "seed-8023-length", b + a + struct.pack("!H", 46) +
         bytes(46))
    seed("fuzz_ether", "seed-truncated", b + a[:3])
    seed("fuzz_ether", "seed-vlan-truncated", b + a + b"\x81\x00\x00")
    seed("fuzz_ether", "seed-ipv6", eth(b, a, 0x86DD, bytes(40)))


def gen_frame():
    a, b = mac("02:00:00:00:00:0a"), mac("02:00:00:00:00:0b")
    A, B = "10.0.1.10", "10.0.2.20"

    def put(name, etype, payload, vlan=None):
        seed("fuzz_frame", "seed-" + name, eth(b, a, etype, payload, vlan))

    def tcp_dg(flags, data=b"", opts=b""):
        return ipv4(A, B, 6, tcp(A, B, 49152, 80, 1000, 77, flags,
                                 opts=opts, data=data))

    put("tcp-syn", 0x0800, tcp_dg(0x02, opts=tcp_options(mss=1460, ws=7)))
    put("tcp-syn-ack", 0x0800, tcp_dg(0x12))
    put("tcp-data", 0x0800, tcp_dg(0x18, b"GET / HTTP/1.1\r\n\r\n"))
    put("tcp-fin", 0x0800, tcp_dg(0x11))
    put("tcp-rst", 0x0800, tcp_dg(0x04))
    put("udp", 0x0800, ipv4(A, B, 17, udp(A, B, 40000, 53, b"query")))
    ping = ipv4(A, B, 1, echo(4, 1))
    put("echo", 0x0800, ping)
    put("echo-reply", 0x0800, ipv4(B, A, 1, echo(4, 1, reply=True)))
    quote = ipv4(A, B, 17, udp(A, B, 40000, 33434, b""), ttl=1)
    for name, t, c, mtu in [("port-unreach", 3, 3, 0),
                            ("host-unreach", 3, 1, 0),
                            ("net-unreach", 3, 0, 0),
                            ("proto-unreach", 3, 2, 0),
                            ("frag-needed", 3, 4, 1400),
                            ("other-unreach", 3, 13, 0),
                            ("time-exceeded", 11, 0, 0),
                            ("reassembly-exceeded", 11, 1, 0),
                            ("redirect", 5, 1, 0)]:
        put(name, 0x0800, ipv4(B, A, 1, icmp_error(t, c, quote, mtu)))
    put("ip-other-proto", 0x0800, ipv4(A, B, 47, b"gre!"))
    for i, frag in enumerate(fragments(ping, [24, 40])):
        put("fragment-%d" % i, 0x0800, frag)
    put("arp-request", 0x0806, arp(1, a, A, bytes(6), "10.0.1.1"))
    put("arp-reply", 0x0806, arp(2, b, "10.0.1.1", a, A))
    put("arp-other-op", 0x0806, arp(9, b, "10.0.1.1", a, A))
    put("vlan", 0x0800, ping, vlan=10)
    put("ipv6", 0x86DD, bytes(40))
    put("lldp", 0x88CC, bytes(46))
    seed("fuzz_frame", "seed-truncated", b + a[:3])
    seed("fuzz_frame", "seed-ip-truncated", eth(b, a, 0x0800, ping[:12]))
    seed("fuzz_frame", "seed-tcp-truncated",
         eth(b, a, 0x0800, tcp_dg(0x02)[:30]))


def gen_arp():
    us = mac("02:00:00:00:00:01")
    peer = mac("02:00:00:00:00:02")
    other = mac("02:00:00:00:00:03")

    def rec(ctl, pkt):
        return bytes([ctl]) + pkt

    def out(host, wait=0):
        # An output record: the bytes after the control byte are the packet.
        return bytes([0x80 | wait << 4 | host]) + bytes(28)

    req = arp(1, peer, "10.0.0.2", bytes(6), "10.0.0.1")
    rep5 = arp(2, other, "10.0.0.5", us, "10.0.0.1")
    seed("fuzz_arp", "seed-request-for-us", rec(0, req))
    seed("fuzz_arp", "seed-resolve-then-reply",
         out(5) + rec(0, rep5) + out(5))
    seed("fuzz_arp", "seed-resolve-fails",
         out(6) + out(6) + rec(0x20, req) + rec(0x20, req) + rec(0x20, req) +
         rec(0x20, req))
    seed("fuzz_arp", "seed-stale-probe",
         out(5) + rec(0, rep5) + rec(0x70, req) + rec(0x70, req) +
         rec(0x70, req) + out(5) + rec(0x20, req) + rec(0x20, req) +
         rec(0x70, req) + rec(0x70, req) + rec(0x70, req) + rec(0x70, req) +
         rec(0x70, req))
    seed("fuzz_arp", "seed-queue-overflow", out(7) * 4 + rec(0, arp(
        2, other, "10.0.0.7", us, "10.0.0.1")))
    seed("fuzz_arp", "seed-cache-full",
         b"".join(out(h) for h in range(1, 16)))
    seed("fuzz_arp", "seed-gratuitous",
         rec(0, arp(1, peer, "10.0.0.2", bytes(6), "10.0.0.2")))
    seed("fuzz_arp", "seed-unsolicited-reply",
         rec(0, arp(2, peer, "10.0.0.2", us, "10.0.0.1")))
    seed("fuzz_arp", "seed-not-for-us",
         rec(0, arp(1, peer, "10.0.0.2", bytes(6), "10.0.0.9")))
    seed("fuzz_arp", "seed-bad-sender-mac",
         rec(0, arp(1, BCAST, "10.0.0.2", bytes(6), "10.0.0.1")))
    seed("fuzz_arp", "seed-off-subnet",
         rec(0, arp(1, peer, "192.0.2.2", bytes(6), "10.0.0.1")))
    seed("fuzz_arp", "seed-own-address",
         rec(0, arp(1, peer, "10.0.0.1", bytes(6), "10.0.0.1")))
    seed("fuzz_arp", "seed-bad-format",
         rec(0, struct.pack("!HHBBH", 6, 0x0800, 6, 4, 1) + bytes(20)) +
         rec(0, struct.pack("!HHBBH", 1, 0x86DD, 6, 4, 1) + bytes(20)) +
         rec(0, struct.pack("!HHBBH", 1, 0x0800, 6, 4, 9) + bytes(20)) +
         rec(0, req[:20]))


def gen_ctl_parse():
    for name, line in [
        ("show-ports", "show ports"),
        ("flush-mac-port", "flush mac p1"),
        ("set-aging", "set aging 10"),
        ("blanks", " \tshow \t mac\t "),
        ("unknown", "show nothing here"),
        ("utf8", "flush mac caf\u00e9\u2603\U0001F600"),
        ("bad-utf8", b"show \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xe0\x80"),
        ("control", b"show\x01mac\x7f"),
        ("too-many-words", " ".join(["w"] * 70)),
        ("empty", ""),
    ]:
        seed("fuzz_ctl_parse", "seed-" + name, line)


def gen_impair():
    t = "fuzz_impair"

    def frames(*pairs):
        return bytes(b for p in pairs for b in p)

    steady = frames(*[(2, 60)] * 40)
    burst = frames(*[(0, 200)] * 60)
    for name, spec, tail in [
        ("delay", "delay 10ms", steady),
        ("jitter", "delay 10ms jitter 10ms seed 3", steady),
        ("loss", "loss 30% seed 1", steady),
        ("duplicate", "duplicate 50%", steady),
        ("reorder", "delay 5ms reorder 30%", steady),
        ("corrupt", "corrupt 50% duplicate 10%", frames((0, 10), (0, 14),
                                                          (0, 15), (0, 255))),
        ("rate", "rate 1mbit", burst),
        ("rate-backlog", "rate 100kbit delay 1ms", burst),
        ("limit", "delay 100ms limit 4", burst),
        ("refused", "delay 1ms duplicate 50%", frames(*[(0x80, 60), (1, 60)] * 10)),
        ("all", "delay 20ms jitter 5ms loss 10% duplicate 10% reorder 10% "
                "corrupt 10% rate 10mbit limit 100 seed 9", steady + burst),
        ("units", "delay 1.5s jitter 200usecs rate 1mbps loss 0.0000001%", b""),
        ("bad-time", "delay 50", b""),
        ("bad-twice", "loss 1% loss 2%", b""),
        ("bad-jitter", "jitter 1ms", b""),
        ("bad-empty", "", b""),
    ]:
        seed(t, "seed-" + name, spec.encode() + b"\n" + tail)


def gen_icmp():
    q = ipv4("10.0.0.1", "10.0.0.2", 17, udp("10.0.0.1", "10.0.0.2", 1000,
                                              33434, bytes(32)))
    cases = [
        ("echo-request", ipv4("10.0.0.2", "10.0.0.1", 1, echo(7, 1))),
        ("echo-reply", ipv4("10.0.0.2", "10.0.0.1", 1, echo(7, 1,
                                                            reply=True))),
        ("echo-empty", ipv4("10.0.0.2", "10.0.0.1", 1, echo(7, 2, b""))),
        ("port-unreachable", ipv4("10.0.0.2", "10.0.0.1", 1,
                                  icmp_error(3, 3, q[:28]))),
        ("frag-needed", ipv4("10.0.0.2", "10.0.0.1", 1,
                             icmp_error(3, 4, q[:28], 576))),
        ("time-exceeded", ipv4("10.0.0.2", "10.0.0.1", 1,
                               icmp_error(11, 0, q[:28]))),
        ("reassembly-exceeded", ipv4("10.0.0.2", "10.0.0.1", 1,
                                     icmp_error(11, 1, q[:28]))),
        ("unreachable-bad-code", ipv4("10.0.0.2", "10.0.0.1", 1,
                                      icmp_error(3, 20, q[:28]))),
        ("redirect", ipv4("10.0.0.2", "10.0.0.1", 1,
                          icmp_error(5, 1, q[:28]))),
        ("source-quench", ipv4("10.0.0.2", "10.0.0.1", 1,
                               icmp_error(4, 0, q[:28]))),
        ("param-problem", ipv4("10.0.0.2", "10.0.0.1", 1,
                               icmp_error(12, 0, q[:28]))),
        ("timestamp", ipv4("10.0.0.2", "10.0.0.1", 1,
                           icmp(13, 0, bytes(4), bytes(12)))),
        ("udp", q),
        ("tcp", ipv4("10.0.0.2", "10.0.0.1", 6, bytes(20))),
        ("big-udp", ipv4("10.0.0.2", "10.0.0.1", 17,
                         udp("10.0.0.2", "10.0.0.1", 1, 2, bytes(1200)))),
        ("later-fragment", ipv4("10.0.0.2", "10.0.0.1", 17, bytes(16),
                                frag=0x2002)),
        ("to-broadcast", ipv4("10.0.0.2", "255.255.255.255", 1, echo(7, 1))),
        ("to-multicast", ipv4("10.0.0.2", "224.0.0.1", 1, echo(7, 1))),
        ("from-loopback", ipv4("127.0.0.1", "10.0.0.1", 1, echo(7, 1))),
        ("options", ipv4("10.0.0.2", "10.0.0.1", 1, echo(7, 1),
                         options=b"\x07\x07\x04" + bytes(4) + b"\x00")),
        ("bad-icmp-checksum", ipv4("10.0.0.2", "10.0.0.1", 1,
                                   b"\x08\x00\x12\x34" + bytes(12))),
        ("icmp-truncated", ipv4("10.0.0.2", "10.0.0.1", 1, b"\x08\x00")),
    ]
    for name, dg in cases:
        seed("fuzz_icmp", "seed-" + name, bytes([0]) + dg)
    # Broken on purpose: the repair bits mend them, one way or another.
    seed("fuzz_icmp", "seed-repair-ip",
         bytes([0x03]) + ipv4("10.0.0.2", "10.0.0.1", 1, echo(7, 3),
                              total=9999, good=False))
    seed("fuzz_icmp", "seed-repair-all",
         bytes([0x07]) + ipv4("10.0.0.2", "10.0.0.1", 1,
                              b"\x08\x00\x00\x00" + bytes(20), good=False))
    # Every error kind the target builds (flag bits 5-7), and the link
    # multicast bit (3).
    for kind in range(8):
        seed("fuzz_icmp", "seed-build-error-%d" % kind,
             bytes([kind << 5 | 0x08 * (kind & 1)]) + q)


def gen_ipv4():
    def put(name, flags, mtu_sel, dg):
        seed("fuzz_ipv4", "seed-" + name, bytes([flags, mtu_sel]) + dg)

    big = udp("10.0.0.1", "10.0.0.2", 1, 2, bytes(range(256)) * 5)
    put("fits", 0, 200, ipv4("10.0.0.1", "10.0.0.2", 17, udp(
        "10.0.0.1", "10.0.0.2", 1, 2, b"hello")))
    put("fragment-576", 0, 63, ipv4("10.0.0.1", "10.0.0.2", 17, big))
    put("fragment-68", 0, 0, ipv4("10.0.0.1", "10.0.0.2", 17, big[:300]))
    put("fragment-odd-payload", 0, 10, ipv4("10.0.0.1", "10.0.0.2", 17,
                                            bytes(301)))
    put("df-too-big", 0, 63, ipv4("10.0.0.1", "10.0.0.2", 17, big,
                                  frag=0x4000))
    # Options: loose source route (copied), record route (not), NOP, EOL.
    opts = (b"\x83\x07\x04" + ip("10.9.9.9") + b"\x01" +
            b"\x07\x07\x04" + bytes(4) + b"\x00")
    put("options-copied", 0, 20, ipv4("10.0.0.1", "10.0.0.2", 17,
                                      bytes(400), options=opts))
    put("options-malformed", 0, 20, ipv4("10.0.0.1", "10.0.0.2", 17,
                                         bytes(400),
                                         options=b"\x83\x30\x00\x00"))
    put("options-max-mtu-68", 0, 0, ipv4("10.0.0.1", "10.0.0.2", 17,
                                         bytes(100), options=bytes(40)))
    put("refragment-first", 0, 10, ipv4("10.0.0.1", "10.0.0.2", 17,
                                        bytes(400), frag=0x2000))
    put("refragment-middle", 0, 10, ipv4("10.0.0.1", "10.0.0.2", 17,
                                         bytes(400), frag=0x2010))
    put("refragment-last", 0, 10, ipv4("10.0.0.1", "10.0.0.2", 17,
                                       bytes(400), frag=0x0020))
    put("bad-checksum", 0, 10, ipv4("10.0.0.1", "10.0.0.2", 17, bytes(400),
                                    good=False))
    put("repaired", 0x07, 10, ipv4("10.0.0.1", "10.0.0.2", 17, big,
                                   total=1, good=False))
    put("bad-version", 0, 10, b"\x65" + ipv4("10.0.0.1", "10.0.0.2", 17,
                                             bytes(40))[1:])
    put("bad-ihl", 0x02, 10, b"\x44" + ipv4("10.0.0.1", "10.0.0.2", 17,
                                            bytes(40))[1:])
    put("truncated", 0, 10, ipv4("10.0.0.1", "10.0.0.2", 17, bytes(40))[:15])
    put("padded", 0, 200, ipv4("10.0.0.1", "10.0.0.2", 17, bytes(10)) +
        bytes(30))
    # A fragment whose data reaches past 65535 bytes: cutting it up again
    # used to wrap the offsets around to the datagram's start.
    seed("fuzz_ipv4", "regress-offset-wraps",
         bytes([0, 10]) + ipv4("10.0.0.1", "10.0.0.2", 17, bytes(400),
                               frag=0x1FF0))


# Addresses of the routerd input target (see fuzz_router_input.c).
R_MAC0, R_MAC1 = mac("02:00:00:00:00:01"), mac("02:00:00:00:00:02")
HA, HA_MAC = "10.0.1.10", mac("02:00:00:00:01:0a")
NH, NH_MAC = "10.0.2.2", mac("02:00:00:00:02:02")
HB, HB_MAC = "10.0.2.20", mac("02:00:00:00:02:14")


def gen_router_input():
    t = "fuzz_router_input"

    def on0(frame, ctl=0):
        return record(ctl & ~1, frame)

    def on1(frame, ctl=0):
        return record(ctl | 1, frame)

    def from_ha(dg, ctl=0):
        return on0(eth(R_MAC0, HA_MAC, 0x0800, dg), ctl)

    # hA and the next hop announce themselves first, so that answers and
    # forwarded packets leave at once.
    hello = (on0(eth(BCAST, HA_MAC, 0x0806, arp(1, HA_MAC, HA, bytes(6),
                                                 "10.0.1.1"))) +
             on1(eth(BCAST, NH_MAC, 0x0806, arp(1, NH_MAC, NH, bytes(6),
                                                 "10.0.2.1"))))
    ping_r = ipv4(HA, "10.0.1.1", 1, echo(1, 1))
    seed(t, "seed-arp-request", hello)
    seed(t, "seed-arp-reply-resolves",
         hello + from_ha(ipv4(HA, HB, 1, echo(1, 1))) +
         on1(eth(R_MAC1, HB_MAC, 0x0806, arp(2, HB_MAC, HB, R_MAC1,
                                              "10.0.2.1"))))
    seed(t, "seed-arp-resolve-fails-host-unreachable",
         hello + from_ha(ipv4(HA, HB, 1, echo(1, 1)), 0x10) +
         on0(b"", 0x10) * 4)
    seed(t, "seed-echo-to-router", hello + from_ha(ping_r))
    seed(t, "seed-echo-to-other-address",
         hello + from_ha(ipv4(HA, "10.0.2.1", 1, echo(1, 2))))
    seed(t, "seed-echo-options",
         hello + from_ha(ipv4(HA, "10.0.1.1", 1, echo(1, 3),
                              options=b"\x01\x01\x01\x00")))
    seed(t, "seed-echo-unknown-sender", from_ha(ping_r))
    seed(t, "seed-forward-via-gateway",
         hello + from_ha(ipv4(HA, "10.3.1.1", 17, udp(HA, "10.3.1.1", 1000,
                                                         53, b"query"))))
    seed(t, "seed-forward-connected",
         hello + from_ha(ipv4(HA, NH, 17, udp(HA, NH, 1000, 53, b"q"))))
    seed(t, "seed-ttl-1-time-exceeded",
         hello + from_ha(ipv4(HA, "10.3.1.1", 17, udp(HA, "10.3.1.1", 1000,
                                                         33434, bytes(32)),
                              ttl=1)))
    seed(t, "seed-no-route",
         hello + from_ha(ipv4(HA, "192.0.2.1", 1, echo(1, 4))))
    seed(t, "seed-df-too-big-frag-needed",
         hello + from_ha(ipv4(HA, "10.3.1.1", 17, udp(HA, "10.3.1.1", 1, 2,
                                                         bytes(1000)),
                              frag=0x4000)))
    seed(t, "seed-fragmented-on-the-way",
         hello + from_ha(ipv4(HA, "10.3.1.1", 17, udp(HA, "10.3.1.1", 1, 2,
                                                         bytes(1400)))))
    frags = fragments(ipv4(HA, "10.0.1.1", 1, echo(1, 5, bytes(300)),
                           ident=77), [104, 104])
    seed(t, "seed-fragments-in-order",
         hello + b"".join(from_ha(f) for f in frags))
    seed(t, "seed-fragments-reversed",
         hello + b"".join(from_ha(f) for f in reversed(frags)))
    seed(t, "seed-fragments-overlap",
         hello + from_ha(frags[0]) +
         from_ha(fragments(ipv4(HA, "10.0.1.1", 1, echo(1, 5, bytes(300)),
                                ident=77), [96, 104])[1]) +
         from_ha(frags[1]) + from_ha(frags[2]))
    seed(t, "seed-fragments-incomplete-timeout",
         hello + from_ha(frags[0], 0xF0) + from_ha(frags[2], 0xF0) +
         on0(b"", 0xF0))
    seed(t, "seed-udp-to-router-port-unreachable",
         hello + from_ha(ipv4(HA, "10.0.1.1", 17, udp(HA, "10.0.1.1", 1000,
                                                         33434, bytes(32)))))
    seed(t, "seed-tcp-to-router",
         hello + from_ha(ipv4(HA, "10.0.1.1", 6, bytes(20))))
    seed(t, "seed-unknown-protocol",
         hello + from_ha(ipv4(HA, "10.0.1.1", 99, bytes(8))))
    quoted = ipv4("10.0.1.1", HA, 1, echo(9, 1))[:28]
    seed(t, "seed-icmp-error-to-router",
         hello + from_ha(ipv4(HA, "10.0.1.1", 1, icmp_error(3, 1, quoted))))
    seed(t, "seed-echo-reply-to-router",
         hello + from_ha(ipv4(HA, "10.0.1.1", 1, echo(9, 1, reply=True))))
    seed(t, "seed-bad-icmp",
         hello + from_ha(ipv4(HA, "10.0.1.1", 1, b"\x08\x00\x00\x00")))
    seed(t, "seed-no-error-about-error",
         hello + from_ha(ipv4(HA, "10.3.1.1", 1, icmp_error(3, 3, quoted),
                              ttl=1)))
    seed(t, "seed-rate-limit",
         hello + from_ha(ipv4(HA, "10.3.1.1", 17, bytes(8), ttl=1)) * 60)
    seed(t, "seed-drops",
         from_ha(ipv4("127.0.0.1", "10.3.1.1", 1, echo(1, 1))) +
         from_ha(ipv4("10.0.1.255", "10.3.1.1", 1, echo(1, 1))) +
         from_ha(ipv4(HA, "224.0.0.5", 1, echo(1, 1))) +
         from_ha(ipv4(HA, "10.0.1.255", 1, echo(1, 1))) +
         from_ha(ipv4(HA, "255.255.255.255", 1, echo(1, 1))) +
         from_ha(ipv4(HA, "0.1.2.3", 1, echo(1, 1))) +
         on0(eth(BCAST, HA_MAC, 0x0800, ipv4(HA, "10.3.1.1", 1,
                                            echo(1, 1)))) +
         on0(eth(R_MAC0, HA_MAC, 0x0800, ipv4(HA, "10.3.1.1", 1,
                                             echo(1, 1)), vlan=3)) +
         on0(eth(mac("02:00:00:00:00:99"), HA_MAC, 0x0800,
                 ipv4(HA, "10.3.1.1", 1, echo(1, 1)))) +
         on0(eth(R_MAC0, HA_MAC, 0x86DD, bytes(40))) +
         on0(R_MAC0 + HA_MAC + struct.pack("!H", 46) + bytes(46)) +
         on0(R_MAC0 + HA_MAC[:3]) +
         on0(eth(R_MAC0, HA_MAC, 0x0800, bytes(1600))) +
         from_ha(ipv4(HA, "10.3.1.1", 1, echo(1, 1), good=False)) +
         from_ha(b"\x65" + ipv4(HA, "10.3.1.1", 1, echo(1, 1))[1:]) +
         from_ha(b"\x44" + ipv4(HA, "10.3.1.1", 1, echo(1, 1))[1:]) +
         from_ha(ipv4(HA, "10.3.1.1", 1, echo(1, 1), total=10)) +
         from_ha(ipv4(HA, "10.3.1.1", 1, echo(1, 1), total=1000)))
    seed(t, "regress-forward-fragment-offset-wraps",
         hello + from_ha(ipv4(HA, "10.3.1.1", 17, bytes(1000),
                              frag=0x2000 | 0x1F00)))
    # The repair bits (1-3) mend a datagram that mutation broke.
    seed(t, "seed-repaired",
         hello + from_ha(ipv4(HA, "10.0.1.1", 1, b"\x08\x00\x00\x00" +
                              bytes(40), total=3, good=False), 0x0E))
    # Fifteen seconds toggle tracing: every frame, then filtered; a
    # datagram that waits for ARP, one forwarded, TTL expired, a ping.
    seed(t, "seed-traced",
         on0(b"", 0xF0) + hello +
         from_ha(ipv4(HA, HB, 1, echo(1, 1))) +
         on1(eth(R_MAC1, HB_MAC, 0x0806, arp(2, HB_MAC, HB, R_MAC1,
                                              "10.0.2.1"))) +
         from_ha(ipv4(HA, HB, 1, echo(1, 2))) +
         from_ha(ipv4(HA, HB, 1, echo(1, 3), ttl=1)) +
         from_ha(ping_r) + on1(b"", 0xF0) + on1(b"", 0xF0) +
         from_ha(ipv4(HA, "10.3.1.1", 1, echo(1, 4))) +
         on0(eth(R_MAC0, HA_MAC, 0x86DD, bytes(40))))
    seed(t, "seed-traced-never-sent",
         on0(b"", 0xF0) + hello +
         from_ha(ipv4(HA, "10.0.2.99", 1, echo(1, 1)), 0x10) +
         on0(b"", 0x10) * 4)


# Addresses of the hostd input target (see fuzz_host_input.c).
H_MAC0, H_MAC1 = mac("02:00:00:00:00:01"), mac("02:00:00:00:00:02")
H = "10.0.0.1"
P, P_MAC = "10.0.0.2", mac("02:00:00:00:00:aa")
GW, GW_MAC = "10.0.0.254", mac("02:00:00:00:00:fe")


def gen_host_input():
    t = "fuzz_host_input"

    def on0(frame, ctl=0):
        return record(ctl & ~1, frame)

    def from_p(dg, ctl=0, src_mac=P_MAC):
        return on0(eth(H_MAC0, src_mac, 0x0800, dg), ctl)

    hello = (on0(eth(BCAST, P_MAC, 0x0806, arp(1, P_MAC, P, bytes(6), H))) +
             on0(eth(BCAST, GW_MAC, 0x0806, arp(1, GW_MAC, GW, bytes(6), H))))
    quote7 = ipv4(H, P, 17, udp(H, P, 7, 9, b"x"))[:28]
    quote5000 = ipv4(H, P, 17, udp(H, P, 5000, 53, b"x"))[:28]
    seed(t, "seed-arp-request", hello)
    seed(t, "seed-arp-reply",
         on0(eth(H_MAC0, P_MAC, 0x0806, arp(2, P_MAC, P, H_MAC0, H))))
    seed(t, "seed-arp-request-on-eth1",
         record(1, eth(BCAST, P_MAC, 0x0806, arp(1, P_MAC, "10.0.1.2",
                                                  bytes(6), "10.0.1.1"))))
    seed(t, "seed-echo", hello + from_p(ipv4(P, H, 1, echo(3, 1))))
    seed(t, "seed-echo-on-eth1",
         record(1, eth(H_MAC1, P_MAC, 0x0800, ipv4("10.0.1.2", "10.0.1.1", 1,
                                                   echo(3, 1)))))
    seed(t, "seed-echo-from-afar",
         hello + from_p(ipv4("192.0.2.5", H, 1, echo(3, 2)),
                        src_mac=GW_MAC))
    seed(t, "seed-echo-unresolved-neighbour",
         from_p(ipv4(P, H, 1, echo(3, 3)), 0x10) + on0(b"", 0x10) * 4)
    seed(t, "seed-echo-to-broadcast",
         on0(eth(BCAST, P_MAC, 0x0800, ipv4(P, "10.0.0.255", 1, echo(3, 4)))))
    seed(t, "seed-echo-reply", hello + from_p(ipv4(P, H, 1, echo(3, 4,
                                                               reply=True))))
    seed(t, "seed-icmp-unknown-type",
         from_p(ipv4(P, H, 1, icmp(13, 0, bytes(4), bytes(12)))))
    seed(t, "seed-icmp-bad",
         from_p(ipv4(P, H, 1, b"\x08\x00\x00\x00" + bytes(8))) +
         from_p(ipv4(P, H, 1, b"\x08\x00")))
    seed(t, "seed-udp-to-socket",
         hello + from_p(ipv4(P, H, 17, udp(P, H, 1000, 7, b"hello\n"))))
    seed(t, "seed-udp-connected",
         hello + from_p(ipv4(P, H, 17, udp(P, H, 53, 5000, b"answer"))))
    seed(t, "seed-udp-no-checksum",
         hello + from_p(ipv4(P, H, 17, udp(P, H, 1000, 7, b"x",
                                           check=False))))
    seed(t, "seed-udp-port-unreachable",
         hello + from_p(ipv4(P, H, 17, udp(P, H, 1000, 9, b"x"))))
    seed(t, "seed-udp-to-broadcast",
         on0(eth(BCAST, P_MAC, 0x0800, ipv4(P, "10.0.0.255", 17,
                                            udp(P, "10.0.0.255", 1, 9,
                                                b"x")))))
    bad = bytearray(udp(P, H, 1000, 7, b"hello"))
    bad[7] ^= 0xFF
    seed(t, "seed-udp-bad",
         from_p(ipv4(P, H, 17, bytes(bad))) +
         from_p(ipv4(P, H, 17, udp(P, H, 1000, 7, b"hello")[:4] +
                     b"\x00\x40\x00\x00" + b"hello")) +
         from_p(ipv4(P, H, 17, b"\x00\x01")))
    seed(t, "seed-icmp-error-to-socket",
         from_p(ipv4(P, H, 1, icmp_error(3, 3, quote7))) +
         from_p(ipv4(P, H, 1, icmp_error(11, 0, quote5000))) +
         from_p(ipv4(P, H, 1, icmp_error(3, 4, quote7, 1400))))
    seed(t, "seed-icmp-error-unmatched",
         from_p(ipv4(P, H, 1, icmp_error(3, 3, ipv4(
             H, P, 17, udp(H, P, 4444, 9, b"x"))[:28]))) +
         from_p(ipv4(P, H, 1, icmp_error(3, 1, ipv4(
             H, P, 1, echo(5, 1))[:28]))) +
         from_p(ipv4(P, H, 1, icmp_error(3, 3, ipv4(
             P, H, 17, udp(P, H, 1, 7, b"x"))[:28]))) +
         from_p(ipv4(P, H, 1, icmp_error(3, 3, b"\x45\x00"))) +
         from_p(ipv4(P, H, 1, icmp_error(4, 0, quote7))))
    dg = ipv4(P, H, 17, udp(P, H, 1000, 7, bytes(range(200)) * 2), ident=9)
    frags = fragments(dg, [160, 160])
    seed(t, "seed-fragments-in-order",
         hello + b"".join(from_p(f) for f in frags))
    seed(t, "seed-fragments-out-of-order",
         hello + from_p(frags[1]) + from_p(frags[2]) + from_p(frags[0]))
    seed(t, "seed-fragments-overlap",
         hello + from_p(frags[0]) +
         from_p(fragments(dg, [152, 160])[1]) + from_p(frags[1]) +
         from_p(frags[2]))
    seed(t, "seed-fragments-timeout",
         hello + from_p(frags[0], 0xF0) + from_p(frags[1], 0xF0) +
         on0(b"", 0xF0))
    seed(t, "seed-unknown-protocol",
         hello + from_p(ipv4(P, H, 99, bytes(8))) +
         from_p(ipv4(P, H, 6, bytes(20))))
    seed(t, "seed-drops",
         from_p(ipv4(P, "10.0.0.99", 1, echo(1, 1))) +
         from_p(ipv4("127.0.0.1", H, 1, echo(1, 1))) +
         from_p(ipv4("10.0.0.255", H, 1, echo(1, 1))) +
         on0(eth(H_MAC0, P_MAC, 0x0800, ipv4(P, H, 1, echo(1, 1)), vlan=2)) +
         on0(eth(mac("01:00:5e:00:00:01"), P_MAC, 0x0800,
                 ipv4(P, H, 1, echo(1, 1)))) +
         on0(eth(mac("02:00:00:00:00:99"), P_MAC, 0x0800,
                 ipv4(P, H, 1, echo(1, 1)))) +
         on0(eth(H_MAC0, P_MAC, 0x86DD, bytes(40))) +
         on0(H_MAC0 + P_MAC + struct.pack("!H", 46) + bytes(46)) +
         on0(H_MAC0 + P_MAC[:2]) +
         from_p(ipv4(P, H, 1, echo(1, 1), good=False)) +
         from_p(b"\x65" + ipv4(P, H, 1, echo(1, 1))[1:]) +
         from_p(b"\x43" + ipv4(P, H, 1, echo(1, 1))[1:]) +
         from_p(ipv4(P, H, 1, echo(1, 1), total=12)) +
         from_p(ipv4(P, H, 1, echo(1, 1), total=900)))
    seed(t, "seed-repaired",
         hello + from_p(ipv4(P, H, 17, udp(P, H, 1000, 7, b"mended")[:4] +
                             bytes(4) + b"mended", total=2, good=False),
                        0x0E))
    # TCP: the listener on port 80 answers a SYN and retransmits its
    # SYN-ACK as time passes; other ports and stray segments get resets.
    syn = tcp(P, H, 40000, 80, 1000, 0, SYN,
              opts=tcp_options(1460, 7, True, (1, 0)))
    seed(t, "seed-tcp-syn-to-listener",
         hello + from_p(ipv4(P, H, 6, syn)) + on0(b"", 0x10) +
         on0(b"", 0x20) + from_p(ipv4(P, H, 6, syn)) +
         from_p(ipv4(P, H, 6, tcp(P, H, 40000, 80, 1001, 5, ACK))) +
         from_p(ipv4(P, H, 6, tcp(P, H, 40000, 80, 1001, 0, RST))) +
         on0(b"", 0xF0) * 5)
    seed(t, "seed-tcp-resets",
         hello + from_p(ipv4(P, H, 6, tcp(P, H, 40000, 81, 1000, 0, SYN))) +
         from_p(ipv4(P, H, 6, tcp(P, H, 40000, 81, 1000, 7, ACK,
                                  data=b"data"))) +
         from_p(ipv4(P, H, 6, tcp(P, H, 40000, 81, 1000, 0, FIN,
                                  data=b"data"))) +
         from_p(ipv4(P, H, 6, tcp(P, H, 40000, 81, 1000, 0, RST))) +
         from_p(ipv4(P, H, 6, tcp(P, H, 40000, 80, 1000, 7, ACK))) +
         from_p(ipv4(P, H, 6, tcp(P, H, 40000, 80, 1000, 0, FIN))))
    seed(t, "seed-tcp-bad",
         hello + from_p(ipv4(P, H, 6, tcp(P, H, 1, 80, 1, 0, SYN,
                                          good=False))) +
         from_p(ipv4(P, H, 6, tcp(P, H, 1, 80, 1, 0, SYN)[:12])) +
         from_p(ipv4(P, H, 6, tcp(P, H, 1, 80, 1, 0, SYN, off=3))) +
         from_p(ipv4(P, H, 6, tcp(P, H, 1, 80, 1, 0, SYN,
                                  opts=b"\x02\x03\x05\x00"))) +
         on0(eth(BCAST, P_MAC, 0x0800, ipv4(P, "10.0.0.255", 6, tcp(
             P, "10.0.0.255", 1, 80, 1, 0, SYN)))) +
         from_p(ipv4(P, "224.0.0.1", 6, tcp(P, "224.0.0.1", 1, 80, 1, 0,
                                            SYN))))
    seed(t, "seed-tcp-repaired",
         hello + from_p(ipv4(P, H, 6, tcp(P, H, 40001, 80, 1, 0, SYN,
                                          good=False), total=7,
                             good=False), 0x0E))
    # Fifteen seconds toggle tracing: TCP to the listener and to a closed
    # port, UDP to a socket and to none, a ping, a stranger's frame.
    seed(t, "seed-traced",
         on0(b"", 0xF0) + hello +
         from_p(ipv4(P, H, 6, tcp(P, H, 40002, 80, 1, 0, SYN))) +
         from_p(ipv4(P, H, 6, tcp(P, H, 40003, 81, 1, 0, SYN))) +
         from_p(ipv4(P, H, 17, udp(P, H, 1000, 7, b"hi"))) +
         from_p(ipv4(P, H, 17, udp(P, H, 1000, 9, b"hi"))) +
         from_p(ipv4(P, H, 1, echo(1, 1))) +
         on0(eth(mac("02:00:00:00:00:99"), P_MAC, 0x0800,
                 ipv4(P, H, 1, echo(1, 2)))) +
         from_p(ipv4(P, "10.9.9.9", 17, udp(P, "10.9.9.9", 1, 2, b"x"))) +
         record(0xF1, b"") + record(0xF1, b"") +
         from_p(ipv4(P, H, 1, echo(1, 3))))



# --- TCP --------------------------------------------------------------------

FIN, SYN, RST, PSH, ACK, URG = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20


def tcp_options(mss=None, ws=None, sack_ok=False, ts=None, sack=()):
    """TCP options as Linux lays them out, padded to 4 bytes."""
    o = b""
    if mss is not None:
        o += struct.pack("!BBH", 2, 4, mss)
    if sack_ok and ts:
        o += b"\x04\x02"
    elif sack_ok:
        o += b"\x01\x01\x04\x02"
    elif ts:
        o += b"\x01\x01"
    if ts:
        o += struct.pack("!BBII", 8, 10, ts[0], ts[1])
    if ws is not None:
        o += b"\x01\x03\x03" + bytes([ws])
    if sack:
        o += b"\x01\x01\x05" + bytes([2 + 8 * len(sack)])
        for a, b in sack:
            o += struct.pack("!II", a, b)
    return o + b"\x00" * (-len(o) % 4)


def tcp(src, dst, sport, dport, seq, ack, flags, win=65535, opts=b"",
        data=b"", good=True, off=None):
    """A TCP segment with its checksum over the pseudo-header."""
    words = off if off is not None else (20 + len(opts)) // 4
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, words << 4,
                      flags, win, 0, 0) + opts
    pseudo = ip(src) + ip(dst) + struct.pack("!BBH", 0, 6,
                                             len(hdr) + len(data))
    check = csum(pseudo + hdr + data) if good else 0x1234
    return hdr[:16] + struct.pack("!H", check) + hdr[18:] + data


def gen_tcp_seg():
    t = "fuzz_tcp_seg"
    A, B = "10.0.0.2", "10.0.0.1"

    def put(name, seg, ctl=0, total=None, good=True):
        seed(t, "seed-" + name, bytes([ctl]) + ipv4(A, B, 6, seg,
                                                    total=total, good=good))

    def s(flags, opts=b"", data=b"", **kw):
        return tcp(A, B, 40000, 80, 1000, 2000, flags, opts=opts, data=data,
                   **kw)

    put("syn-all-options", s(SYN, tcp_options(1460, 7, True, (1, 0))))
    put("syn-ack", s(SYN | ACK, tcp_options(1460, 9, True, (5, 1))))
    put("syn-mss-only", s(SYN, tcp_options(536)))
    put("syn-ws-too-big", s(SYN, tcp_options(ws=15)))
    put("syn-sack-ok-alone", s(SYN, tcp_options(sack_ok=True)))
    put("syn-with-sack-blocks",
        s(SYN, tcp_options(1460, sack=[(1, 2), (3, 4), (5, 6), (7, 8)])))
    put("ack-timestamps", s(ACK, tcp_options(ts=(7, 8))))
    put("ack-sack-3", s(ACK, tcp_options(ts=(7, 8), sack=[
        (3000, 4000), (5000, 6000), (7000, 8000)])))
    put("ack-sack-4", s(ACK, tcp_options(sack=[
        (3000, 4000), (5000, 6000), (7000, 8000), (9000, 9500)])))
    put("sack-longer-than-options", s(ACK, b"\x05\x2a" + bytes(38)))
    put("mss-on-ack-ignored", s(ACK, tcp_options(1460, 7, True)))
    put("data", s(PSH | ACK, data=bytes(range(256)) * 4))
    put("fin-rst-urg", s(FIN | RST | URG | ACK | 0xC0, data=b"x"))
    put("nop-eol-unknown", s(ACK, b"\x01\x01\x1e\x04\xab\xcd\x00\x07"))
    put("eol-then-garbage", s(SYN, b"\x00\x02\x01\x05"))
    put("option-past-end", s(SYN, b"\x01\x01\x02\x08"))
    put("option-length-1", s(SYN, b"\x1e\x01\x00\x00"))
    put("kind-alone-at-end", s(SYN, b"\x01\x01\x01\x08"))
    put("mss-bad-length", s(SYN, b"\x02\x03\x05\x00"))
    put("ws-bad-length", s(SYN, b"\x03\x04\x07\x00"))
    put("sack-ok-bad-length", s(SYN, b"\x04\x03\x00\x00"))
    put("ts-bad-length", s(ACK, b"\x08\x08" + bytes(6)))
    put("sack-bad-length", s(ACK, b"\x05\x09" + bytes(10)))
    put("sack-too-short", s(ACK, b"\x05\x02\x00\x00"))
    put("max-options", s(SYN, b"\x01" * 40))
    put("offset-too-small", s(ACK, off=4))
    put("offset-past-end", s(ACK, off=15))
    put("bad-checksum", s(ACK, good=False))
    put("truncated", s(ACK)[:12])
    # Broken on purpose: the repair bits mend them.
    put("repair-checksum", s(ACK, tcp_options(ts=(1, 2)), good=False),
        ctl=0x04)
    put("repair-all", s(SYN, tcp_options(1460, 7), good=False), ctl=0x07,
        total=3, good=False)


# The conn target's records (see fuzz_tcp_conn.c).
T_SEG, T_RAW, T_SEND, T_RESERVE, T_RECV, T_PEEK, T_SHUTDOWN, T_CLOSE, \
    T_ABORT, T_ACCEPT, T_CONNECT, T_LISTEN, T_TIME, T_ICMP, T_SET, \
    T_DUPACK = range(16)
O_MSS, O_WS, O_SACK_OK, O_TS, O_OLD_TS, O_SACK, O_UNKNOWN, O_BAD = (
    1 << i for i in range(8))
OWN_READ, OWN_ECHO, OWN_ACCEPT, OWN_CLOSE, OWN_REFILL = (
    1 << i for i in range(5))
# what seq and ack count from
SEQ_NXT, SEQ_ADV, SEQ_IRS, SEQ_ISS = range(4)
ACK_UNA, ACK_MAX, ACK_NXT, ACK_ISS = range(4)


def t_settings(rcv=0, snd=0, mtu=0, reno=False, nodelay=False, own=0,
               backlog=4):
    return bytes([rcv | snd << 2 | mtu << 4 | reno << 6 | nodelay << 7,
                  own | (backlog - 1) << 5])


def t_seg(conn, flags, seq=0, ack=0, win=65535, length=0, seq_from=SEQ_NXT,
          ack_from=ACK_MAX, win_now=False, opts=0, val=0, mask=0, pport=0):
    """A segment from the peer to the conn-th connection (oldest first).
    Towards a listener, pport picks the peer's port: 40000 + pport."""
    if pport:
        mask = pport & 0xFF
    base = ack_from | seq_from << 2 | win_now << 4 | (pport >> 8) << 5
    return bytes([T_SEG | conn << 4, flags, base]) + struct.pack(
        "!hhHH", seq, ack, win, length) + bytes([opts, val, mask])


def t_syn_opts(ws=7):
    """MSS 1460, window scale, SACK permitted and timestamps."""
    return dict(opts=O_MSS | O_WS | O_SACK_OK | O_TS, val=ws << 3)


def t_op(op, target=0, *args):
    return bytes([op | target << 4]) + bytes(args)


def t_n(op, slot, n):
    return bytes([op | slot << 4]) + struct.pack("!H", n)


def t_time(secs):
    """The TIME record whose wait is the first at least secs long."""
    for b in range(256):
        if 0.001 * 200000 ** (b / 255) >= secs:
            return t_op(T_TIME, 0, b)
    return t_op(T_TIME, 0, 255)


def t_icmp(conn, kind, mtu=0, seq=0):
    return bytes([T_ICMP | conn << 4, kind]) + struct.pack("!Hh", mtu, seq)


def gen_tcp_conn():
    t = "fuzz_tcp_conn"
    # The connection (conn and slot 1) gets its SYN-ACK; the peer then
    # acknowledges all we send.
    est = t_seg(1, SYN | ACK, ack=1, ack_from=ACK_UNA, **t_syn_opts())
    est_plain = t_seg(1, SYN | ACK, ack=1, ack_from=ACK_UNA, opts=O_MSS)
    ack_all = t_seg(1, ACK, opts=O_TS)
    # A peer at port 40001 opens a connection to the listener: conn 2,
    # slot 2 once accepted.
    syn_in = t_seg(0, SYN, **t_syn_opts(), pport=1)
    passive = (syn_in + t_seg(2, ACK, ack=1, ack_from=ACK_UNA, opts=O_TS) +
               t_op(T_ACCEPT, 0))
    mss = 1448  # 1460 less the timestamp option

    def put(name, data, **kw):
        seed(t, "seed-" + name, t_settings(**kw) + data)

    put("nothing", b"")
    put("syn-unanswered", t_time(200) * 3)
    put("handshake", est + t_time(1))
    put("handshake-plain", est_plain + t_time(1))
    put("handshake-passive", passive + t_time(1))
    put("handshake-passive-no-options",
        t_seg(0, SYN, pport=2) + t_seg(2, ACK, ack=1, ack_from=ACK_UNA) +
        t_op(T_ACCEPT, 0) + t_n(T_SEND, 2, 3000) + t_seg(2, ACK))
    put("handshake-passive-auto-accept", passive[:-1], own=OWN_ACCEPT)
    put("synack-lost-retransmitted",
        syn_in + t_time(1.1) + t_time(2.1) + syn_in +
        t_seg(2, ACK, ack=1, ack_from=ACK_UNA, opts=O_TS) + t_time(200))
    put("syn-received-times-out", syn_in + t_time(200) + t_time(200))
    put("simultaneous-open",
        t_seg(1, SYN, **t_syn_opts()) + t_seg(1, SYN | ACK, ack=1,
                                              ack_from=ACK_UNA,
                                              **t_syn_opts()) +
        t_seg(1, ACK, ack=1, ack_from=ACK_UNA, opts=O_TS) + t_time(1))
    put("data-both-ways",
        est + t_n(T_SEND, 1, 3000) + ack_all +
        t_seg(1, PSH | ACK, length=1000, opts=O_TS) + t_time(0.05) +
        t_n(T_RECV, 1, 600) + t_n(T_PEEK, 1, 100) + t_n(T_PEEK, 1, 5000) +
        t_n(T_RESERVE, 1, 2000) + ack_all + t_time(1))
    put("data-passive-echo",
        passive + t_seg(2, PSH | ACK, length=2000, opts=O_TS) +
        t_seg(2, ACK, opts=O_TS) + t_time(1),
        own=OWN_READ | OWN_ECHO | OWN_REFILL)
    put("delayed-ack-and-nagle",
        est_plain + t_seg(1, PSH | ACK, length=100) + t_time(0.05) +
        t_n(T_SEND, 1, 10) + t_n(T_SEND, 1, 10) + t_seg(1, ACK) +
        t_n(T_SEND, 1, 10) + t_op(T_SET, 1, 6) + t_n(T_SEND, 1, 10) +
        t_seg(1, ACK) + t_time(1))
    put("nodelay", est_plain + t_n(T_SEND, 1, 10) + t_n(T_SEND, 1, 10) +
        ack_all, nodelay=True)
    put("bulk-send-slow-start",
        est + t_n(T_SEND, 1, 60000) + t_n(T_SEND, 1, 60000) +
        (ack_all + t_time(0.01)) * 12 + t_time(1), snd=1)
    # Loss: ten segments leave; the peer SACKs the second to the fifth.
    sack_loss = (est + t_n(T_SEND, 1, 10 * mss) +
                 t_op(T_DUPACK, 1, 2, 0x1E))
    put("sack-loss-recovery",
        sack_loss + t_seg(1, ACK, ack=mss, ack_from=ACK_UNA, opts=O_TS |
                          O_SACK, mask=0x1E) + ack_all + t_time(1))
    put("sack-loss-recovery-reno", sack_loss + ack_all, reno=True)
    put("sack-scoreboard",
        est + t_n(T_SEND, 1, 10 * mss) +
        t_seg(1, ACK, ack_from=ACK_UNA, win_now=True, opts=O_TS | O_SACK,
              mask=0x04) +
        t_seg(1, ACK, ack_from=ACK_UNA, win_now=True, opts=O_TS | O_SACK,
              mask=0x14) +
        t_seg(1, ACK, ack_from=ACK_UNA, win_now=True, opts=O_TS | O_SACK,
              mask=0x54) +
        t_seg(1, ACK, ack_from=ACK_UNA, win_now=True, opts=O_TS | O_SACK,
              mask=0xFE) + t_seg(1, ACK, ack_from=ACK_UNA, opts=O_TS |
                                  O_SACK, mask=0) + ack_all)
    reno_est = est_plain + t_n(T_SEND, 1, 10 * 1460)
    put("reno-fast-retransmit-partial-ack",
        reno_est + t_op(T_DUPACK, 1, 3, 0) +
        t_seg(1, ACK, ack=1460, ack_from=ACK_UNA, win_now=True) +
        t_op(T_DUPACK, 1, 1, 0) +
        t_seg(1, ACK, ack=2920, ack_from=ACK_UNA, win_now=True) + ack_all +
        t_n(T_SEND, 1, 30000) + (t_seg(1, ACK) + t_time(0.02)) * 6,
        reno=True, snd=1)
    put("cubic-after-loss",
        reno_est + t_op(T_DUPACK, 1, 3, 0) + ack_all +
        (t_n(T_SEND, 1, 20000) + t_time(0.05) + t_seg(1, ACK)) * 8,
        snd=1)
    put("rto-backoff",
        est + t_n(T_SEND, 1, 5000) + t_time(1.1) + t_time(2.1) +
        t_time(4.1) + t_seg(1, ACK, ack=mss, ack_from=ACK_UNA,
                            opts=O_TS) + ack_all + t_time(1))
    put("data-retries-give-up",
        est_plain + t_n(T_SEND, 1, 100) + t_time(200) * 12)
    put("out-of-order-receive",
        est + t_seg(1, ACK, seq=2000, length=1000, opts=O_TS) +
        t_seg(1, ACK, seq=4000, length=500, opts=O_TS) +
        t_seg(1, ACK, seq=1000, length=1000, opts=O_TS) +
        t_seg(1, ACK, length=1000, opts=O_TS) +
        t_seg(1, ACK, seq=-500, length=1500, opts=O_TS) +
        t_n(T_RECV, 1, 10000) + t_seg(1, ACK, length=3000, opts=O_TS) +
        t_n(T_RECV, 1, 10000))
    put("out-of-order-many-holes",
        est + b"".join(t_seg(1, ACK, seq=200 * i, length=100, opts=O_TS)
                       for i in range(1, 40)) +
        t_seg(1, ACK, length=8000, opts=O_TS) + t_n(T_RECV, 1, 10000))
    put("fin-we-close-first",
        est + t_n(T_SEND, 1, 100) + t_op(T_SHUTDOWN, 1) + ack_all +
        t_seg(1, FIN | ACK, opts=O_TS) + t_time(30) + t_time(31))
    put("fin-peer-closes-first",
        est + t_seg(1, FIN | ACK, length=10, opts=O_TS) +
        t_n(T_RECV, 1, 100) + t_op(T_SHUTDOWN, 1) + ack_all)
    put("fin-simultaneous",
        est + t_op(T_SHUTDOWN, 1) +
        t_seg(1, FIN | ACK, ack_from=ACK_UNA, opts=O_TS) + ack_all +
        t_time(61))
    put("fin-out-of-order",
        est + t_seg(1, FIN | ACK, seq=1000, length=100, opts=O_TS) +
        t_seg(1, ACK, length=1000, opts=O_TS) + t_n(T_RECV, 1, 5000))
    put("fin-passive-close-orphan",
        passive + t_op(T_CLOSE, 2) + t_seg(2, ACK, opts=O_TS) +
        t_time(61))
    put("close-with-unread-data-resets",
        passive + t_seg(2, ACK, length=100, opts=O_TS) + t_op(T_CLOSE, 2))
    put("orphan-gets-data-resets",
        passive + t_op(T_CLOSE, 2) + t_seg(2, ACK, length=100, opts=O_TS))
    put("time-wait-fin-again-and-reuse",
        est + t_op(T_SHUTDOWN, 1) + ack_all +
        t_seg(1, FIN | ACK, opts=O_TS) +
        t_seg(1, FIN | ACK, seq=-1, opts=O_TS) +
        t_seg(1, FIN | ACK, opts=O_TS) +
        t_seg(1, SYN, seq=5000, opts=O_MSS) + t_time(1))
    put("time-wait-reuse-passive",
        passive + t_op(T_SHUTDOWN, 2) + t_seg(2, ACK, opts=O_TS) +
        t_seg(2, FIN | ACK, opts=O_TS) +
        t_seg(2, SYN, seq=30000, opts=O_MSS) +
        t_seg(2, ACK, ack=1, ack_from=ACK_UNA) + t_time(61))
    put("rst-in-window",
        est + t_seg(1, RST, seq=100) + t_seg(1, RST | ACK) + t_time(1))
    put("rst-refused", t_seg(1, RST | ACK, ack=1, ack_from=ACK_UNA))
    put("rst-bad-ack-in-syn-sent",
        t_seg(1, ACK, ack=5, ack_from=ACK_UNA) +
        t_seg(1, RST, ack=1, ack_from=ACK_UNA) +
        t_seg(1, SYN | ACK, ack=-5, ack_from=ACK_UNA))
    put("rst-passive",
        passive + t_seg(2, RST, ack_from=ACK_UNA) + syn_in +
        t_seg(2, RST))
    put("abort", est + t_n(T_SEND, 1, 100) + t_op(T_ABORT, 1) +
        passive + t_op(T_ABORT, 0))
    put("challenge-acks",
        est + t_seg(1, SYN) + t_seg(1, SYN, seq=5) +
        t_seg(1, ACK, ack=-0x7000, ack_from=ACK_UNA) +
        t_seg(1, ACK, ack=0x100, ack_from=ACK_MAX) +
        t_seg(1, ACK, seq=-0x7000) + t_seg(1, ACK, seq=0x7fff) +
        t_seg(1, RST, seq=5) * 30)
    put("paws",
        est + t_seg(1, ACK, length=100, opts=O_TS | O_OLD_TS) +
        t_seg(1, ACK, length=100, opts=O_TS) + t_seg(1, ACK, length=100))
    put("zero-window-persist",
        est + t_seg(1, ACK, win=0, opts=O_TS) + t_n(T_SEND, 1, 5000) +
        t_time(1.1) + t_time(2.1) + t_seg(1, ACK, win=0, opts=O_TS) +
        t_time(4.1) + t_seg(1, ACK, win=100, opts=O_TS) + t_time(5) +
        ack_all)
    put("our-window-fills",
        passive + t_seg(2, ACK, length=1448, opts=O_TS) +
        t_seg(2, ACK, length=600, opts=O_TS) +
        t_seg(2, ACK, length=100, opts=O_TS) +
        t_seg(2, ACK, seq=-1, opts=O_TS) + t_n(T_RECV, 2, 1500) +
        t_n(T_RECV, 2, 2000) + t_seg(2, ACK, length=1000, opts=O_TS),
        rcv=3)
    put("icmp-frag-needed",
        est + t_n(T_SEND, 1, 5000) + t_icmp(1, 0, 1000) +
        t_icmp(1, 0, 60) + t_icmp(1, 0, 0) + ack_all, snd=1)
    put("icmp-errors",
        est + t_n(T_SEND, 1, 1000) + t_icmp(1, 3) + t_icmp(1, 5) +
        t_icmp(1, 6) + t_icmp(1, 8 | 1) + t_icmp(1, 1, seq=-5) +
        t_icmp(1, 1))
    put("icmp-refuses-syn", t_icmp(1, 2))
    put("icmp-passive", passive + t_n(T_SEND, 2, 100) + t_icmp(2, 1))
    put("connect-variants",
        t_op(T_CONNECT, 0, 0x00) + t_op(T_CONNECT, 0, 0x31) +
        t_op(T_CONNECT, 0, 0x05) + t_op(T_CONNECT, 0, 0x06) +
        t_op(T_CONNECT, 0, 0x06) + t_op(T_CONNECT, 0, 0x07) +
        t_op(T_LISTEN, 0, 0x03) + t_op(T_LISTEN, 0, 0x13) +
        t_op(T_CONNECT, 0, 0x33) + t_op(T_CONNECT, 0, 0x43) +
        t_op(T_CONNECT, 0, 0x04) + t_time(200))
    put("loopback-echo",
        t_op(T_CONNECT, 0, 0x02) + t_n(T_SEND, 2, 20000) + t_time(1) +
        t_op(T_CLOSE, 2) + t_time(1) + t_time(61),
        own=OWN_READ | OWN_ECHO | OWN_ACCEPT | OWN_CLOSE)
    put("listener-syn-queue-full",
        b"".join(t_seg(0, SYN, opts=O_MSS, pport=p) for p in range(1, 70)))
    put("accept-queue-full",
        syn_in + t_seg(0, SYN, pport=2) + t_seg(0, SYN, pport=3) +
        t_seg(2, ACK, ack=1, ack_from=ACK_UNA, opts=O_TS) +
        t_seg(3, ACK, ack=1, ack_from=ACK_UNA) +
        t_seg(4, ACK, ack=1, ack_from=ACK_UNA) + t_op(T_ACCEPT, 0) +
        t_op(T_CLOSE, 0), backlog=1)
    put("listener-drops",
        t_seg(0, ACK, pport=4) + t_seg(0, RST, pport=4) +
        t_seg(0, FIN, pport=4) + t_seg(0, SYN, opts=O_BAD, pport=4) +
        t_seg(0, SYN, opts=O_UNKNOWN | O_MSS, val=2, pport=4))
    put("big-window-scale",
        t_seg(1, SYN | ACK, ack=1, ack_from=ACK_UNA, opts=O_WS | O_MSS,
              val=15 << 3) + t_n(T_SEND, 1, 3000) + t_seg(1, ACK, win=2))
    put("small-mtu", est_plain + t_n(T_SEND, 1, 3000) + t_seg(1, ACK),
        mtu=3)
    put("raw-frame",
        bytes([T_RAW, 0x07]) + struct.pack("!H", 74) +
        eth(H_MAC0, P_MAC, 0x0800, ipv4(P, H, 6, tcp(
            P, H, 40100, 80, 7, 0, SYN, opts=tcp_options(1460))))[:74] +
        bytes([T_RAW, 0x07]) + struct.pack("!H", 54) +
        eth(H_MAC0, P_MAC, 0x0800, ipv4(P, H, 6, tcp(
            P, H, 40100, 81, 7, 0, SYN)))[:54])
    put("set-congestion",
        est + t_op(T_SET, 1, 1) + t_n(T_SEND, 1, 3000) + ack_all +
        t_op(T_SET, 1, 0) + t_op(T_SET, 0, 2))
    # Fuzzing found these.

    def regress(name, data, **kw):
        seed(t, "regress-" + name, t_settings(**kw) + data)

    # A SYN's retransmission timer never reached the stack's timer.
    regress("syn-timer-armed", t_time(1.5))
    # The owner wrote from writable() before snd_una had moved: the
    # segments took their bytes from the wrong place in the ring.
    regress("writable-sends-at-once",
            t_op(T_CONNECT, 0, 0x02) + t_n(T_RESERVE, 2, 184) +
            t_op(T_ABORT, 3), rcv=2, snd=1, mtu=3, own=0x1F, backlog=5)
    # Closed in FIN-WAIT-2, a connection waited for the peer for ever.
    regress("orphan-in-fin-wait-2",
            est + t_op(T_SHUTDOWN, 1) + ack_all + t_op(T_CLOSE, 1))
    # A half-open connection that was reset or timed out stayed counted
    # in its listener's SYN queue.
    regress("half-open-count", syn_in + t_seg(2, RST) + syn_in +
            t_time(200) + t_time(200))
    # A SYN reusing TIME-WAIT freed a connection its owner still held.
    regress("time-wait-reuse-owned",
            est + t_op(T_SHUTDOWN, 1) + ack_all +
            t_seg(1, FIN | ACK, opts=O_TS) +
            t_seg(1, SYN, seq=5000, opts=O_MSS) + t_n(T_RECV, 1, 10))
    # After a timeout, Nagle held back the short segment being resent.
    regress("nagle-after-timeout",
            est_plain + t_n(T_SEND, 1, 100) + t_time(200) * 3)
    # A window too small for silly-window avoidance, with nothing in
    # flight, stopped the sender with no timer to start it again.
    regress("small-window-stall",
            est_plain + t_seg(1, ACK, win=100) + t_n(T_SEND, 1, 5000) +
            t_time(10) + t_seg(1, ACK, win=100) + t_time(10))
    # An MSS under 12 with timestamps wrapped round to 65525.
    regress("tiny-mss-with-timestamps",
            t_seg(1, SYN | ACK, ack=1, ack_from=ACK_UNA, opts=O_MSS | O_TS,
                  val=2) + t_n(T_SEND, 1, 3000) + ack_all)
    # Full segments carried SACK blocks too and no longer fit the path.
    regress("sack-blocks-on-full-segments",
            est + t_seg(1, ACK, seq=1000, length=100, opts=O_TS) +
            t_n(T_SEND, 1, 3000) + t_time(1))
    # A timeout, then an ACK shutting the window: nothing in flight,
    # and the timer that fired next left no timer behind.
    regress("timeout-then-closed-window",
            est + t_n(T_SEND, 1, 5000) + t_time(1.1) +
            t_seg(1, ACK, ack=mss, ack_from=ACK_UNA, win=0, opts=O_TS) +
            t_time(200))
    # Window probes nobody answered went on for ever.
    regress("unanswered-probes",
            est + t_seg(1, ACK, win=0, opts=O_TS) + t_n(T_SEND, 1, 1000) +
            t_op(T_CLOSE, 1))
    # Data out of order beyond the peer's FIN stayed queued after it.
    regress("data-beyond-fin",
            est + t_seg(1, ACK, seq=1001, length=100, opts=O_TS) +
            t_seg(1, FIN | ACK, length=1000, opts=O_TS) +
            t_n(T_RECV, 1, 2000))
    # Two ends of a connection to ourselves that disagree (a segment
    # forged into one) answered each other's ACKs for ever.
    regress("ack-war",
            t_op(T_CONNECT, 0, 0x02) + t_seg(2, ACK, length=1000) +
            t_seg(3, ACK, length=1000) + t_time(1),
            own=OWN_ACCEPT)

def gen_switch_input():
    t = "fuzz_switch_input"
    st = [mac("02:00:00:00:00:%02x" % i) for i in range(1, 20)]

    def frame(port, dst, src, vlan=None):
        return record(port, eth(dst, src, 0x0800, bytes(46), vlan=vlan))

    def link(port):
        # A port byte of 3 is a link event; the length picks the port
        # (modulo 3), and that many bytes are skipped.
        return bytes([3]) + struct.pack("!H", port) + bytes(port)

    learn = frame(0, BCAST, st[0]) + frame(1, BCAST, st[1])
    seed(t, "seed-learn-and-forward",
         learn + frame(0, st[1], st[0]) + frame(1, st[0], st[1]))
    seed(t, "seed-unknown-unicast-floods", frame(0, st[5], st[0]))
    seed(t, "seed-multicast", frame(2, mac("01:00:5e:00:00:01"), st[2]))
    seed(t, "seed-link-local", frame(0, mac("01:80:c2:00:00:00"), st[0]) +
         frame(0, mac("01:80:c2:00:00:0e"), st[0]))
    seed(t, "seed-bad-source", frame(0, BCAST, BCAST) +
         frame(0, BCAST, bytes(6)) + frame(0, BCAST, mac("01:00:5e:00:00:01")))
    seed(t, "seed-vlan", frame(0, BCAST, st[0], vlan=7) +
         frame(1, st[0], st[1], vlan=7) + frame(1, st[0], st[1], vlan=8))
    seed(t, "seed-same-port", learn + frame(0, st[0], st[3]))
    seed(t, "seed-station-moves", learn + frame(2, BCAST, st[0]) +
         frame(1, st[0], st[1]))
    seed(t, "seed-table-full", b"".join(frame(0, BCAST, s) for s in st))
    seed(t, "seed-aging", learn + frame(2, BCAST, st[2]) * 9 +
         frame(2, st[0], st[2]))
    seed(t, "seed-link-down-up", learn + link(1) + frame(0, st[1], st[0]) +
         frame(1, BCAST, st[1]) + link(1) + frame(0, st[1], st[0]))
    # Bit 7 of the port byte toggles tracing, bit 6 with a filter.
    seed(t, "seed-traced",
         frame(0x80, BCAST, st[0]) + frame(1, BCAST, st[1]) +
         frame(0, st[1], st[0]) + frame(0, st[5], st[0]) +
         frame(0, st[0], st[3]) + frame(0, mac("01:80:c2:00:00:00"), st[0]) +
         frame(0x80 | 0x40 | 1, st[0], st[1]) + frame(0x80, st[1], st[0]))
    # A port byte of 3 with 4 or more bytes sets a port's 802.1Q mode.
    def access(port, vid):
        return bytes([3]) + struct.pack("!HBBH", 4, port, 0, vid)

    def trunk(port, vids, native=0):
        bitmap = bytearray(512)
        for v in vids:
            bitmap[v // 8] |= 1 << (v % 8)
        body = bytes([port, 1]) + struct.pack("!H", native) + bytes(bitmap)
        return bytes([3]) + struct.pack("!H", len(body)) + body

    vlans = access(0, 10) + access(1, 20) + trunk(2, [10, 20])
    seed(t, "seed-vlan-access-trunk", vlans +
         frame(0, BCAST, st[0]) + frame(2, st[0], st[2], vlan=10) +
         frame(2, BCAST, st[2], vlan=0xa014) + frame(1, st[2], st[1]) +
         frame(2, BCAST, st[2], vlan=0x6000))
    seed(t, "seed-vlan-drops", vlans + frame(2, BCAST, st[2], vlan=30) +
         frame(2, BCAST, st[2]) + frame(2, BCAST, st[2], vlan=0xfff) +
         frame(0, BCAST, st[0], vlan=20) + record(2, BCAST + st[2] +
                                                   b"\x81\x00\x00"))
    seed(t, "seed-vlan-native", access(0, 10) + trunk(2, [10], 20) +
         access(1, 20) + frame(2, BCAST, st[2]) + frame(1, st[2], st[1]) +
         frame(2, st[1], st[2], vlan=20) + frame(0, BCAST, st[0], vlan=0xe000))
    seed(t, "seed-vlan-traced", vlans + frame(0x80, BCAST, st[0]) +
         frame(2, st[0], st[2], vlan=10))
    seed(t, "seed-truncated-oversize", record(0, st[1] + st[0][:3]) +
         record(0, eth(st[1], st[0], 0x0800, bytes(1600))) +
         record(0, st[1] + st[0] + b"\x81\x00"))



def bpdu_frame(src, body):
    """An 802.3 frame to the STP group address: length, LLC 42 42 03."""
    llc = b"\x42\x42\x03" + body
    frame = mac("01:80:c2:00:00:00") + src + struct.pack("!H", len(llc)) + llc
    return frame + b"\0" * (60 - len(frame)) if len(frame) < 60 else frame


def bpdu_config(root, cost, bridge, port, flags=0, age=0, max_age=6,
                hello=1, fwd=4, version=0, btype=0):
    return struct.pack("!HBBBQIQHHHHH", 0, version, btype, flags, root, cost,
                       bridge, port, int(age * 256), int(max_age * 256),
                       int(hello * 256), int(fwd * 256))


def gen_stp_bpdu():
    t = "fuzz_stp_bpdu"
    # The fuzzed bridge is 8000.020000000050, four ports.
    peer = mac("02:00:00:00:00:10")
    better = 0x8000020000000010
    worse = 0x8000020000000060
    me = 0x8000020000000050

    def rec(port, frame, quarters=0):
        return record(port | quarters << 4, frame)

    def cfg(port, root, cost, bridge, pid, quarters=0, **kw):
        return rec(port, bpdu_frame(peer, bpdu_config(root, cost, bridge,
                                                      pid, **kw)), quarters)

    def link(port):
        return record(4 | port, b"")

    def wait(quarters):
        return record(quarters << 4 | 4 | 3, b"") + record(4 | 3, b"")

    tcn = bpdu_frame(peer, struct.pack("!HBB", 0, 0, 0x80))
    hello = cfg(0, better, 0, better, 0x8001, 4)
    seed(t, "seed-better-root", hello * 40)
    seed(t, "seed-worse-root", cfg(1, worse, 0, worse, 0x8001, 4) * 20)
    seed(t, "seed-two-ports-one-root", (hello + cfg(1, better, 0, better,
                                                    0x8002, 4)) * 40)
    seed(t, "seed-root-goes-silent", hello * 20 + wait(15) * 4)
    seed(t, "seed-tcn", wait(15) * 3 + rec(2, tcn, 4) * 3)
    seed(t, "seed-tc-flags", (cfg(0, better, 0, better, 0x8001, 4,
                                  flags=0x81)) * 30)
    seed(t, "seed-link-events", hello * 10 + link(0) + wait(15) * 2 +
         link(0) + hello * 30)
    seed(t, "seed-rstp", rec(0, bpdu_frame(peer, bpdu_config(
        better, 0, better, 0x8001, version=2, btype=2) + b"\0"), 4) * 20)
    seed(t, "seed-own-bpdu", rec(0, bpdu_frame(peer, bpdu_config(
        me, 0, me, 0x8001))) + rec(1, bpdu_frame(peer, bpdu_config(
            me, 0, me, 0x8001)), 4) * 20)
    seed(t, "seed-bad", rec(0, bpdu_frame(peer, b"\0\0")) +
         rec(0, bpdu_frame(peer, b"\0\1\0\0")) +
         rec(0, bpdu_frame(peer, b"\0\0\0\x55")) +
         rec(0, bpdu_frame(peer, bpdu_config(better, 0, better, 1,
                                             age=7))) +
         rec(0, bpdu_frame(peer, bpdu_config(better, 0, better, 1)[:20])) +
         rec(0, mac("01:80:c2:00:00:00") + peer + b"\x08\x00" +
             bytes(46)) + rec(0, b"\x01\x80\xc2"))


# Lines of the command targets; each seed is one or a few requests.
COMMON_CMDS = [
    ("help", "help"),
    ("help-extra", "help me"),
    ("show-ports", "show ports"),
    ("show-stats", "show stats"),
    ("show-ports-extra", "show ports now"),
    ("capture", "capture start\ncapture stop"),
    ("capture-port", "capture start {port}\ncapture stop"),
    ("capture-bad", "capture start nope\ncapture start a b\ncapture stop x"),
    ("capture-filter", "capture start icmp\ncapture stop\n"
     "capture start {port} tcp port 80 or arp\ncapture stop"),
    ("capture-bad-filter", "capture start {port} tcp port\n"
     "capture start ether host zz\ncapture start icmp and"),
    ("trace", "trace start\nshow trace\ntrace stop\nshow trace\nshow stats"),
    ("trace-filter", "trace start tcp port 80\ntrace start 'icmp'\n"
     "trace start arp or (ip and not udp)\nshow trace\ntrace stop"),
    ("trace-bad-filter", "trace start tcp port\ntrace start ((\n"
     "trace stop now\nshow trace all"),
    ("set-impair", "set impair {port} delay 1ms jitter 1ms loss 10% "
     "duplicate 5% reorder 5% corrupt 1% rate 10mbit limit 10 seed 1\n"
     "show ports\nset impair {port} loss 1%\nset impair {port} clear\n"
     "show ports"),
    ("set-impair-bad", "set impair\nset impair nope loss 1%\n"
     "set impair {port} bogus 1\nset impair {port} delay\n"
     "set impair {port} jitter 1ms\nset impair {port} clear now"),
    ("unknown", "frobnicate\nshow\nshow nothing"),
    ("empty", "\n \n\t\n"),
    ("nul", b"show ports\x00\n"),
    ("control", b"show\x01ports\n"),
    ("bad-utf8", b"show \xff\xfe\n"),
    ("crlf", "show ports\r\nshow stats\r\n"),
    ("too-many-words", " ".join(["show"] * 70)),
    ("long", "show " + "x" * 5000),
]


def gen_cmds(target, port, cmds):
    for name, text in COMMON_CMDS + cmds:
        if isinstance(text, str):
            text = text.replace("{port}", port)
        seed(target, "seed-" + name, text)


def gen_switch_cmd():
    gen_cmds("fuzz_switch_cmd", "p2", [
        ("show-mac", "show mac"),
        ("flush-mac", "flush mac\nshow mac"),
        ("flush-mac-port", "flush mac p2\nshow mac"),
        ("flush-mac-bad", "flush mac nope\nflush mac p1 p2"),
        ("set-aging", "set aging 10\nset aging 0\nset aging 1\nshow mac"),
        ("set-aging-bad", "set aging\nset aging x\nset aging -1\n"
                          "set aging 2000000\nset aging 1 2"),
        ("show-vlan", "show vlan"),
        ("set-port", "set port p1 access 10\nset port p2 trunk 10,20-29,4094 "
                     "native 5\nset port p3 trunk 1-4094\nshow vlan\n"
                     "show mac"),
        ("set-port-bad", "set port p1 access 0\nset port p1 access 4095\n"
                         "set port p1 trunk 10,,20\nset port p1 trunk 9-8\n"
                         "set port p1 trunk 10 native\nset port p1 trunk "
                         "10 nat 3\nset port nope access 10\nset port p1 "
                         "hybrid 10\nset port p1\nset port"),
        ("stp", "show stp\nset stp hello 1\nset stp max-age 6\n"
                "set stp forward-delay 4\nset stp on\nshow stp\n"
                "set stp priority 4096\nset stp cost p2 100\nshow stp\n"
                "set stp off\nshow stp"),
        ("stp-bad", "set stp\nset stp maybe\nset stp priority 65536\n"
                    "set stp hello 0\nset stp max-age 50\n"
                    "set stp forward-delay x\nset stp cost nope 4\n"
                    "set stp cost p1 0\nset stp on off\nshow stp now"),
    ])


ROUTE_CMDS = [
    ("show-ip", "show ip"),
    ("show-arp", "show arp"),
    ("show-route", "show route"),
    ("route-add-via", "route add 10.4.0.0/16 via {gw}\nshow route"),
    ("route-add-dev", "route add 10.5.0.0/16 dev {port}\nshow route"),
    ("route-add-default", "route add default via {gw}\nshow route"),
    ("route-add-host-bits", "route add 10.6.1.1/16 via {gw}"),
    ("route-add-twice", "route add 10.4.0.0/16 via {gw}\n"
                        "route add 10.4.0.0/16 via {gw}"),
    ("route-add-bad", "route add\nroute add 10.4.0.0/16 via\n"
                      "route add 10.4.0.0/33 via {gw}\n"
                      "route add 10.4.0.0/16 via 300.1.1.1\n"
                      "route add 10.4.0.0/16 via 0.0.0.0\n"
                      "route add 10.4.0.0/16 via 192.0.2.1\n"
                      "route add 10.4.0.0/16 dev nope\n"
                      "route add 10.4.0.0/16 to {gw}"),
    ("route-del", "route add 10.4.0.0/16 via {gw}\nroute del 10.4.0.0/16\n"
                  "show route"),
    ("route-del-bad", "route del 10.9.0.0/16\nroute del {net}\nroute del\n"
                      "route del x"),
    ("route-replace", "route replace 10.4.0.0/16 via {gw}\n"
                      "route replace 10.4.0.0/16 dev {port}\n"
                      "route replace {net} via {gw}\nroute replace\n"
                      "route replace 10.4.0.0/16 via\nshow route"),
    ("route-load-bad", "route load /nonexistent/routes\nroute load /\n"
                       "route load /dev/null\nroute load\nroute load a b"),
    ("addr-add", "addr add {port} 10.0.5.1/24\nshow ip\nshow route"),
    ("addr-del", "addr del {port0} {addr0}\nshow ip\nshow route"),
    ("addr-bad", "addr add nope 10.0.5.1/24\naddr add {port} 10.0.5.0/24\n"
                 "addr add {port} 10.0.5.255/24\naddr add {port} 127.0.0.2/8\n"
                 "addr add {port} 10.0.5.1\naddr add {port} default\n"
                 "addr add {port0} {addr0}\naddr del {port} 10.0.7.1/24\n"
                 "addr add {port}"),
    ("ping-self", "ping -c 1 {self}\n"),
    ("ping-neighbour", "ping -c 2 -i 0.001 -s 100 -t 5 -W 0.001 {gw}"),
    ("ping-times-out", "ping -c 1 -W 0.001 {unresolved}"),
    ("ping-unresolved", "ping -c 1 {unresolved}"),
    ("ping-forever", "ping {gw}\nshow stats"),
    ("ping-large", "ping -c 1 -s 3000 {gw}"),
    ("ping-no-route", "ping -c 1 192.0.2.1"),
    ("ping-bad", "ping\nping -c 0 {gw}\nping -x 1 {gw}\nping -i 0 {gw}\n"
                 "ping -s 70000 {gw}\nping -t 256 {gw}\nping -W x {gw}\n"
                 "ping -c 1.5 {gw}\nping 300.1.1.1\nping -c {gw}"),
    # Without a newline: sent, then the client's input ends.
    ("ping-last-line", "ping -c 1 {self}"),
]


def route_cmds(values):
    out = []
    for name, text in ROUTE_CMDS:
        for k, v in values.items():
            text = text.replace("{" + k + "}", v)
        out.append((name, text))
    return out


def gen_router_cmd():
    gen_cmds("fuzz_router_cmd", "eth1", route_cmds({
        "gw": "10.0.2.2", "port": "eth1", "port0": "eth0",
        "addr0": "10.0.1.1/24", "net": "10.0.1.0/24", "self": "10.0.1.1",
        "unresolved": "10.0.1.50"}) + [
        ("ping-through-gateway", "ping -c 1 10.3.0.5"),
        ("many-pings", "\n".join(["ping 10.0.2.2"] * 17)),
    ])


def gen_host_cmd():
    t = "fuzz_host_cmd"
    gen_cmds(t, "eth1", route_cmds({
        "gw": "10.0.1.1", "port": "eth1", "port0": "eth0",
        "addr0": "10.0.1.10/24", "net": "10.0.1.0/24", "self": "10.0.1.10",
        "unresolved": "10.0.1.50"}) + [
        ("show-sockets", "udp listen 7000\nshow sockets"),
        ("ping-loopback", "ping -c 1 127.0.0.1"),
        ("ping-off-link", "ping -c 1 192.0.2.1"),
        ("traceroute", "traceroute 192.0.2.1"),
        ("traceroute-options", "traceroute -m 2 -w 0.01 10.0.1.1"),
        ("traceroute-times-out", "traceroute -m 1 -w 0.01 10.0.1.50"),
        ("traceroute-self", "traceroute 10.0.1.10\n"),
        ("traceroute-bad", "traceroute\ntraceroute -m 0 10.0.1.1\n"
                           "traceroute -m 256 10.0.1.1\n"
                           "traceroute -w 0 10.0.1.1\n"
                           "traceroute -x 1 10.0.1.1\ntraceroute x\n"
                           "traceroute 10.0.1.1 10.0.1.2"),
        ("traceroute-no-route", "route del default\ntraceroute 192.0.2.1"),
        ("udp-send", "udp send 10.0.1.1 53 hello world"),
        ("udp-send-self", "udp send 10.0.1.10 9 nobody listens"),
        ("udp-send-bad", "udp send\nudp send 10.0.1.1\n"
                         "udp send 10.0.1.1 53\nudp send 10.0.1.1 0 x\n"
                         "udp send 10.0.1.1 65536 x\nudp send x 53 x\n"
                         "udp send 192.0.2.1 53 x"),
        ("udp-listen", "udp listen 7000"),
        ("udp-listen-count", "udp listen 7000 -c 1\n"
                             "udp send 10.0.1.10 7000 hello\n"
                             "udp send 127.0.0.1 7000 again"),
        ("udp-listen-forever", "udp listen 7000\n"
                               "udp send 10.0.1.10 7000 one\n"
                               "udp send 10.0.1.10 7000 two"),
        ("udp-listen-bad", "udp listen\nudp listen 0\nudp listen x\n"
                           "udp listen 7000 -c 0\nudp listen 7000 -c\n"
                           "udp listen 7000 -n 1\n"
                           "udp listen 7000\nudp listen 7000"),
        ("socket-udp", "socket udp\nshow sockets"),
        ("socket-udp-bound", "socket udp -b 10.0.1.10:6000"),
        ("socket-udp-connected", "socket udp -c 10.0.1.1:53"),
        ("socket-udp-framed", "socket udp -b 0.0.0.0:6001 -c 10.0.1.1:53 -f"),
        ("socket-udp-self", "socket udp -c 10.0.1.10:7000\n"
                            "udp listen 7000 -c 1"),
        ("socket-udp-bad", "socket udp -b x\nsocket udp -c 10.0.1.1:0\n"
                           "socket udp -c 0.0.0.0:53\nsocket udp -x\n"
                           "socket udp -b 10.9.9.9:6000\n"
                           "socket udp -b 10.0.1.10:99999\n"
                           "socket udp -b 10.0.1.10:6000\n"
                           "socket udp -b 10.0.1.10:6000"),
    ])
    # A trace to the host's own address ends at once: it used to end
    # inside its handler, and input that ended with it freed the
    # connection under the dispatcher.
    seed(t, "regress-traceroute-self-eof", "traceroute 10.0.1.10")


def gen_ctl_conn():
    t = "fuzz_ctl_conn"

    def send(data, client=0):
        out = b""
        data = data.encode() if isinstance(data, str) else data
        while True:
            chunk, data = data[:255], data[255:]
            out += bytes([client << 7, len(chunk)]) + chunk
            if not data:
                return out

    turns = bytes([5])
    seed(t, "seed-one-line", send("echo hello\n") + turns)
    seed(t, "seed-lines-in-one-read",
         send("echo a b\nrows 3\nfail oops\nnone\nhelp\n") + turns)
    seed(t, "seed-line-in-pieces",
         send("ec") + bytes([1]) + send("ho spl") + bytes([1]) +
         send("it\n") + turns)
    seed(t, "seed-no-newline-then-eof", send("echo last") + bytes([3]) +
         turns)
    seed(t, "seed-crlf", send("echo a\r\nnone\r\n") + turns)
    seed(t, "seed-usage", send("none x\n\nbogus\necho\n") + turns)
    seed(t, "seed-nul", send(b"echo a\x00b\n") + turns)
    seed(t, "seed-control-chars", send(b"echo \x01\x1b[31m\x7f\n") + turns)
    seed(t, "seed-invalid-utf8",
         send(b"echo \xc3\x28 \xe2\x82 \xf0\x9f\x98\n"
              b"echo \xed\xa0\x80 \xc0\xaf\n") + turns)
    seed(t, "seed-utf8", send("echo caf\u00e9 \u2603 \U0001F600\n") + turns)
    seed(t, "seed-overlong-line", send("echo " + "x" * 250) + bytes([6]) +
         turns + send("\necho after\n") + turns)
    seed(t, "seed-overlong-word-in-error",
         send("\u00e9" * 120 + "\n") + turns)
    seed(t, "seed-too-many-words", send(" ".join(["w"] * 70) + "\n") + turns)
    seed(t, "seed-stream-ends", send("later\necho next\n") + turns + turns)
    seed(t, "seed-stream-cancelled", send("forever\necho queued\n") + turns +
         bytes([4]) + turns)
    seed(t, "seed-stream-then-eof", send("forever\n") + bytes([3]) + turns)
    seed(t, "seed-stream-at-eof", send("forever") + bytes([3]) + turns)
    seed(t, "seed-two-clients", send("forever\n") + send("echo other\n", 1) +
         turns + bytes([0x84]) + send("later\n", 1) + turns)
    seed(t, "seed-client-does-not-read",
         send("rows 256\n") + bytes([6]) + bytes([1]) * 8 + bytes([3]) +
         bytes([1]) * 4)
    seed(t, "seed-hang-up-mid-line", send("echo par") + bytes([4]) +
         send("echo new\n") + turns)
    seed(t, "seed-reply-then-eof", send("rows 50\n") + bytes([1, 1, 3, 1, 1,
                                                              2, 1, 1]))


def gen_hopctl_render():
    t = "fuzz_hopctl_render"
    for name, reply in [
        ("table", '[{"name":"p1","mac":"02:00:00:00:00:01","mtu":1500,'
                  '"up":true,"x":null},{"name":"p2","mtu":9000,"up":false,'
                  '"extra":1}]\n{"ok":true}\n'),
        ("empty-table", '[]\n[{}]\n{"ok":true}\n'),
        ("list", '[1,"two",3.5,null,true,[4],{"a":1}]\n{"ok":true}\n'),
        ("key-value", '{"rx_frames":10,"aging":300.0,"name":"s","list":[1],'
                      '"obj":{"a":1},"none":null,"no":false}\n'
                      '{"ok":true}\n'),
        ("text", '{"text":"PING 10.0.2.20 (10.0.2.20) 56(84) bytes"}\n'
                 '{"text":""}\n{"ok":true}\n'),
        ("scalars", '"a string"\n42\n-1.5e300\ntrue\nnull\n{"ok":true}\n'),
        ("failed", '{"ok":false,"error":"no port \'x\'"}\n'),
        ("usage", '{"ok":false,"error":"usage: x","usage":true}\n'),
        ("failed-no-message", '{"ok":false}\n'),
        ("failed-odd-message", '{"ok":false,"error":5,"usage":"yes"}\n'),
        ("bad-json", 'not json\n'),
        ("cut-short", '{"text":"partial"}\n{"ok":tr'),
        ("nothing", ''),
        ("unicode", '{"text":"caf\\u00e9 \\u2603 \\ud83d\\ude00"}\n'
                    '{"text":"a\\u0000b"}\n{"ok":true}\n'),
        ("ok-not-boolean", '{"ok":"yes"}\n{"ok":1}\n{"ok":true}\n'),
        ("crlf", '{"text":"x"}\r\n{"ok":true}\r\n'),
        ("nested-table", '[[1,2],[3]]\n[{"a":[1,{"b":2}]},{"a":{}}]\n'
                         '{"ok":true}\n'),
        ("after-end", '{"ok":true}\n{"text":"never shown"}\n'),
    ]:
        seed(t, "seed-" + name, reply)
    seed(t, "seed-long-line", '[{"a":"' + "x" * 70000 + '"}]\n{"ok":true}\n')


def gen_http():
    t = "fuzz_http"
    req, resp, head = 0, 1, 2
    get = b"GET /index.html HTTP/1.1\r\nHost: 10.0.2.20\r\n" \
          b"User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n"
    for name, flags, data in [
        ("get", req, get),
        ("get-bytewise", req | 1 << 2, get),
        ("pipelined", req | 7 << 2, get + b"HEAD / HTTP/1.1\r\nHost: h\r\n"
         b"Connection: close\r\n\r\n"),
        ("http10-keep-alive", req, b"\r\nGET / HTTP/1.0\nConnection: "
         b"Keep-Alive, x\n\n"),
        ("post-length", req, b"POST /f HTTP/1.1\r\nHost: h\r\n"
         b"Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello"),
        ("post-chunked", req | 3 << 2, b"POST /f HTTP/1.1\r\nHost: h\r\n"
         b"Transfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n"
         b"a\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n"),
        ("bad-method", req, b"G(T / HTTP/1.1\r\n\r\n"),
        ("bad-version", req, b"GET / HTTP/1\r\n\r\n"),
        ("http2", req, b"GET / HTTP/2.0\r\nHost: h\r\n\r\n"),
        ("no-host", req, b"GET / HTTP/1.1\r\n\r\n"),
        ("two-hosts", req, b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
        ("long-line", req, b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n\r\n"),
        ("big-headers", req, b"GET / HTTP/1.1\r\nHost: h\r\nX: " +
         b"v" * 17000 + b"\r\n\r\n"),
        ("many-headers", req, b"GET / HTTP/1.1\r\nHost: h\r\n" +
         b"".join(b"H%d: v\r\n" % i for i in range(101)) + b"\r\n"),
        ("bad-header", req, b"GET / HTTP/1.1\r\nHost: h\r\nA : b\r\n"
         b" fold\r\n\r\n"),
        ("bad-length", req, b"POST / HTTP/1.1\r\nHost: h\r\n"
         b"Content-Length: 1\r\nContent-Length: 2\r\n\r\n"),
        ("length-and-chunked", req, b"POST / HTTP/1.1\r\nHost: h\r\n"
         b"Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"),
        ("gzip", req, b"POST / HTTP/1.1\r\nHost: h\r\n"
         b"Transfer-Encoding: gzip\r\n\r\n"),
        ("bad-chunk", req, b"POST / HTTP/1.1\r\nHost: h\r\n"
         b"Transfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n"),
        ("bad-chunk-size", req, b"POST / HTTP/1.1\r\nHost: h\r\n"
         b"Transfer-Encoding: chunked\r\n\r\n\r\n"),
        ("truncated", req, b"POST / HTTP/1.1\r\nHost: h\r\n"
         b"Content-Length: 10\r\n\r\nabc"),
        ("response-length", resp, b"HTTP/1.1 200 OK\r\nServer: hoplab\r\n"
         b"Content-Length: 3\r\n\r\nabcHTTP/1.1 404 Not Found\r\n"
         b"Content-Length: 0\r\n\r\n"),
        ("response-chunked", resp | 2 << 2, b"HTTP/1.1 200 OK\r\n"
         b"Transfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n"
         b"0\r\n\r\n"),
        ("response-close", resp, b"HTTP/1.0 200\r\nTransfer-Encoding: x"
         b"\r\n\r\nuntil the end"),
        ("response-head", resp | head, b"HTTP/1.1 200 OK\r\n"
         b"Content-Length: 100\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n"),
        ("response-continue", resp, b"HTTP/1.1 100 Continue\r\n\r\n"
         b"HTTP/1.1 204 No Content\r\n\r\n"),
        ("bad-status", resp, b"HTTP/1.1 20 OK\r\n\r\n"),
    ]:
        seed(t, "seed-" + name, bytes([flags]) + data)


# --- the journey ---------------------------------------------------------


def trace_row(t, node, inp, out, key, summary, proto="icmp", flags="",
              src=None, dst=None, in_macs=None, out_macs=None, in_ttl=None,
              out_ttl=None, decision="d"):
    """One row of `show trace`, as the daemons write it."""
    return {"seq": 1, "time": t, "node": node, "in": inp, "out": out,
            "key": key, "summary": summary, "proto": proto, "flags": flags,
            "src_ip": src, "dst_ip": dst,
            "in_src_mac": in_macs[0] if in_macs else None,
            "in_dst_mac": in_macs[1] if in_macs else None, "in_ttl": in_ttl,
            "out_src_mac": out_macs[0] if out_macs else None,
            "out_dst_mac": out_macs[1] if out_macs else None,
            "out_ttl": out_ttl, "decision": decision}


def seed_path(t, key, a_to_b=True, summary="IP x > y: ICMP echo request",
              proto="icmp", flags=""):
    """The five rows of a packet from hA to hB (or back) in the seed lab."""
    a, r0, r1, b = ("02:00:00:00:00:0a", "02:00:00:00:00:01",
                    "02:00:00:00:00:02", "02:00:00:00:00:0b")
    m1, g1, g2, m2 = (a, r0, r1, b) if a_to_b else (b, r1, r0, a)
    h1, s1, s2, h2 = ("hA", "sw1", "sw2", "hB") if a_to_b else \
        ("hB", "sw2", "sw1", "hA")
    ports = ("p1", "p2") if a_to_b else ("p2", "p1")
    r_ports = ("eth0", "eth1") if a_to_b else ("eth1", "eth0")
    ips = ("10.0.1.10", "10.0.2.20") if a_to_b else ("10.0.2.20", "10.0.1.10")
    kw = dict(summary=summary, proto=proto, flags=flags, src=ips[0],
              dst=ips[1])
    return [
        trace_row(t, h1, None, "eth0", key, out_macs=(m1, g1), out_ttl=64,
                  **kw),
        trace_row(t + 1e-5, s1, ports[0], ports[1], key, in_macs=(m1, g1),
                  out_macs=(m1, g1), in_ttl=64, out_ttl=64, **kw),
        trace_row(t + 2e-5, "r1", r_ports[0], r_ports[1], key,
                  in_macs=(m1, g1), out_macs=(g2, m2), in_ttl=64,
                  out_ttl=63, **kw),
        trace_row(t + 3e-5, s2, ports[0], ports[1], key, in_macs=(g2, m2),
                  out_macs=(g2, m2), in_ttl=63, out_ttl=63, **kw),
        trace_row(t + 4e-5, h2, "eth0", None, key, in_macs=(g2, m2),
                  in_ttl=63, **kw),
    ]


def trace_file(rows, by_node=True):
    """Rows as hopctl -j prints them: an array per node, then ok."""
    out = ""
    nodes = []
    for r in rows:
        if r["node"] not in nodes:
            nodes.append(r["node"])
    groups = [[r for r in rows if r["node"] == n] for n in nodes] \
        if by_node else [[r] for r in rows]
    for g in groups:
        out += json.dumps(g, separators=(",", ":")) + "\n"
        out += '{"ok":true}\n'
    return out


def gen_journey():
    t = "fuzz_journey"
    hl = mac("02:00:00:00:00:0c")
    echoes = seed_path(100.0, "00000000000000aa") + \
        seed_path(100.001, "00000000000000bb", a_to_b=False,
                  summary="IP y > x: ICMP echo reply")
    seed(t, "seed-echo", trace_file(echoes))
    seed(t, "seed-one-row-a-line", trace_file(echoes, by_node=False))
    seed(t, "seed-untraced-switch",
         trace_file([r for r in echoes if r["node"] != "sw1"]))
    seed(t, "seed-untraced-everything-but-ha",
         trace_file([r for r in echoes if r["node"] == "hA"]))
    seed(t, "seed-missing-row",
         trace_file([r for r in echoes if r["node"] != "sw2" or
                     r["key"] != "00000000000000aa"]))
    tcp = []
    for i, (fwd, flags) in enumerate([(True, "S"), (False, "S."),
                                      (True, "."), (True, "P."),
                                      (False, "P.")]):
        tcp += seed_path(10 + i * 2e-4, "%016x" % (i + 1), a_to_b=fwd,
                         summary="IP a > b: Flags [%s], length 0" % flags,
                         proto="tcp", flags=flags)
    tcp[1]["time"] -= 2e-4
    seed(t, "seed-tcp", trace_file(tcp))
    arp_sum = "ARP, Request who-has 10.0.1.1 tell 10.0.1.10, length 28"
    bc = ("02:00:00:00:00:0a", "ff:ff:ff:ff:ff:ff")
    flood = [
        trace_row(1.0, "hA", None, "eth0", "a1", arp_sum, "arp",
                  out_macs=bc),
        trace_row(1.00001, "sw1", "p1", "p2,p3,p4", "a1", arp_sum, "arp",
                  in_macs=bc, out_macs=bc, decision="flooded: broadcast"),
        trace_row(1.00002, "r1", "eth0", None, "a1", arp_sum, "arp",
                  in_macs=bc),
        trace_row(1.00002, "hC", "eth0", None, "a1", arp_sum, "arp",
                  in_macs=bc),
    ]
    seed(t, "seed-arp-flood", trace_file(flood))
    seed(t, "seed-same-key-twice", trace_file(
        flood[:3] + [dict(r, time=r["time"] + 1) for r in flood[:3]]))
    seed(t, "seed-bad-rows",
         '[{"time":"1","node":"hA"},7,null,{"time":1,"node":"hA","in":5,'
         '"out":null,"key":"k"},{"time":1,"node":"hA","in":null,"out":'
         '"eth0, ,p9","key":"k","in_ttl":300}]\n'
         '{"time":2,"node":"sw1","in":"p1","out":null,"key":"k",'
         '"summary":"\\"q\\" \\\\ \\n"}\n\n{"ok":true}\n')
    seed(t, "seed-error", '[]\n{"ok":false,"error":"unknown command"}\n')
    seed(t, "seed-not-json", '[]\nnot json\n')
    seed(t, "seed-loop", trace_file([
        trace_row(2.0, "sw1", "p2", "p2", "cc", "x", "ether"),
        trace_row(2.0, "r1", "eth0", "eth0", "cc", "x", "ether")]))
    # Frames on hL after the NUL: hL's ARP request, flooded by sw2
    # (untraced: the loop through sw1:p4 is walked), and a reply to it.
    req = eth(BCAST, hl, 0x0806,
              arp(1, hl, "10.0.2.30", bytes(6), "10.0.2.1"))
    rep = eth(hl, mac("02:00:00:00:00:02"), 0x0806,
              arp(2, mac("02:00:00:00:00:02"), "10.0.2.1", hl, "10.0.2.30"))
    ping = eth(mac("02:00:00:00:00:02"), hl, 0x0800,
               ipv4("10.0.2.30", "10.0.1.10", 1, echo(5, 1)))
    frames = b"".join(bytes([len(f)]) + f for f in (req, rep, ping))
    seed(t, "seed-linux-frames",
         trace_file([trace_row(100.00002, "r1", "eth1", None, "x", "arp",
                               "arp")]).encode() + b"\0" + frames)
    seed(t, "seed-frames-only", b"\0" + frames + b"\xff\x01")


def gen_fib():
    """Records of the routing table's target: op, address, length."""
    t = "fuzz_fib"
    add, dele, rep = 0, 2, 3

    def r(op, addr, length):
        code = 224 + length if length < 16 else length - 16
        return bytes([op]) + socket.inet_aton(addr) + bytes([code])

    nested = [r(add, "0.0.0.0", 0), r(add, "10.0.0.0", 8),
              r(add, "10.1.0.0", 16), r(add, "10.1.2.0", 23),
              r(add, "10.1.2.0", 24), r(add, "10.1.2.0", 25),
              r(add, "10.1.2.64", 26), r(add, "10.1.2.65", 32),
              r(add, "10.1.3.128", 25), r(add, "255.255.255.255", 32)]
    # Deleting from the middle out hands each range to the next longest.
    unwind = [r(dele, "10.1.2.0", 24), r(dele, "10.1.2.64", 26),
              r(dele, "10.1.2.0", 25), r(dele, "10.1.2.65", 32),
              r(dele, "10.1.0.0", 16), r(dele, "0.0.0.0", 0),
              r(dele, "10.1.3.128", 25), r(dele, "10.0.0.0", 8)]
    for fib_min in (0, 1, 3):
        seed(t, "seed-nested-%d" % fib_min,
             bytes([fib_min]) + b"".join(nested + unwind))
    seed(t, "seed-replace", bytes([0]) + b"".join([
        r(add, "192.0.2.0", 24), r(rep, "192.0.2.0", 24),
        r(rep, "192.0.2.128", 25), r(rep, "0.0.0.0", 0),
        r(add, "192.0.2.0", 24), r(dele, "192.0.2.0", 24),
        r(dele, "192.0.2.0", 24), r(dele, "192.0.2.128", 25)]))
    # Extension tables: many /24s with longer prefixes, then none.
    longer = [r(add, "172.16.%d.%d" % (i, 4 * i), 30) for i in range(12)]
    seed(t, "seed-extension-tables", bytes([0]) + b"".join(
        longer + [r(add, "172.16.0.0", 12)] +
        [r(dele, "172.16.%d.%d" % (i, 4 * i), 30) for i in range(12)]))
    # Past 8 routes the index is built, below 4 it is dropped again.
    grow = [r(add, "198.18.%d.0" % i, 24) for i in range(10)]
    seed(t, "seed-built-and-dropped", bytes([2]) + b"".join(
        grow + [r(dele, "198.18.%d.0" % i, 24) for i in range(8)] + grow))
    seed(t, "seed-short-prefixes", bytes([0]) + b"".join([
        r(add, "100.0.0.0", 9), r(add, "100.64.0.0", 13),
        r(add, "100.64.0.1", 32), r(dele, "100.0.0.0", 9),
        r(dele, "100.64.0.0", 13)]))


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus")
    for gen in (gen_ether, gen_frame, gen_arp, gen_ctl_parse, gen_impair,
                gen_icmp, gen_ipv4,
                gen_ctl_conn, gen_router_input, gen_host_input,
                gen_switch_input, gen_switch_cmd, gen_stp_bpdu,
                gen_router_cmd,
                gen_host_cmd, gen_hopctl_render, gen_tcp_seg,
                gen_tcp_conn, gen_http, gen_journey, gen_fib):
        gen()
    for target, seeds in sorted(corpus.items()):
        d = os.path.join(root, target)
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            if f.startswith(("seed-", "regress-")):
                os.remove(os.path.join(d, f))
        for name, data in sorted(seeds.items()):
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        print("%s: %d seeds" % (target, len(seeds)))


if __name__ == "__main__":
    main()
