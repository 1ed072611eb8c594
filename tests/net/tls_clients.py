#!/usr/bin/env python3
"""TLS probes against two running nodes, with the standard ssl module:
PORT_TLS serves TLS with the test CA's server certificate; PORT_MTLS also
requires client certificates (--tls-ca) and maps CN "feeder" to
ingest,query. CERTS is the directory tests/net/make_test_certs.sh filled.

    tls_clients.py PORT_TLS PORT_MTLS CERTS
"""
import os
import socket
import ssl
import sys

import msgpack


def tls_connect(port, ca, cert=None, key=None):
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca)
    if cert:
        context.load_cert_chain(cert, key)
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    return context.wrap_socket(raw, server_hostname="127.0.0.1")


def call(sock, method, *params, msgid=1):
    """One request; the reply's (error, result), or None if the node closed."""
    sock.sendall(msgpack.packb([0, msgid, method, list(params)], use_bin_type=True))
    unpacker = msgpack.Unpacker(raw=False)
    while True:
        for message in unpacker:
            if message[0] == 1 and message[1] == msgid:
                return message[2], message[3]
        try:
            data = sock.recv(65536)
        except (ConnectionResetError, ssl.SSLError):
            return None
        if not data:
            return None
        unpacker.feed(data)


def refused(what, attempt):
    """True when `attempt` fails to connect or gets no reply."""
    try:
        sock = attempt()
        outcome = call(sock, "ping")
    except (ssl.SSLError, ConnectionError, OSError) as e:
        print("%s: refused (%s)" % (what, e.__class__.__name__))
        return True
    if outcome is None:
        print("%s: refused (closed without a reply)" % what)
        return True
    print("%s: NOT refused, got %r" % (what, outcome))
    return False


def main():
    port_tls, port_mtls, certs = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    ca = os.path.join(certs, "ca.pem")
    other_ca = os.path.join(certs, "other-ca.pem")
    pem = lambda name: (os.path.join(certs, name + ".pem"), os.path.join(certs, name + ".key"))
    ok = True

    # TLS: hello, ingest, get_profile.
    sock = tls_connect(port_tls, ca)
    err, hello = call(sock, "hello", {"client": "tls-probe"})
    assert err is None and hello["server"] == "persona", (err, hello)
    events = [{"user": "tls-user", "type": "purchase", "item": "sku-1", "price": 5.0, "ts": 1767225600000}]
    err, res = call(sock, "ingest", events, msgid=2)
    assert err is None and res["accepted"] == 1, (err, res)
    err, profile = call(sock, "get_profile", "tls-user", {"fields": ["counts"]}, msgid=3)
    assert err is None and profile["counts"]["purchase"] == 1, (err, profile)
    print("TLS client: hello, ingest and get_profile answered")

    # Plain TCP on a TLS node: closed without a reply.
    ok &= refused("plain TCP", lambda: socket.create_connection(("127.0.0.1", port_tls), timeout=10))
    # A client trusting another CA refuses the node's certificate.
    ok &= refused("client trusting another CA", lambda: tls_connect(port_tls, other_ca))

    # Client certificates required: none, or one from another CA, refused.
    ok &= refused("no client certificate", lambda: tls_connect(port_mtls, ca))
    ok &= refused("client certificate of another CA", lambda: tls_connect(port_mtls, ca, *pem("client-other")))

    # A mapped certificate gets its roles without hello, and no more.
    sock = tls_connect(port_mtls, ca, *pem("client-feeder"))
    err, res = call(sock, "ingest", events, msgid=4)
    assert err is None and res["accepted"] == 1, (err, res)
    err, hello = call(sock, "hello", {"client": "feeder"}, msgid=5)
    assert err is None and sorted(hello["roles"]) == ["ingest", "query"], (err, hello)
    err, res = call(sock, "snapshot", msgid=6)
    assert err is not None and err["code"] == "forbidden", (err, res)
    print("client certificate CN=feeder: ingest, query; admin forbidden")

    # A certificate of the CA whose CN is not mapped gets no role.
    sock = tls_connect(port_mtls, ca, *pem("client-stranger"))
    err, res = call(sock, "ingest", events, msgid=7)
    assert err is not None and err["code"] in ("forbidden", "unauthenticated"), (err, res)
    print("client certificate CN=stranger: ingest refused (%s)" % err["code"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
