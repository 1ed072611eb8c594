#!/usr/bin/env python3
"""How long a deleted profile takes to leave a node's files.

Loads --users users (each with --events events, a device and a search)
into a node, takes a snapshot, then deletes --deletes users: each with
{"durable": true} (the answer comes once the compaction is done) and
prints the durations; then one plain delete, scanning the data directory
until no file holds the user's id, device or search text. Use one shard
so the compaction covers every user; the node's directory must be
--data-dir. The machine is likely shared: take the median.

    build/net/personad --port=7412 --shards=1 --data-dir=/tmp/erase-bench --erase-max-delay-s=4 &
    /usr/bin/python3 scripts/bench/erasure_time.py --port 7412 --data-dir /tmp/erase-bench --users 100000
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "python"))
from persona_client import PersonaClient  # noqa: E402


def traces(u):
    return ["user-%08d" % u, "dev-%08d-x" % u, "search text %08d" % u]


def files_holding(directory, needles):
    found = []
    for root, _, names in os.walk(directory):
        for name in names:
            try:
                with open(os.path.join(root, name), "rb") as f:
                    data = f.read()
            except OSError:
                continue
            found += [n for n in needles if n.encode() in data]
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7400)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--users", type=int, default=100000)
    parser.add_argument("--events", type=int, default=5)
    parser.add_argument("--deletes", type=int, default=5)
    args = parser.parse_args()

    c = PersonaClient(args.host, args.port, timeout=600)
    ts = 1767225600000
    batch = []
    for u in range(args.users):
        user, device, search = traces(u)
        for e in range(args.events - 1):
            batch.append({"user": user, "type": "view", "item": "i%d" % ((u + e) % 5000), "device": device, "ts": ts + e})
        batch.append({"user": user, "type": "search", "query": search, "device": device, "ts": ts + args.events})
        if len(batch) >= 20000:
            c.call("ingest", batch)
            batch = []
    if batch:
        c.call("ingest", batch)
    c.call("snapshot")
    stats = c.call("stats")
    print("users %d, events %d" % (stats["users"], stats["events_accepted"]))
    took = []
    for d in range(args.deletes):
        user = traces(d)[0]
        start = time.monotonic()
        c.call("delete_profile", user, {"durable": True})
        took.append((time.monotonic() - start) * 1000)
    print("durable delete: median %.0f ms, min %.0f, max %.0f (%d deletes)" %
          (statistics.median(took), min(took), max(took), len(took)))
    gone = args.deletes
    start = time.monotonic()
    c.call("delete_profile", traces(gone)[0])
    while files_holding(args.data_dir, traces(gone)):
        time.sleep(0.05)
    print("plain delete: files clean after %.0f ms" % ((time.monotonic() - start) * 1000))
    return 0


if __name__ == "__main__":
    sys.exit(main())
