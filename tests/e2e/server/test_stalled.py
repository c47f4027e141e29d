"""Clients that ask for a large answer and stop reading.

A streamed data answer holds an LMDB read transaction while it is produced, and the store has
1,024 readers: 1,100 connections asking for a large answer and never reading used to make
every other request fail (MDB_READERS_FULL). Now at most --max-client-streams answers per
client address (8) and --max-streams in all (512) are streamed at once; past them a data query
whose answer is larger than one small chunk gets 503 with Retry-After, while short answers are
still given; and a client that takes nothing of its answer for --stall-timeout seconds is
disconnected, which frees its request.

The stalled clients connect from other loopback addresses (127.0.0.2 and up), eight each, so
that the probes from 127.0.0.1 stand for other clients.
"""
import resource
import select
import socket
import time

from harness import Server, check, done, sdmx_error, status_of

LARGE = "/data/SDMXD,DF_SDG,1.0"  # 11 MB of SDMX-ML: far more than the socket buffers hold
SMALL = "/data/DF_MIGRANT_STOCK/840.._T._T?startPeriod=2010&format=csv"
STALLED = 1100
STALL_TIMEOUT = 4

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
want = STALLED + 300
if hard != resource.RLIM_INFINITY and hard < want:
    from harness import skip
    skip("the hard file limit (%d) is too low for %d connections" % (hard, STALLED))
resource.setrlimit(resource.RLIMIT_NOFILE, (want if hard == resource.RLIM_INFINITY
                                            else min(hard, 8192), hard))


def ask(port, source, path):
    """A connection from source that asks for path and reads only the head of the answer."""
    c = socket.socket()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    c.bind((source, 0))
    c.settimeout(10)
    c.connect(("127.0.0.1", port))
    c.sendall(("GET /rest%s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % path).encode())
    return c


def not_ended(socks, seconds):
    """The sockets the server has not ended (reset or closed) within seconds; nothing is read
    from them, so that none takes any more of its answer."""
    p = select.poll()
    by_fd = {}
    for c in socks:
        p.register(c, select.POLLRDHUP | select.POLLHUP | select.POLLERR)
        by_fd[c.fileno()] = c
    left = set(by_fd)
    deadline = time.time() + seconds
    while left and time.time() < deadline:
        for fd, _ in p.poll(200):
            left.discard(fd)
            p.unregister(fd)
    return [by_fd[fd] for fd in left]


with Server() as s:
    s.start()  # the default stall timeout, 30 s, outlasts the set-up of 1,100 connections
    status, _, body = s.get(LARGE)
    check(status == 200 and len(body) > 8 << 20, "the large answer has %d bytes" % len(body))

    # one client: eight large answers at once, the ninth and tenth refused
    mine = [ask(s.port, "127.0.0.250", LARGE) for _ in range(10)]
    got = [status_of(c) for c in mine]
    ok = [c for c, (st, _) in zip(mine, got) if st == 200]
    refused = [head for st, head in got if st == 503]
    check(len(ok) == 8 and len(refused) == 2, "one client gets 8 large answers at once and 2 "
          "refusals: %s" % [st for st, _ in got])
    check(b"retry-after:" in refused[0].lower(), "the 503 says when to retry")
    s.probe(SMALL)

    # 1,100 connections from 138 addresses, none reading past the head
    stalled = []
    t0 = time.time()
    for i in range(STALLED):
        stalled.append(ask(s.port, "127.0.0.%d" % (2 + i // 8), LARGE))
    statuses = [status_of(c)[0] for c in stalled]
    served = [c for c, st in zip(stalled, statuses) if st == 200]
    n503 = statuses.count(503)
    print("%d stalled answers streamed, %d refused (503), in %.1f s"
          % (len(served), n503, time.time() - t0), flush=True)
    check(len(served) + n503 == STALLED, "every stalled client got 200 or 503: %s"
          % sorted(set(statuses), key=str))
    check(len(served) + len(ok) <= 512, "at most --max-streams (512) answers are streamed at "
          "once: %d" % (len(served) + len(ok)))

    # other clients are still served: a structure query, a short data answer
    for _ in range(3):
        s.probe()
        s.probe(SMALL)
    status, headers, body = s.get(LARGE, timeout=10)
    check(status == 503, "a large answer past the stream cap: 503, not %d" % status)
    check(headers.get("retry-after", "").isdigit(), "with Retry-After")
    check(sdmx_error(body)[0] == 503, "as an SDMX error 503")

    for c in stalled + mine:
        c.close()
    s.stop()

    # with a short --stall-timeout, stalled clients are disconnected, their places freed
    s.start("--stall-timeout", str(STALL_TIMEOUT))
    few = [ask(s.port, "127.0.0.%d" % (2 + i // 8), LARGE) for i in range(40)]
    check(all(status_of(c)[0] == 200 for c in few), "40 large answers are streamed")
    t0 = time.time()
    check(len(not_ended(few, 1)) == len(few), "the stalled clients are connected at first")
    still = not_ended(few, STALL_TIMEOUT * 2 + 10)
    check(not still, "%d stalled clients still connected %.0f s after they stopped reading"
          % (len(still), time.time() - t0))
    print("stalled clients disconnected after %.1f s (--stall-timeout %d)"
          % (time.time() - t0, STALL_TIMEOUT), flush=True)
    check("read nothing for %d s" % STALL_TIMEOUT in s.log_text(),
          "the closing of stalled clients is logged")
    status, _, body = s.get(LARGE, timeout=60)
    check(status == 200 and len(body) > 8 << 20, "a large answer is given again: %d" % status)
    s.probe()
    for c in few:
        c.close()

done()
