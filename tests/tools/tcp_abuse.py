#!/usr/bin/python3
"""tcp_abuse: hostile TCP segments for the end-to-end tests, sent as raw
Ethernet frames out of one interface, with valid IPv4 and TCP checksums so
that they get past the checks and reach TCP itself.

  synflood  SYNs from random source addresses and ports to DST:DPORT,
            most with the options a real client offers
  random    segments with random flags, numbers, windows, options and
            payloads to DST:DPORT, from SRC:SPORT when given (an
            established connection's peer), else from random ports
  blindrst  RSTs (and SYNs, and bare ACKs with data) from SRC:SPORT to
            DST:DPORT with random sequence numbers: what an attacker who
            knows the four-tuple but not the window sends (RFC 5961);
            with --seq-near N, numbers within --spread of N, as from one
            who has a rough idea of where the window is

Every run is seeded; the frames are built first and then sent as fast as
the socket takes them. Prints the number of frames sent.
"""
import argparse
import random
import socket
import sys

from scapy.all import IP, TCP, Ether, Raw, raw  # noqa: E402 (scapy is big)


def random_source(rng):
    """A unicast address outside the lab's 10.0.0.0/8."""
    while True:
        a = rng.randrange(1, 224)
        if a not in (10, 127):
            return "%d.%d.%d.%d" % (a, rng.randrange(256), rng.randrange(256),
                                    rng.randrange(1, 255))


def client_options(rng):
    """The options of a SYN: those of Linux, sometimes fewer, in any order."""
    opts = [("MSS", rng.choice([536, 1200, 1460])), ("SAckOK", b""),
            ("Timestamp", (rng.getrandbits(32), 0)),
            ("WScale", rng.randrange(15))]
    rng.shuffle(opts)
    return opts[:rng.randrange(len(opts) + 1)]


def random_options(rng):
    """Anything at all, up to the 40 bytes a header has room for."""
    kind = rng.randrange(4)
    if kind == 0:
        return []
    if kind == 1:
        return client_options(rng)
    if kind == 2:
        left = rng.getrandbits(32)
        return [("SAck", tuple(left + rng.randrange(1 << 16) * i
                               for i in range(2 * rng.randrange(1, 5))))]
    n = rng.randrange(1, 11) * 4
    return [(rng.randrange(256), bytes(rng.getrandbits(8)
                                       for _ in range(n - 2)))]


def frames(args, rng):
    eth = Ether(src=args.src_mac, dst=args.dst_mac)
    for _ in range(args.count):
        if args.mode == "synflood":
            seg = IP(src=random_source(rng), dst=args.dst) / TCP(
                sport=rng.randrange(1024, 65536), dport=args.dport,
                flags="S", seq=rng.getrandbits(32),
                window=rng.randrange(1, 65536), options=client_options(rng))
        elif args.mode == "random":
            seg = IP(src=args.src or random_source(rng), dst=args.dst) / TCP(
                sport=args.sport or rng.randrange(1, 65536),
                dport=args.dport, flags=rng.getrandbits(8),
                seq=rng.getrandbits(32), ack=rng.getrandbits(32),
                window=rng.getrandbits(16), urgptr=rng.getrandbits(16),
                options=random_options(rng))
            length = rng.choice([0, 0, 1, rng.randrange(1, 1400)])
            if length:
                seg = seg / Raw(bytes(rng.getrandbits(8)
                                      for _ in range(length)))
        else:
            flags = rng.choice(["R", "R", "R", "RA", "S", "A"])
            if args.seq_near is None:
                seq = rng.getrandbits(32)
            else:
                seq = (args.seq_near + rng.randrange(-args.spread,
                                                     args.spread)) % (1 << 32)
            seg = IP(src=args.src, dst=args.dst) / TCP(
                sport=args.sport, dport=args.dport, flags=flags,
                seq=seq, ack=rng.getrandbits(32),
                window=rng.getrandbits(16))
            if flags == "A":
                seg = seg / Raw(b"injected by a blind attacker\n")
        # Building it again makes scapy fill in the checksums and lengths
        # (the options may be garbage: scapy still counts them right).
        yield raw(eth / seg)


def main():
    p = argparse.ArgumentParser(
        description="Sends hostile TCP segments as raw frames.")
    p.add_argument("mode", choices=["synflood", "random", "blindrst"])
    p.add_argument("-i", "--iface", required=True,
                   help="interface to send on")
    p.add_argument("--dst-mac", required=True, help="the target's MAC")
    p.add_argument("--dst", required=True, help="the target's address")
    p.add_argument("--dport", type=int, required=True,
                   help="the target's port")
    p.add_argument("--src", help="source address (random: see the modes)")
    p.add_argument("--sport", type=int, default=0, help="source port")
    p.add_argument("--seq-near", type=int,
                   help="blindrst: sequence numbers near this one")
    p.add_argument("--spread", type=int, default=1 << 20,
                   help="how near (default 1 MiB either way)")
    p.add_argument("-n", "--count", type=int, default=10000,
                   help="frames to send (default 10000)")
    p.add_argument("--seed", type=int, default=1, help="default 1")
    args = p.parse_args()
    if args.mode == "blindrst" and not (args.src and args.sport):
        p.error("blindrst needs --src and --sport")
    if args.spread < 1:
        p.error("--spread must be positive")
    if args.count < 0:
        p.error("--count must not be negative")
    with open("/sys/class/net/%s/address" % args.iface) as f:
        args.src_mac = f.read().strip()
    rng = random.Random(args.seed)
    built = list(frames(args, rng))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((args.iface, 0))
    for f in built:
        s.send(f)
    s.close()
    print(len(built))
    return 0


if __name__ == "__main__":
    sys.exit(main())
