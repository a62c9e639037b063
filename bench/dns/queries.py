#!/usr/bin/env python3
"""Writes the dnsperf workload of bench/dns.sh in dnsperf's binary (-B, TCP-stream) format: each
query is a 2-byte length and a DNS message, so every query can carry its own EDNS Client Subnet.

Mix (seeded, reproducible): 60% www.cdn.test. A with ECS from a random public /24 (varied across
real networks, GeoIP decides), 25% static names (SOA, NS, TXT, A), 15% NXDOMAIN names.
With --do every query sets the DNSSEC OK bit (bench/dns-dnssec.sh): the same mix, the same names.
Usage: queries.py [--do] OUT [COUNT]"""
import random
import struct
import sys

def name(text):
    out = b""
    for label in text.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"

TYPES = {"A": 1, "NS": 2, "SOA": 6, "TXT": 16, "AAAA": 28}

DO = False

def query(qid, qname, qtype, ecs=None):
    header = struct.pack(">HHHHHH", qid, 0x0000, 1, 0, 0, 1)
    question = name(qname) + struct.pack(">HH", TYPES[qtype], 1)
    options = b""
    if ecs is not None:
        addr = bytes(ecs[:3])                       # a /24: three address bytes
        body = struct.pack(">HBB", 1, 24, 0) + addr
        options = struct.pack(">HH", 8, len(body)) + body
    opt = b"\0" + struct.pack(">HHIH", 41, 1232, 0x8000 if DO else 0, len(options)) + options
    return header + question + opt

def public_slash24(rnd):
    while True:
        a = rnd.randint(1, 223)
        if a in (10, 100, 127, 169, 172, 192, 198, 203):
            continue
        return (a, rnd.randint(0, 255), rnd.randint(0, 255))

def main():
    global DO
    args = sys.argv[1:]
    if args and args[0] == "--do":
        DO = True
        args = args[1:]
    out = args[0]
    count = int(args[1]) if len(args) > 1 else 200_000
    rnd = random.Random(20261125)
    statics = [("cdn.test.", "SOA"), ("cdn.test.", "NS"), ("cdn.test.", "TXT"), ("ns1.cdn.test.", "A"),
               ("origin.cdn.test.", "A"), ("us-east.cdn.test.", "A"), ("eu-west.cdn.test.", "A"),
               ("ap-northeast.cdn.test.", "A")]
    with open(out, "wb") as f:
        for i in range(count):
            r = rnd.random()
            if r < 0.60:
                msg = query(i & 0xFFFF, "www.cdn.test.", "A", public_slash24(rnd))
            elif r < 0.85:
                qname, qtype = statics[rnd.randrange(len(statics))]
                msg = query(i & 0xFFFF, qname, qtype)
            else:
                msg = query(i & 0xFFFF, "nx%d.cdn.test." % rnd.randrange(1_000_000), "A")
            f.write(struct.pack(">H", len(msg)) + msg)

if __name__ == "__main__":
    main()
