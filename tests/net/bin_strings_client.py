#!/usr/bin/env python3
"""A client that sends every string as a msgpack bin (method names, map keys,
values), as MessagePack libraries without a str/bin distinction do, against a
node: ping, ingest and get_profile are served; a bin that is not UTF-8 gets
bad_request and the connection stays open.

    /usr/bin/python3 tests/net/bin_strings_client.py PORT
"""
import socket
import sys

import msgpack


def as_bins(x):
    """`x` with every str, map keys included, turned into UTF-8 bytes."""
    if isinstance(x, str):
        return x.encode("utf-8")
    if isinstance(x, list):
        return [as_bins(v) for v in x]
    if isinstance(x, dict):
        return {as_bins(k): as_bins(v) for k, v in x.items()}
    return x


def has_str(x):
    """Whether `x`, as unpacked with raw=False, holds a msgpack str."""
    if isinstance(x, str):
        return True
    if isinstance(x, list):
        return any(has_str(v) for v in x)
    if isinstance(x, dict):
        return any(has_str(k) or has_str(v) for k, v in x.items())
    return False


class BinClient:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.unpacker = msgpack.Unpacker(raw=False)
        self.next_id = 1

    def send(self, message):
        data = msgpack.packb(as_bins(message), use_bin_type=True)
        assert not has_str(msgpack.unpackb(data, raw=False)), "every string must travel as a bin"
        self.sock.sendall(data)

    def notify(self, method, *params):
        self.send([2, method, list(params)])

    def call(self, method, *params):
        msgid = self.next_id
        self.next_id += 1
        self.send([0, msgid, method, list(params)])
        while True:
            for message in self.unpacker:
                kind, reply_id, error, result = message
                if kind == 1 and reply_id == msgid:
                    return error, result
            data = self.sock.recv(65536)
            if not data:
                raise RuntimeError("the node closed the connection")
            self.unpacker.feed(data)


def check(what, ok):
    if not ok:
        print("FAILED:", what)
        sys.exit(1)
    print("ok:", what)


def main():
    client = BinClient(int(sys.argv[1]))
    client.notify("nvim_set_client_info", "bin-client", {}, "remote", {}, {})
    check("ping answers pong after an unknown notification", client.call("ping") == (None, "pong"))

    ts = 1767225600000
    events = [
        {"user": "bin-user", "type": "add_to_cart", "item": "sku-1", "category": ["shoes"], "ts": ts},
        {"user": "bin-user", "type": "purchase", "item": "sku-1", "category": ["shoes"], "price": 40.0,
         "brand": "acme", "ts": ts + 1000},
        {"user": "bin-user", "type": "purchase", "item": "sku-1", "price": -1.0, "ts": ts + 2000},
    ]
    error, answer = client.call("ingest", events)
    check("ingest answers", error is None)
    check("two events accepted", answer["accepted"] == 2)
    check("a negative price is rejected as bad_price",
          [(r["index"], r["code"]) for r in answer["rejected"]] == [(2, "bad_price")])

    error, profile = client.call("get_profile", "bin-user", {"fields": ["counts", "rfm", "affinity"]})
    check("get_profile answers", error is None)
    check("the counts are the accepted events",
          profile["counts"].get("add_to_cart") == 1 and profile["counts"].get("purchase") == 1)
    check("monetary is 40", profile["rfm"]["monetary"] == 40.0)
    check("the brand affinity was read from a bin", "acme" in profile["affinity"]["brand"])

    error, _ = client.call("get_profile", b"\xff\xfe")
    check("a user id that is not UTF-8 gets bad_request naming it",
          error is not None and error["code"] == "bad_request" and error["message"].startswith("user "))
    error, _ = client.call(b"\xc3\x28")
    check("a method name that is not UTF-8 gets bad_request",
          error is not None and error["code"] == "bad_request")
    check("the connection stays open", client.call("ping") == (None, "pong"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
