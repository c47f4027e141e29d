"""Request bodies are judged by their head, before the server reads them.

An upload without a valid token is answered 401 as soon as its head has arrived: 40 clients
announcing 60 MB each and then trickling the body cost the server nothing, and a client that
sends the whole body without waiting still reads its 401 (what it sends is dropped). A body past
--max-body is answered 413, one past --max-spool (the bodies held at once, all clients
together) 503 with Retry-After, both unread; on a route that takes no body, the body is not
read either. The same holds for the second request of a kept-alive connection and for a
pipelined one. A valid upload is still read and stored.
"""
import resource
import socket
import time

from harness import Server, check, demo, done, sdmx_error

BIG = 60 << 20
FLOW = "/data/SDMXD,DF_SDG,1.0"


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def read_response(sock, timeout):
    """(status, headers dict, body) of the next response on sock, None when none comes within
    timeout (or the connection ends first). What follows it stays for the next call."""
    sock.settimeout(timeout)
    deadline = time.time() + timeout
    buf = left.pop(sock, b"")
    while b"\r\n\r\n" not in buf:
        if time.time() > deadline:
            return None
        try:
            chunk = sock.recv(65536)
        except (socket.timeout, OSError):
            return None
        if not chunk:
            return None
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length and time.time() < deadline:
        try:
            chunk = sock.recv(65536)
        except (socket.timeout, OSError):
            break
        if not chunk:
            break
        rest += chunk
    left[sock] = rest[length:]
    return int(lines[0].split(" ")[1]), headers, rest[:length]


left = {}  # bytes read past a response, by socket


def upload_head(path, length=None, token=None, method="POST"):
    h = ("%s /rest%s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/xml\r\n"
         "Accept: application/json\r\n" % (method, path))
    if token:
        h += "Authorization: Bearer %s\r\n" % token
    h += "Transfer-Encoding: chunked\r\n" if length is None else "Content-Length: %d\r\n" % length
    return (h + "\r\n").encode()


