#!/usr/bin/env python3
"""How long after event time passes a node pushes segment exits.

Defines a live segment on `windows.24h.purchase >= 1`, subscribes to it,
sends a purchase for each of --users users (spread over the node's
shards), waits for every enter, then sends one view two days later for
another user and nothing more. Prints the time until each exit arrived;
the documented bound is --segment-sweep-interval-ms plus the sweep. Each
run moves the node's now by two days: start a fresh node for each.

    build/net/personad --port=7411 --data-dir= &
    /usr/bin/python3 scripts/bench/segment_exit_lag.py --port 7411
"""
import argparse
import socket
import sys
import time

import msgpack


class Connection:
    """One MessagePack-RPC connection: calls, and the notifications between."""

    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=60)
        self.unpacker = msgpack.Unpacker(raw=False)
        self.next_id = 1
        self.notifications = []

    def read(self):
        data = self.sock.recv(1 << 16)
        if not data:
            raise RuntimeError("the node closed the connection")
        self.unpacker.feed(data)
        for message in self.unpacker:
            yield message

    def call(self, method, *params):
        msgid = self.next_id
        self.next_id += 1
        self.sock.sendall(msgpack.packb([0, msgid, method, list(params)], use_bin_type=True))
        while True:
            for message in self.read():
                if message[0] == 2:
                    self.notifications.append((time.monotonic(), message[1], message[2]))
                elif message[1] == msgid:
                    if message[2] is not None:
                        raise RuntimeError("%s: %s" % (message[2]["code"], message[2]["message"]))
                    return message[3]

    def wait_segment_events(self, entered, count, limit_s):
        """Times at which `count` segment events with this `entered` came."""
        times = []
        deadline = time.monotonic() + limit_s
        pending, self.notifications = self.notifications, []
        while len(times) < count:
            for at, method, params in pending:
                if method == "segment_event":
                    times += [at for e in params[0] if e["entered"] == entered]
            pending = []
            if len(times) >= count:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self.sock.settimeout(remaining)
            try:
                pending = [(time.monotonic(), m[1], m[2]) for m in self.read() if m[0] == 2]
            except socket.timeout:
                break
        return times


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7400)
    parser.add_argument("--users", type=int, default=64)
    parser.add_argument("--limit-s", type=float, default=60, help="longest wait for the exits")
    args = parser.parse_args()

    admin = Connection(args.host, args.port)
    watcher = Connection(args.host, args.port)
    name = "bought_24h"
    admin.call("define_segment", name, {"field": "windows.24h.purchase", "op": ">=", "value": 1})
    watcher.call("subscribe", [name])
    bought = int(time.time() * 1000) - 3 * 86400000
    if admin.call("stats")["events_accepted"] > 0:
        print("the node has taken events, so its now may be past the purchases: start a fresh node (--data-dir=)")
        return 1
    buys = [{"user": "%s-buyer%d" % (name, u), "type": "purchase", "item": "i1", "price": 10.0, "ts": bought}
            for u in range(args.users)]
    admin.call("ingest", buys)
    if len(watcher.wait_segment_events(True, args.users, args.limit_s)) < args.users:
        print("not every buyer entered the segment")
        return 1
    sent = time.monotonic()
    admin.call("ingest", [{"user": name + "-late", "type": "view", "item": "i2", "ts": bought + 2 * 86400000}])
    exits = watcher.wait_segment_events(False, args.users, args.limit_s)
    if len(exits) < args.users:
        print("%d of %d exits within %.0f s" % (len(exits), args.users, args.limit_s))
        return 1
    lags = sorted((t - sent) * 1000 for t in exits)
    print("%d exits pushed: first after %.0f ms, median %.0f ms, last %.0f ms"
          % (len(lags), lags[0], lags[len(lags) // 2], lags[-1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
