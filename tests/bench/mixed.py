"""Readers while others write and download (issue 9): the p99 latency of a structure query and
of one series, 32 wrk connections each (64 in all), first on a quiet server, then while an
uploader sends a 100 MB message of SDG data again and again (each upload changes every value
it holds, so that every one is checked and written) and 8 clients download the whole SDG
dataflow as SDMX-CSV without pause. Run as the step `mixed` of bench.py, on its store.

The server here is one of its own, on the bench's store, with --max-body raised for the
upload; its other settings are the defaults (one event loop per core)."""
import os
import re
import subprocess
import threading
import time

from harness import free_port

UPLOAD_MB = 100


def cut_message(src, dst, size):
    """dst: the message in src cut after the first series that ends past size bytes, and
    closed again (the generator writes a structure-specific message, a series a line)."""
    with open(src, "rb") as f:
        data = f.read(size + (4 << 20))
        f.seek(max(0, os.path.getsize(src) - 512))
        tail = f.read()
    end = data.find(b"</Series>", size)
    if end < 0:  # the whole file is smaller
        with open(src, "rb") as f:
            body = f.read()
    else:
        closing = tail[tail.rfind(b"</Series>") + len(b"</Series>"):]
        body = data[:end + len(b"</Series>")] + closing
    with open(dst, "wb") as f:
        f.write(body)
    changed = body.replace(b'OBS_VALUE="', b'OBS_VALUE="1')
    with open(dst + ".changed", "wb") as f:
        f.write(changed)
    return len(body), body.count(b"<Obs ")


def wrk(url, duration, conns):
    p = subprocess.run(["wrk", "-t1", "-c%d" % conns, "-d%ds" % duration, "--latency", url],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=duration + 120)
    out = p.stdout.decode()
    res = {"raw": out, "p99": float("nan"), "rps": 0.0, "non2xx": 0}
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    if m:
        res["p99"] = float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if m:
        res["rps"] = float(m.group(1))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        res["non2xx"] = int(m.group(1))
    return res


def both(base, series, duration):
    """The two wrk runs at once: (structure query, one series)."""
    got = {}

    def one(name, url):
        got[name] = wrk(url, duration, 32)

    ts = [threading.Thread(target=one, args=("structure", base + "/dataflow/SDMXD/DF_SDG/1.0")),
          threading.Thread(target=one, args=("series", base + "/data/SDMXD,DF_SDG,1.0/" + series))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return got["structure"], got["series"]


class Background:
    """8 downloaders of the whole dataflow and one uploader, each a loop of curl runs."""

    def __init__(self, base, token, body):
        self.stop = threading.Event()
        self.downloads = 0
        self.uploads = []  # HTTP status of each upload that ended
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.download, args=(base,)) for _ in range(8)]
        self.threads.append(threading.Thread(target=self.upload, args=(base, token, body)))

    def download(self, base):
        while not self.stop.is_set():
            p = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                                base + "/data/SDMXD,DF_SDG,1.0?format=csv"],
                               stdout=subprocess.PIPE, timeout=600)
            if p.stdout == b"200":
                with self.lock:
                    self.downloads += 1

    def upload(self, base, token, body):
        i = 0
        while not self.stop.is_set():
            f = body + (".changed" if i % 2 == 0 else "")
            p = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                                "-H", "Authorization: Bearer " + token,
                                "-H", "Content-Type: application/xml",
                                "--data-binary", "@" + f, base + "/data/SDMXD,DF_SDG,1.0"],
                               stdout=subprocess.PIPE, timeout=1800)
            with self.lock:
                self.uploads.append(p.stdout.decode())
            i += 1

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(1800)


def serve(sdmxd, db, log_path, procs, *flags):
    """A server of its own on db, with flags; (process, base URL) once it answers."""
    port = free_port()
    base = "http://127.0.0.1:%d/rest" % port
    log = open(log_path, "a")
    srv = subprocess.Popen([sdmxd, "serve", "--db", db, "--listen", "127.0.0.1:%d" % port] +
                           list(flags), stdout=log, stderr=log)
    procs.append(srv)
    deadline = time.time() + 20
    while subprocess.run(["curl", "-s", "-o", "/dev/null", base + "/dataflow"]).returncode != 0:
        if time.time() > deadline or srv.poll() is not None:
            raise RuntimeError("the server did not start (%s)" % log_path)
        time.sleep(0.1)
    return srv, base


