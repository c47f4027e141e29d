"""HTTP/2 is off unless --http2.

h2o 2.2.5's HTTP/2 does not bound stream resets (CVE-2023-44487, rapid reset: 20,000
request-and-cancel pairs cost 8.9 s of server CPU), so the server speaks HTTP/1.1 only: a
prior-knowledge preface gets no SETTINGS frame back, an Upgrade: h2c request is answered in
HTTP/1.1. --http2 turns it on (documented as unsafe).
"""
import socket
import time

from harness import Server, check, done

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"


def read_for(sock, seconds):
    sock.settimeout(0.2)
    data = b""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    return data


def settings_frame(data):
    """Whether data starts with an HTTP/2 SETTINGS frame (type 4 on stream 0)."""
    return len(data) >= 9 and data[3] == 4 and data[5:9] == b"\x00\x00\x00\x00"


with Server() as s:
    s.start()
    c = s.connect()
    c.sendall(PREFACE)
    data = read_for(c, 2)
    c.close()
    check(not settings_frame(data), "a prior-knowledge HTTP/2 preface is not served as HTTP/2: "
          "%r" % data[:40])

    c = s.connect()
    c.sendall(b"GET /rest/dataflow HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              b"Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
              b"HTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n")
    data = read_for(c, 2)
    c.close()
    check(data.startswith(b"HTTP/1.1 200"), "Upgrade: h2c is answered in HTTP/1.1, not switched: "
          "%r" % data[:40])
    s.probe()
    s.stop()

    # the opt-in: --http2 serves the preface
    s.start("--http2")
    c = s.connect()
    c.sendall(PREFACE)
    data = read_for(c, 1)
    c.close()
    check(settings_frame(data), "with --http2, the preface is answered with SETTINGS: %r"
          % data[:40])
    s.probe()

done()
