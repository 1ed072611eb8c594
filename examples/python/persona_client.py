#!/usr/bin/env python3
"""A minimal Persona client on Debian's python3-msgpack: ingests a few events
over MessagePack-RPC and prints the user's profile.

    /usr/bin/python3 examples/python/persona_client.py [--host 127.0.0.1] [--port 7400]
        [--tls-ca ca.pem [--tls-cert client.pem --tls-key client.key]]
        [--token-file FILE]

With --tls-ca the connection uses TLS (the standard ssl module), trusting
only that CA's certificates for the node's, whose name must match --host.

On a node with tokens, the token comes from --token-file (a file only its
owner may read) or the environment variable PERSONA_TOKEN.
"""
import argparse
import json
import os
import socket
import ssl
import stat
import sys
import time

import msgpack


class PersonaClient:
    """Blocking client: one request at a time, replies matched by msgid."""

    def __init__(self, host, port, tls_ca=None, tls_cert=None, tls_key=None, timeout=10):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        if tls_ca:
            context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=tls_ca)
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            if tls_cert:
                context.load_cert_chain(tls_cert, tls_key)
            self.sock = context.wrap_socket(self.sock, server_hostname=host)
        self.unpacker = msgpack.Unpacker(raw=False)
        self.next_id = 1

    def call(self, method, *params):
        msgid = self.next_id
        self.next_id += 1
        self.sock.sendall(msgpack.packb([0, msgid, method, list(params)], use_bin_type=True))
        while True:
            for message in self.unpacker:
                kind, reply_id, error, result = message
                if kind == 1 and reply_id == msgid:
                    if error is not None:
                        raise RuntimeError("%s: %s" % (error["code"], error["message"]))
                    return result
            data = self.sock.recv(65536)
            if not data:
                raise RuntimeError("the node closed the connection")
            self.unpacker.feed(data)


def read_token(path):
    """The token in `path`, refused unless only its owner may read the file."""
    if path is None:
        return os.environ.get("PERSONA_TOKEN")
    mode = os.stat(path).st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SystemExit("--token-file: %s is readable by others (mode %o); chmod 600 it" % (path, mode & 0o777))
    with open(path, encoding="utf-8") as f:
        return f.read().rstrip("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7400)
    parser.add_argument("--tls-ca", help="PEM CA of the node's certificate: connect with TLS")
    parser.add_argument("--tls-cert", help="PEM client certificate, for a node that asks for one")
    parser.add_argument("--tls-key", help="private key of --tls-cert")
    parser.add_argument("--token-file", help="file holding the hello token (mode 0600); else PERSONA_TOKEN")
    args = parser.parse_args()

    client = PersonaClient(args.host, args.port, args.tls_ca, args.tls_cert, args.tls_key)
    hello = {"client": "python-example"}
    token = read_token(args.token_file)
    if token:
        hello["token"] = token
    print("hello:", client.call("hello", hello))
    now = int(time.time() * 1000)
    events = [
        {"user": "py-user", "type": "view", "item": "sku-1", "category": "shoes", "price": 80.0, "ts": now - 60000},
        {"user": "py-user", "type": "add_to_cart", "item": "sku-1", "category": "shoes", "ts": now - 30000},
        {"user": "py-user", "type": "purchase", "item": "sku-1", "category": "shoes", "price": 80.0, "ts": now},
    ]
    print("ingest:", client.call("ingest", events))
    profile = client.call("get_profile", "py-user", {"fields": ["user", "counts", "rfm", "affinity", "tags"]})
    print(json.dumps(profile, indent=2, sort_keys=True))
    return 0 if profile["counts"]["purchase"] >= 1 else 1


if __name__ == "__main__":
    sys.exit(main())