def run(sdmxd, db, ss_file, series, workdir, duration, small, procs):
    """Rows (measure, value, unit, baseline, baseline value, ratio, target) of the step."""
    body = os.path.join(workdir, "upload.xml")
    size, nobs = cut_message(ss_file, body, (1 << 20) if small else UPLOAD_MB << 20)
    token = subprocess.run([sdmxd, "token", "add", "--db", db, "--provider",
                            "SDMXD:DATA_PROVIDERS(1.0).UNSD"], stdout=subprocess.PIPE,
                           check=True).stdout.decode().strip()
    srv, base = serve(sdmxd, db, os.path.join(workdir, "sdmxd-mixed.log"), procs,
                      "--max-client-streams", "64",
                      "--max-body", str(os.path.getsize(body + ".changed") + (1 << 20)))
    quiet_s, quiet_1 = both(base, series, duration)
    with Background(base, token, body) as bg:
        time.sleep(0.5 if small else 2.0)  # the first upload is being read, checked, written
        busy_s, busy_1 = both(base, series, duration)
    srv.terminate()
    srv.wait(60)
    for r in (quiet_s, quiet_1, busy_s, busy_1):
        if r["non2xx"]:
            raise RuntimeError("non-2xx answers under load: %d" % r["non2xx"])
    bad = [u for u in bg.uploads if u not in ("200", "201")]
    if bad or not bg.uploads:
        raise RuntimeError("uploads during the step: %s" % bg.uploads)
    label = "%d MB upload (%d observations) + 8 whole-dataflow downloads" % (size >> 20, nobs)
    rows = []
    for name, q, b in (("structure query", quiet_s, busy_s), ("one series", quiet_1, busy_1)):
        rows.append(("%s p99, 32 conns, while a %s" % (name, label), b["p99"], "ms",
                     "quiet server", q["p99"], b["p99"] / q["p99"] if q["p99"] else "",
                     "< 10 ms"))
        rows.append(("%s requests/s, same" % name, b["rps"], "req/s", "quiet server", q["rps"],
                     b["rps"] / q["rps"] if q["rps"] else "", ""))
    rows.append(("uploads ended during the step", len(bg.uploads), "", "", "", "", ""))
    rows.append(("whole-dataflow downloads during the step", bg.downloads, "", "", "", "", ""))
    with open(os.path.join(workdir, "wrk-mixed.txt"), "w") as f:
        for r in (quiet_s, quiet_1, busy_s, busy_1):
            f.write(r["raw"] + "\n---\n")
    return rows


def cpu_seconds(pid):
    """User and system CPU seconds the process has used so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def scaling(sdmxd, db, series, workdir, duration, procs):
    """One series at 64 connections (wrk, 2 threads) from one event loop and from two, with
    the CPU that the server and the client each spent per answer: on a two-core machine the
    client runs on the same cores, so two loops cannot be twice one; the ceiling is
    2c / (c + k) for server cost c and client cost k per answer."""
    rows, got = [], {}
    for threads in (1, 2):
        srv, base = serve(sdmxd, db, os.path.join(workdir, "sdmxd-threads.log"), procs,
                          "--threads", str(threads))
        url = base + "/data/SDMXD,DF_SDG,1.0/" + series
        c0 = cpu_seconds(srv.pid)
        r0 = os.times()
        p = subprocess.run(["wrk", "-t2", "-c64", "-d%ds" % duration, "--latency", url],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=duration + 120)
        r1 = os.times()
        c1 = cpu_seconds(srv.pid)
        srv.terminate()
        srv.wait(60)
        out = p.stdout.decode()
        m = re.search(r"(\d+) requests in", out)
        n = int(m.group(1)) if m else 0
        m = re.search(r"Requests/sec:\s+([\d.]+)", out)
        rps = float(m.group(1)) if m else 0.0
        if n == 0:
            raise RuntimeError("wrk made no requests: %s" % out[-500:])
        client = (r1.children_user - r0.children_user) + (r1.children_system - r0.children_system)
        got[threads] = (rps, (c1 - c0) / n * 1e6, client / n * 1e6)
    (r1_, c1_, k1_), (r2_, c2_, k2_) = got[1], got[2]
    rows.append(("one series, 64 conns, 1 event loop: requests/s", r1_, "req/s", "", "", "", ""))
    rows.append(("one series, 64 conns, 2 event loops: requests/s", r2_, "req/s", "1 loop", r1_,
                 r2_ / r1_, ">= 1.6x"))
    rows.append(("server CPU per answer, 1 loop / 2 loops", c2_, "us", "1 loop", c1_, c2_ / c1_, ""))
    rows.append(("client (wrk) CPU per answer, 2 loops", k2_, "us", "", "", "", ""))
    rows.append(("ceiling of 2 loops / 1 on 2 cores with the client beside: 2c/(c+k)",
                 2 * c1_ / (c1_ + k2_), "x", "", "", "", ""))
    return rows
