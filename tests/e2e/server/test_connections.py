"""Connections under a cap below the file descriptor limit.

With a limit of 1,024 descriptors, 2,000 idle connections used to leave accept() failing with
EMFILE on a listener that stays ready: 100% CPU, and a new client waited for h2o's 10 s idle
timeout. Now the server stops accepting at its cap, closes the longest idle connections to make
room, and serves the new client at once; the cap is logged once, not at every accept. The soft
limit is raised to the hard one at start.
"""
import resource
import socket
import time

from harness import Server, check, done, skip

IDLE = 2000
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if hard != resource.RLIM_INFINITY and hard < IDLE + 200:
    skip("the hard file limit (%d) is too low for %d client connections" % (hard, IDLE))
resource.setrlimit(resource.RLIMIT_NOFILE, (IDLE + 200 if hard == resource.RLIM_INFINITY
                                            else min(hard, 8192), hard))


def limit_1024():
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))


def soft_limit(pid):
    with open("/proc/%d/limits" % pid) as f:
        for line in f:
            if line.startswith("Max open files"):
                return int(line.split()[3])
    return None


with Server() as s:
    s.start(preexec_fn=limit_1024)
    s.probe()
    idle = []
    for i in range(IDLE):
        try:
            idle.append(socket.create_connection(("127.0.0.1", s.port), timeout=10))
        except OSError as e:
            check(False, "connection %d: %s" % (i, e))
    time.sleep(0.5)
    check(s.alive(), "the server lives with %d idle connections" % IDLE)
    waited = s.probe()
    s.probe("/data/DF_MIGRANT_STOCK/840.._T._T?startPeriod=2010&format=csv")
    print("probe answered in %.2f s past %d idle connections" % (waited, IDLE), flush=True)
    cap_lines = [l for l in s.log_text().splitlines() if "the cap" in l]
    check(1 <= len(cap_lines) <= 2, "the cap is logged once, not at every accept: %d lines"
          % len(cap_lines))
    # the evicted ones were closed by the server; the newest idle ones are still open
    closed = 0
    for c in idle:
        c.setblocking(False)
        try:
            if c.recv(1) == b"":
                closed += 1
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    print("%d of the idle connections were closed to make room" % closed, flush=True)
    check(closed > 0, "idle connections are closed to make room")
    for c in idle:
        c.close()
    time.sleep(0.3)
    for _ in range(3):
        s.probe()
    s.stop()

    # the soft limit is raised to the hard one
    s.start(preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (256, 4096)))
    got = soft_limit(s.proc.pid)
    check(got == 4096, "the soft file limit is raised to the hard one: %s" % got)
    s.probe()

done()
