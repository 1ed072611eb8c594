#!/usr/bin/env python3
"""Neovim's Python client (Debian's python3-pynvim) against a node: its
msgpack_rpc session opens with a notification named by a bin
(nvim_set_client_info), then pings, ingests and reads a profile back.

    /usr/bin/python3 tests/net/pynvim_session.py PORT
"""
import sys

from pynvim.msgpack_rpc import tcp_session


class NodeError(Exception):
    """An error answer: its {"code", "message"} map."""

    def __init__(self, error):
        super().__init__("%s: %s" % (error["code"], error["message"]))
        self.code = error["code"]


def check(what, ok):
    if not ok:
        print("FAILED:", what)
        sys.exit(1)
    print("ok:", what)


def main():
    session = tcp_session("127.0.0.1", int(sys.argv[1]))
    session.error_wrapper = NodeError
    check("ping answers pong after the client's opening notification", session.request("ping") == "pong")

    ts = 1767225600000
    events = [
        {"user": "nv-user", "type": "view", "item": "sku-1", "category": "shoes", "price": 80.0, "ts": ts},
        {"user": "nv-user", "type": "purchase", "item": "sku-1", "category": "shoes", "price": 80.0,
         "quantity": 2, "ts": ts + 60000, "id": "order-1"},
        {"user": "nv-user", "type": "purchase", "item": "sku-2", "ts": ts + 61000},
        {"user": "nv-user", "type": "teleport", "item": "sku-1", "ts": ts + 62000},
    ]
    answer = session.request("ingest", events)
    check("ingest accepts the two good events", answer["accepted"] == 2)
    codes = [(r["index"], r["code"]) for r in answer["rejected"]]
    check("ingest rejects a purchase without a price and an unknown type: %s" % codes,
          codes == [(2, "bad_price"), (3, "bad_type")])

    # pynvim sends a bytes method name as a bin, and a str one as a str.
    profile = session.request(b"get_profile", "nv-user", {"fields": ["user", "counts", "rfm", "affinity"]})
    check("the profile counts one view and one purchase",
          profile["counts"].get("view") == 1 and profile["counts"].get("purchase") == 1)
    check("monetary is price x quantity", profile["rfm"]["monetary"] == 160.0)
    check("the category affinity is there", "shoes" in profile["affinity"]["category"])

    try:
        session.request("get_profile", "nobody")
        check("an unknown user is not_found", False)
    except NodeError as e:
        check("an unknown user is not_found", e.code == "not_found")
    check("the session still serves after an error answer", session.request("ping") == "pong")
    session.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