def get_head(path):
    return ("GET /rest%s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % path).encode()


soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if soft < 512 <= hard:
    resource.setrlimit(resource.RLIMIT_NOFILE, (512, hard))

with Server() as s:
    token = s.token("--provider", "SDMXD:DATA_PROVIDERS(1.0).UNSD")
    s.start()
    pid = s.proc.pid
    rss0 = rss_kb(pid)

    # 40 unauthenticated uploads announcing 60 MB each: 401 at the head, before any body byte
    socks = []
    for i in range(40):
        c = s.connect()
        c.sendall(upload_head(FLOW, BIG))
        socks.append(c)
    for i, c in enumerate(socks):
        r = read_response(c, 5)
        check(r is not None, "upload %d without a token is answered before its body is sent" % i)
        status, headers, body = r
        check(status == 401, "upload %d without a token: 401, not %d" % (i, status))
        check("bearer" in headers.get("www-authenticate", "").lower(),
              "the 401 asks for a Bearer token")
        check(sdmx_error(body)[0] == 110, "the 401 is an SDMX error 110: %r" % body[:300])
    # then they trickle their bodies: the server reads none of it, and closes
    chunk = b"<" * 65536
    for _ in range(4):
        for c in socks:
            try:
                c.sendall(chunk)
            except OSError:
                pass
        time.sleep(0.05)
    s.probe()
    s.probe("/data/DF_MIGRANT_STOCK/840.._T._T?startPeriod=2010&format=csv")
    grown = rss_kb(pid) - rss0
    check(grown < 64 * 1024, "40 refused uploads grow the server by %d KiB" % grown)
    for c in socks:
        c.close()

    # a client that sends its whole body without waiting for an answer (no Expect:
    # 100-continue) reads the 401 too: what follows the head is read and dropped, not kept
    rss1 = rss_kb(pid)
    status, headers, body = s.upload("SDMXD,DF_SDG,1.0", None, b"<" * BIG)
    check(status == 401, "an upload sent whole without a token reads its 401: %d" % status)
    grown = rss_kb(pid) - rss1
    check(grown < 32 * 1024, "the dropped body grows the server by %d KiB" % grown)

    # a chunked one, and one with a token that is not valid
    c = s.connect()
    c.sendall(upload_head(FLOW, None))
    r = read_response(c, 5)
    check(r is not None and r[0] == 401, "a chunked upload without a token: 401 at its head")
    c.close()
    c = s.connect()
    c.sendall(upload_head(FLOW, BIG, token="0123456789abcdef"))
    r = read_response(c, 5)
    check(r is not None and r[0] == 401, "an upload with a bad token: 401 at its head")
    c.close()
    c = s.connect()
    c.sendall(upload_head("/structure", BIG))
    r = read_response(c, 5)
    check(r is not None and r[0] == 401, "a structure submission without a token: 401 at its head")
    c.close()

    # past --max-body (64 MiB), even with a valid token: 413 at the head
    c = s.connect()
    c.sendall(upload_head(FLOW, 70 << 20, token=token))
    r = read_response(c, 5)
    check(r is not None and r[0] == 413, "an upload past --max-body: 413 at its head, got %r"
          % (r and r[0]))
    check(sdmx_error(r[2])[0] == 130, "the 413 is an SDMX error 130")
    c.close()

    # the second request of a kept-alive connection is judged the same
    c = s.connect()
    c.sendall(get_head("/dataflow"))
    r = read_response(c, 10)
    check(r is not None and r[0] == 200, "a GET first on the connection")
    c.sendall(upload_head(FLOW, BIG))
    r = read_response(c, 5)
    check(r is not None and r[0] == 401, "then an upload without a token on the same connection: "
          "401 at its head, got %r" % (r and r[0]))
    c.close()

    # and a pipelined one, sent with the GET before its answer
    c = s.connect()
    c.sendall(get_head("/dataflow") + upload_head(FLOW, BIG))
    r1 = read_response(c, 10)
    r2 = read_response(c, 5)
    check(r1 is not None and r1[0] == 200, "the pipelined GET is answered")
    check(r2 is not None and r2[0] == 401, "the pipelined upload without a token: 401 at its head, "
          "got %r" % (r2 and r2[0]))
    c.close()

    # a body on a route that takes none is not read: the answer comes, then the connection ends
    c = s.connect()
    c.sendall(("GET /rest/dataflow HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % BIG)
              .encode())
    r = read_response(c, 5)
    check(r is not None and r[0] == 200, "a GET announcing a body is answered without it")
    c.close()

    # a valid upload is read and stored as before
    with open(demo("data/sdg.xml"), "rb") as f:
        data = f.read()
    status, _, body = s.upload("SDMXD,DF_SDG,1.0", token, data)
    check(status in (200, 201), "a valid upload is still read: %d %r" % (status, body[:300]))
    s.stop()

    # --max-spool: the bodies held at once. One of 4.5 MB is being read; a second is refused
    s.start("--max-body", "5000000", "--max-spool", "8000000")
    first = s.connect()
    first.sendall(upload_head(FLOW, 4500000, token=token) + b"<" * 1000)
    check(read_response(first, 1) is None, "an upload within the spool waits for its body")
    c = s.connect()
    c.sendall(upload_head(FLOW, len(data), token=token))
    r = read_response(c, 5)
    check(r is not None and r[0] == 503, "an upload past --max-spool: 503 at its head, got %r"
          % (r and r[0]))
    check(r[1].get("retry-after", "").isdigit(), "the 503 says when to retry: %r" % r[1])
    check(sdmx_error(r[2])[0] == 503, "the 503 is an SDMX error 503")
    c.close()
    first.close()
    time.sleep(0.3)
    status, _, body = s.upload("SDMXD,DF_SDG,1.0", token, data)
    check(status in (200, 201), "once the first is gone, an upload fits again: %d %r"
          % (status, body[:300]))
    s.probe()

done()
