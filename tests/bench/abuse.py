#!/usr/bin/python3
"""What an attack costs everyone else: the latency of a probe request (a structure query and
a one-series data query) while each attack of the security tests runs against a real sdmxd
on loopback, against the same probes on an idle server. The test suite only checks that the
probes are answered within a generous timeout; the figures are here.

    tests/bench/abuse.py [--sdmxd ./sdmxd] [--csv FILE] [--probes N]

Every attack is bounded in count and time and addresses 127.0.0.1 only. Prints a table;
with --csv, appends rows in the layout of docs/performance.csv (step "abuse").
"""
import argparse
import datetime
import os
import resource
import socket
import statistics
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
os.environ.setdefault("SDMXD", os.path.join(HERE, "..", "..", "sdmxd"))

PROBES = [("structure", "/dataflow/SDMXD/DF_SDG/1.0"),
          ("one series", "/data/DF_SDG/A.G.SI_POV_DAY1.008...........")]
ROWS = []
SCALE = 1.0  # the attacks' counts are multiplied by it (bench.py --small: a tenth)


def n(count):
    return max(2, int(count * SCALE))


def record(measure, value, unit, baseline="", base_value=""):
    ratio = value / base_value if base_value not in ("", 0) else ""
    ROWS.append((measure, value, unit, baseline, base_value, ratio))
    print("  %-58s %10.2f %-5s %s" % (measure, value, unit,
                                      "(idle: %.2f, %.1fx)" % (base_value, ratio)
                                      if ratio != "" else ""), flush=True)


def probe_latencies(srv, n):
    """Milliseconds of n probes of each kind, in turn; a failed probe counts as its timeout."""
    out = {label: [] for label, _ in PROBES}
    for _ in range(n):
        for label, path in PROBES:
            t0 = time.monotonic()
            try:
                status, _, _ = srv.get(path, timeout=10)
                ok = status == 200
            except OSError:
                ok = False
            out[label].append((time.monotonic() - t0) * 1000 if ok else 10000.0)
    return out


def p99(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * 0.99))]


def report(name, lat, idle):
    for label, _ in PROBES:
        record("%s: %s probe p50" % (name, label), statistics.median(lat[label]), "ms",
               "idle server", statistics.median(idle[label]))
        record("%s: %s probe p99" % (name, label), p99(lat[label]), "ms",
               "idle server", p99(idle[label]))


def connections(srv, n, first=b""):
    socks = []
    for _ in range(n):
        try:
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.settimeout(5)
            s.connect(("127.0.0.1", srv.port))
            if first:
                s.sendall(first)
            socks.append(s)
        except OSError:
            break
    return socks


def close_all(socks):
    for s in socks:
        try:
            s.close()
        except OSError:
            pass


def attack_stalled_readers(srv, n_probes, idle):
    req = b"GET /rest/data/DF_SDG HTTP/1.1\r\nHost: bench\r\n\r\n"
    socks = connections(srv, n(1100), req)
    time.sleep(2)
    lat = probe_latencies(srv, n_probes)
    record("stalled readers: connections opened", len(socks), "")
    report("%d stalled readers of an 11 MB answer" % n(1100), lat, idle)
    close_all(socks)


def attack_unauthenticated_bodies(srv, n_probes, idle):
    head = (b"POST /rest/data/SDMXD,DF_SDG,1.0 HTTP/1.1\r\nHost: bench\r\n"
            b"Content-Type: application/xml\r\nContent-Length: 62914560\r\n\r\n")
    socks = connections(srv, n(40), head)
    chunk = b"<" * 65536
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # as much of the bodies as the server takes
        for s in socks:
            try:
                s.settimeout(0.01)
                s.send(chunk)
            except OSError:
                pass
    rss = srv_rss_mb(srv)
    lat = probe_latencies(srv, n_probes)
    record("%d unauthenticated 60 MB bodies: server resident" % n(40), rss, "MB")
    report("%d unauthenticated 60 MB bodies" % n(40), lat, idle)
    close_all(socks)


def attack_idle_connections(srv, n_probes, idle):
    socks = connections(srv, n(2000))
    time.sleep(1)
    lat = probe_latencies(srv, n_probes)
    record("idle connections: opened", len(socks), "")
    report("%d idle connections" % n(2000), lat, idle)
    close_all(socks)


def attack_slow_headers(srv, n_probes, idle):
    socks = connections(srv, n(500), b"GET /rest/dataflow HTTP/1.1\r\nHost: b")
    stop = threading.Event()

    def drip():
        while not stop.is_set():
            for s in socks:
                try:
                    s.send(b"x")
                except OSError:
                    pass
            stop.wait(0.5)
    t = threading.Thread(target=drip)
    t.start()
    lat = probe_latencies(srv, n_probes)
    stop.set()
    t.join()
    report("%d headers sent a byte at a time" % n(500), lat, idle)
    close_all(socks)


def srv_rss_mb(srv):
    with open("/proc/%d/status" % srv.proc.pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def run(sdmxd, probes, scale=1.0):
    """Runs every attack; returns the rows (measure, value, unit, baseline, its value, ratio),
    or raises RuntimeError when the server dies."""
    global SCALE
    SCALE = scale
    os.environ["SDMXD"] = os.path.abspath(sdmxd)
    import harness  # reads SDMXD when imported
    harness.SDMXD = os.environ["SDMXD"]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    print("abuse: probe latencies while each attack runs (%d probes of each kind)" % probes)
    with harness.Server() as srv:
        srv.start()
        idle = probe_latencies(srv, probes)
        for label, _ in PROBES:
            record("idle: %s probe p50" % label, statistics.median(idle[label]), "ms")
            record("idle: %s probe p99" % label, p99(idle[label]), "ms")
        for attack in (attack_stalled_readers, attack_unauthenticated_bodies,
                       attack_idle_connections, attack_slow_headers):
            attack(srv, probes, idle)
            if not srv.alive():
                raise RuntimeError("the server died during %s" % attack.__name__)
        srv.stop()
    return ROWS


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sdmxd", default=os.environ["SDMXD"])
    ap.add_argument("--csv", default="")
    ap.add_argument("--probes", type=int, default=100)
    a = ap.parse_args()
    try:
        run(a.sdmxd, a.probes)
    except RuntimeError as e:
        print("abuse: %s" % e)
        return 1
    if a.csv:
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        with open(a.csv, "a") as f:
            for m, v, u, b, bv, r in ROWS:
                f.write("%s,full,abuse,%s,%s,%s,%s,%s,%s,,\n" % (
                    stamp, m.replace(",", ""), "%.3f" % v, u, b, "" if bv == "" else "%.3f" % bv,
                    "" if r == "" else "%.2f" % r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
