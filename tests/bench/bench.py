#!/usr/bin/env python3
"""sdmxd benchmarks at real scale (issue 5). Run through tests/bench/run.sh.

Every figure is measured in this run next to a baseline that marks the limit on this machine
(a bare XML parse, cat, a static file server on the same loopback), and reported as the
absolute figure and the ratio. Steps:

  generate   the deterministic data sets (gen_bench.py), in a scratch directory
  ingest     sdmxd load of the SDG cube (structure-specific XML, SDMX-CSV, generic XML) and of
             the migrant-stock and digital-economy sets, against xmllint --stream / cat / wc -l;
             wall time, CPU time, peak resident memory (/usr/bin/time -v)
  storage    du of the LMDB store against the SDMX-CSV of the same data
  bulk       the whole SDG dataflow as SDMX-CSV, SDMX-JSON and StructureSpecificData from
             sdmxd serve, against nginx serving a file of identical bytes (curl, loopback)
  point      wrk (2 threads, 64 connections, --latency) on one series, one country, one
             series across countries with lastNObservations=1, and /dataflow/all/all/latest,
             against nginx answering a file of the same bytes
  updated    load a file that changes 1% of the series; updatedAfter for the whole dataflow
             against the whole dataflow
  replace    the update again over HTTP, POST then PUT
  mixed      p99 of a structure query and one series (64 connections) while a 100 MB upload
             is written and 8 clients download the whole dataflow, against a quiet server
  threads    one series from one event loop and from two, with the CPU per answer of the
             server and of the client (wrk) beside it on the same cores
  abuse      probe latencies while the security tests' attacks run

Exit status: 0 when every step ran, 1 when one failed, 77 (automake's "skipped") when a tool
is missing and nothing failed. --small runs the same steps on a few thousand observations.
Standard library only.
"""

import argparse
import csv
import datetime
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from harness import free_port  # noqa: E402  (the scripted tests' harness)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, os.pardir, os.pardir))
STRUCTS = sorted(os.path.join(REPO, "demo", "structures", f)
                 for f in os.listdir(os.path.join(REPO, "demo", "structures"))
                 if f.startswith("0") and f.endswith(".xml"))

FAILED, SKIPPED = [], []
RESULTS = []           # dicts, see record()
PROCS = []             # processes we started (stopped by pid at the end)


class StepFailure(Exception):
    pass


def say(msg):
    print(msg, flush=True)


def record(step, measure, value, unit, baseline="", base_value="", ratio="", target="", verdict=""):
    RESULTS.append(dict(step=step, measure=measure, value=value, unit=unit, baseline=baseline,
                        baseline_value=base_value, ratio=ratio, target=target, verdict=verdict))


def fmt(v):
    if isinstance(v, float):
        if v == 0:
            return "0"
        if abs(v) >= 1000:
            return "%.0f" % v
        if abs(v) >= 10:
            return "%.1f" % v
        if abs(v) >= 0.1:
            return "%.2f" % v
        return "%.3g" % v
    return str(v)


# ==========================================================================
# Processes and measurements
# ==========================================================================
def run(cmd, stdout=subprocess.DEVNULL, check=True, timeout=1800):
    p = subprocess.run(cmd, stdout=stdout, stderr=subprocess.PIPE, timeout=timeout)
    if check and p.returncode != 0:
        raise StepFailure("%s exited %d: %s" % (" ".join(cmd[:4]), p.returncode,
                                                 p.stderr.decode("utf-8", "replace")[-2000:]))
    return p


def proc_status(pid):
    st = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                st[k] = v.strip()
    except OSError:
        pass
    return st


def kb(st, key):
    v = st.get(key)
    return int(v.split()[0]) if v else 0


def timed(cmd, outfile, stdout=subprocess.DEVNULL):
    """Run cmd under /usr/bin/time -v: wall seconds (our clock), user+sys, peak RSS (MB, from
    time -v), and the peaks of its anonymous and file-backed resident memory (MB, /proc sampled
    every 20 ms: the file-backed part is the mapped store and the mapped input file)."""
    errf = open(outfile + ".err", "w+b")
    outf = open(outfile + ".out", "w+b") if stdout == subprocess.PIPE else subprocess.DEVNULL
    t0 = time.monotonic()
    p = subprocess.Popen(["/usr/bin/time", "-v", "-o", outfile] + cmd, stdout=outf, stderr=errf)
    anon = filerss = 0
    child = None
    while True:
        try:
            p.wait(0.02)
            break
        except subprocess.TimeoutExpired:
            pass
        if child is None:
            try:
                with open("/proc/%d/task/%d/children" % (p.pid, p.pid)) as f:
                    kids = f.read().split()
                child = int(kids[0]) if kids else None
            except OSError:
                child = None
        if child is not None:
            st = proc_status(child)
            anon = max(anon, kb(st, "RssAnon"))
            filerss = max(filerss, kb(st, "RssFile") + kb(st, "RssShmem"))
    wall = time.monotonic() - t0
    errf.seek(0)
    err = errf.read().decode("utf-8", "replace")
    errf.close()
    out = ""
    if outf is not subprocess.DEVNULL:
        outf.seek(0)
        out = outf.read().decode("utf-8", "replace")
        outf.close()
    if p.returncode != 0:
        raise StepFailure("%s exited %d: %s" % (" ".join(cmd[:4]), p.returncode, (out + err)[-2000:]))
    tv = {}
    with open(outfile) as f:
        for line in f:
            k, _, v = line.strip().rpartition(": ")
            tv[k] = v
    return dict(wall=wall, cpu=float(tv["User time (seconds)"]) + float(tv["System time (seconds)"]),
                rss_mb=int(tv["Maximum resident set size (kbytes)"]) / 1024.0,
                anon_mb=anon / 1024.0, file_mb=filerss / 1024.0, stderr=out + err)


def median_timed(cmd, outfile, n):
    runs = [timed(cmd, outfile) for _ in range(n)]
    runs.sort(key=lambda r: r["wall"])
    return runs[len(runs) // 2]


def wait_http(url, proc, timeout=20):
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc.poll() is not None:
            raise StepFailure("%s exited %s before answering" % (url, proc.returncode))
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                r.read()
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise StepFailure("no answer from %s within %d s" % (url, timeout))


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def curl(url, out="/dev/null"):
    """One GET over loopback: (seconds, bytes, http status)."""
    p = run(["curl", "-s", "-o", out, "-w", "%{http_code} %{time_total} %{size_download}", url],
            stdout=subprocess.PIPE)
    code, t, n = p.stdout.decode().split()
    return float(t), int(n), int(code)


UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def wrk(url, duration, threads=2, conns=64):
    p = run(["wrk", "-t%d" % threads, "-c%d" % conns, "-d%ds" % duration, "--latency", url],
            stdout=subprocess.PIPE, timeout=duration + 60)
    out = p.stdout.decode()
    res = {"raw": out}
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    res["rps"] = float(m.group(1)) if m else 0.0
    for pct in ("50", "99"):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s|m)\s*$" % pct, out, re.M)
        res["p" + pct] = float(m.group(1)) * UNIT_MS[m.group(2)] if m else float("nan")
    m = re.search(r"(\d+) requests in", out)
    res["requests"] = int(m.group(1)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    res["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    res["errors"] = sum(int(x) for x in m.groups()) if m else 0
    if res["requests"] == 0:
        raise StepFailure("wrk made no request to %s:\n%s" % (url, out))
    return res


# ==========================================================================
# Static file server (the ceiling): nginx from Debian, one worker (sdmxd is one event loop),
# sendfile, no access log; busybox httpd when nginx is absent.
# ==========================================================================
class StaticServer:
    def __init__(self, workdir, root):
        self.root = root
        self.port = free_port()
        os.makedirs(workdir, exist_ok=True)
        nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
        if nginx:
            self.kind = "nginx"
            conf = os.path.join(workdir, "nginx.conf")
            with open(conf, "w") as f:
                f.write("""daemon off;
master_process off;
worker_processes 1;
pid %(w)s/nginx.pid;
error_log %(w)s/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path %(w)s/tmp; proxy_temp_path %(w)s/tmp; fastcgi_temp_path %(w)s/tmp;
  uwsgi_temp_path %(w)s/tmp; scgi_temp_path %(w)s/tmp;
  default_type application/octet-stream;
  server { listen 127.0.0.1:%(p)d; root %(r)s; }
}
""" % dict(w=workdir, p=self.port, r=root))
            os.makedirs(os.path.join(workdir, "tmp"), exist_ok=True)
            cmd = [nginx, "-p", workdir, "-c", conf, "-e", os.path.join(workdir, "error.log")]
            self.version = subprocess.run([nginx, "-v"], stderr=subprocess.PIPE).stderr.decode().strip()
        elif shutil.which("busybox"):
            self.kind = "busybox httpd"
            cmd = ["busybox", "httpd", "-f", "-p", "127.0.0.1:%d" % self.port, "-h", root]
            self.version = "busybox httpd"
        else:
            raise FileNotFoundError("nginx or busybox")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        PROCS.append(self.proc)
        open(os.path.join(root, "ping"), "w").write("ok\n")
        wait_http(self.url("ping"), self.proc)

    def url(self, name):
        return "http://127.0.0.1:%d/%s" % (self.port, name)


# ==========================================================================
# The run
# ==========================================================================
class Bench:
    def __init__(self, a):
        self.a = a
        self.small = a.small
        self.out = a.out
        self.data = os.path.join(self.out, "data")
        self.sdmxd = a.sdmxd
        self.tv = os.path.join(self.out, "time.txt")
        self.man = None
        self.server = None
        self.static = None
        self.reps = 1 if self.small else 3
        self.duration = a.duration or (1 if self.small else 10)

    # ---- helpers
    def fresh_store(self, name):
        d = os.path.join(self.out, name)
        shutil.rmtree(d, ignore_errors=True)
        run([self.sdmxd, "load", "--db", d] + STRUCTS)
        return d

    def nobs(self, setname):
        return self.man["sets"][setname]["obs"]

    def file(self, setname, fmt_):
        return self.man["sets"][setname]["files"][fmt_]["path"]

    def load(self, db, path, expect_obs):
        r = timed([self.sdmxd, "load", "--db", db, path], self.tv, stdout=subprocess.PIPE)
        m = re.search(r"(\d+) observations into", r["stderr"])
        if not m or int(m.group(1)) != expect_obs:
            raise StepFailure("load of %s: expected %d observations, sdmxd said: %s"
                              % (os.path.basename(path), expect_obs, r["stderr"].strip()[-500:]))
        return r

    def load_median(self, name, path, expect_obs):
        """The median (by wall time) of self.reps loads of path, each into a fresh store named
        name; the store of the last one is kept."""
        runs = []
        for _ in range(self.reps):
            d = self.fresh_store(name)
            runs.append(self.load(d, path, expect_obs))
        walls = sorted(r["wall"] for r in runs)
        runs.sort(key=lambda r: r["wall"])
        med = runs[len(runs) // 2]
        med["walls"] = walls
        return d, med

    def warm(self, path):
        run(["cat", path])

    # ---- steps
    def step_machine(self):
        info = {}
        info["date"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        info["nproc"] = subprocess.run(["nproc"], stdout=subprocess.PIPE).stdout.decode().strip()
        try:
            info["lscpu"] = subprocess.run(["lscpu"], stdout=subprocess.PIPE).stdout.decode().splitlines()[:12]
        except OSError:
            info["lscpu"] = []
        with open("/proc/meminfo") as f:
            info["memory"] = f.readline().strip()
        info["kernel"] = platform.release()
        with open("/proc/loadavg") as f:
            info["loadavg_at_start"] = f.read().strip()
        info["sdmxd"] = self.a.sdmxd
        st = os.stat(self.a.sdmxd)
        info["sdmxd_built"] = datetime.datetime.fromtimestamp(
            st.st_mtime, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        info["sdmxd_sha256"] = subprocess.run(["sha256sum", self.sdmxd], stdout=subprocess.PIPE
                                              ).stdout.decode().split()[0][:16]
        try:
            info["commit"] = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
                                            ).stdout.decode().strip()
        except OSError:
            info["commit"] = ""
        self.machine = info
        with open(os.path.join(self.out, "machine.json"), "w") as f:
            json.dump(info, f, indent=1)
        return "%s CPUs, %s, kernel %s" % (info["nproc"], info["memory"].split(":")[1].strip(), info["kernel"])

    def step_generate(self):
        cmd = [sys.executable, os.path.join(HERE, "gen_bench.py"), "--out", self.data]
        if self.small:
            cmd.append("--small")
        t0 = time.monotonic()
        run(cmd)
        with open(os.path.join(self.data, "manifest.json")) as f:
            self.man = json.load(f)
        s = self.man["sets"]
        record("generate", "SDG observations", s["sdg"]["obs"], "obs")
        record("generate", "SDG series", s["sdg"]["series"], "series")
        record("generate", "migrant-stock observations", s["migrant"]["obs"], "obs")
        record("generate", "digital-economy observations", s["digital"]["obs"], "obs")
        for k in ("ss", "generic", "csv"):
            record("generate", "SDG file size (%s)" % k, s["sdg"]["files"][k]["bytes"] / 1e6, "MB")
        return "%d SDG, %d migrant, %d digital observations in %.1f s" % (
            s["sdg"]["obs"], s["migrant"]["obs"], s["digital"]["obs"], time.monotonic() - t0)

    def step_ingest(self):
        n = self.nobs("sdg")
        ss, gen, csv_ = self.file("sdg", "ss"), self.file("sdg", "generic"), self.file("sdg", "csv")
        target_ratio, target_mb = 3.0, 200.0
        # structure-specific XML against a bare streaming parse
        self.warm(ss)
        base = median_timed(["xmllint", "--stream", "--noout", ss], self.tv, self.reps)
        self.db, r = self.load_median("db", ss, n)
        ratio = r["wall"] / base["wall"]
        record("ingest", "load SDG structure-specific XML, wall", r["wall"], "s",
               "xmllint --stream --noout", base["wall"], ratio, "<= 3x",
               "met" if ratio <= target_ratio else "not met")
        record("ingest", "  fastest and slowest of %d loads (the median above)" % len(r["walls"]),
               "%.2f / %.2f" % (r["walls"][0], r["walls"][-1]), "s")
        record("ingest", "load SDG structure-specific XML, throughput", n / r["wall"], "obs/s")
        record("ingest", "load SDG structure-specific XML, CPU (user+sys)", r["cpu"], "s",
               "xmllint CPU", base["cpu"], r["cpu"] / base["cpu"] if base["cpu"] >= 0.05 else "")
        record("ingest", "load SDG structure-specific XML, peak RSS", r["rss_mb"], "MB",
               "xmllint peak RSS", base["rss_mb"], r["rss_mb"] / base["rss_mb"], "< 200 MB",
               "met" if r["rss_mb"] < target_mb else "not met")
        record("ingest", "  of which anonymous (heap), peak sampled", r["anon_mb"], "MB")
        record("ingest", "  of which file-backed (mapped store and input), peak sampled", r["file_mb"], "MB")
        self.ss_load = r
        self.sdg_store = self.store_size(self.db)
        # SDMX-CSV against cat and wc -l
        self.warm(csv_)
        bcat = median_timed(["cat", csv_], self.tv, self.reps)
        bwc = median_timed(["wc", "-l", csv_], self.tv, self.reps)
        self.db_csv, r = self.load_median("db_csv", csv_, n)
        record("ingest", "load SDG SDMX-CSV, wall", r["wall"], "s", "wc -l", bwc["wall"],
               r["wall"] / bwc["wall"])
        record("ingest", "load SDG SDMX-CSV, wall (against cat)", r["wall"], "s", "cat > /dev/null",
               bcat["wall"], r["wall"] / max(bcat["wall"], 1e-9))
        record("ingest", "  fastest and slowest of %d loads (the median above)" % len(r["walls"]),
               "%.2f / %.2f" % (r["walls"][0], r["walls"][-1]), "s")
        record("ingest", "load SDG SDMX-CSV, throughput", n / r["wall"], "obs/s")
        record("ingest", "load SDG SDMX-CSV, peak RSS", r["rss_mb"], "MB", "", "", "", "< 200 MB",
               "met" if r["rss_mb"] < target_mb else "not met")
        record("ingest", "  of which anonymous (heap), peak sampled", r["anon_mb"], "MB")
        record("ingest", "  of which file-backed (mapped store and input), peak sampled", r["file_mb"], "MB")
        self.csv_load = r
        # generic XML
        self.warm(gen)
        bgen = median_timed(["xmllint", "--stream", "--noout", gen], self.tv, self.reps)
        dbg = self.fresh_store("db_generic")
        r = self.load(dbg, gen, n)
        record("ingest", "load SDG generic XML, wall", r["wall"], "s", "xmllint --stream --noout",
               bgen["wall"], r["wall"] / bgen["wall"])
        record("ingest", "load SDG generic XML, peak RSS", r["rss_mb"], "MB")
        shutil.rmtree(dbg, ignore_errors=True)
        # the two other data sets, every format, each into a fresh store
        for setname in ("migrant", "digital"):
            for k, label in (("ss", "structure-specific XML"), ("generic", "generic XML"), ("csv", "SDMX-CSV")):
                path = self.file(setname, k)
                self.warm(path)
                if k == "csv":
                    b = median_timed(["wc", "-l", path], self.tv, self.reps)
                    bname = "wc -l"
                else:
                    b = median_timed(["xmllint", "--stream", "--noout", path], self.tv, self.reps)
                    bname = "xmllint --stream --noout"
                d = self.fresh_store("db_" + setname)
                r = self.load(d, path, self.nobs(setname))
                record("ingest", "load %s %s, wall" % (setname, label), r["wall"], "s", bname,
                       b["wall"], r["wall"] / max(b["wall"], 1e-9))
                record("ingest", "load %s %s, peak RSS" % (setname, label), r["rss_mb"], "MB")
                shutil.rmtree(d, ignore_errors=True)
            # and the structure-specific file into the served store, so it holds all three
            self.load(self.db, self.file(setname, "ss"), self.nobs(setname))
        return "SDG XML %.1f s (%.1fx xmllint %.2f s, %.0f MB peak), CSV %.1f s (%.0f MB peak)" % (
            self.ss_load["wall"], self.ss_load["wall"] / base["wall"], base["wall"],
            self.ss_load["rss_mb"], self.csv_load["wall"], self.csv_load["rss_mb"])

    def du(self, path, apparent):
        p = run(["du", "-b" if apparent else "-B1", path], stdout=subprocess.PIPE)
        return int(p.stdout.split()[0])

    def step_storage(self):
        """The store's size is its allocated blocks (du -B1). Its apparent size (du -b, ls) is
        recorded too: the same since the store is opened without MDB_WRITEMAP (through it, the
        file was the whole 64 GiB map, sparse)."""
        csv_bytes = self.man["sets"]["sdg"]["files"]["csv"]["bytes"]
        n = self.nobs("sdg")
        out = []
        for label, (app, alloc) in (("loaded from XML", self.sdg_store),
                                    ("loaded from CSV", self.store_size(self.db_csv))):
            record("storage", "LMDB store, SDG %s (du -B1 data.mdb, allocated)" % label, alloc / 1e6,
                   "MB", "SDMX-CSV file", csv_bytes / 1e6, alloc / csv_bytes)
            record("storage", "  apparent size (du -b)", app / 1e6, "MB")
            out.append("%s %.0f MB" % (label, alloc / 1e6))
        alloc = self.sdg_store[1]
        record("storage", "LMDB store, SDG, bytes per observation", alloc / n, "B/obs",
               "SDMX-CSV bytes per observation", csv_bytes / n, alloc / csv_bytes)
        allcsv = sum(self.man["sets"][s]["files"]["csv"]["bytes"] for s in ("sdg", "migrant", "digital"))
        alloc_all = self.store_size(self.db)[1]
        record("storage", "LMDB store, all three data sets (du -B1 data.mdb)", alloc_all / 1e6, "MB",
               "their SDMX-CSV files", allcsv / 1e6, alloc_all / allcsv)
        shutil.rmtree(self.db_csv, ignore_errors=True)
        return "SDG store %s, for %.0f MB of SDMX-CSV (%.2fx)" % (", ".join(out), csv_bytes / 1e6,
                                                                 alloc / csv_bytes)

    def store_size(self, db):
        path = os.path.join(db, "data.mdb")
        return self.du(path, True), self.du(path, False)

    def start_servers(self):
        port = free_port()
        self.base = "http://127.0.0.1:%d/rest" % port
        log = open(os.path.join(self.out, "sdmxd-serve.log"), "w")
        # wrk's 64 connections stand for 64 clients: one address may stream as many large
        # answers at once (the default, 8 per address, answers the rest 503)
        self.server = subprocess.Popen([self.sdmxd, "serve", "--db", self.db, "--listen",
                                        "127.0.0.1:%d" % port, "--max-client-streams", "64"],
                                       stdout=log, stderr=log)
        PROCS.append(self.server)
        wait_http(self.base + "/dataflow", self.server)
        self.www = os.path.join(self.out, "www")
        shutil.rmtree(self.www, ignore_errors=True)
        os.makedirs(self.www)
        os.chmod(self.out, 0o755)
        self.static = StaticServer(os.path.join(self.out, "static"), self.www)
        return "sdmxd on %s, %s (%s) on port %d" % (self.base, self.static.kind, self.static.version,
                                                     self.static.port)

    def proc_mem(self, pid):
        st = {}
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                st[k] = v.strip()
        return int(st["RssAnon"].split()[0]) / 1024.0, int(st["VmHWM"].split()[0]) / 1024.0

    def step_bulk(self):
        n = self.nobs("sdg")
        out = []
        for fmt_, label in (("csv", "SDMX-CSV"), ("jsondata", "SDMX-JSON"),
                            ("structurespecificdata", "StructureSpecificData")):
            url = "%s/data/SDMXD,DF_SDG,1.0?format=%s" % (self.base, fmt_)
            static_name = "bulk.%s" % fmt_
            t, size, code = curl(url, os.path.join(self.www, static_name))
            if code != 200:
                raise StepFailure("%s answered %d" % (url, code))
            if fmt_ == "csv":
                self.check_round_trip(os.path.join(self.www, static_name))
            st = []
            for _ in range(self.reps):
                t_, n_, c_ = curl(url)
                if c_ != 200 or abs(n_ - size) > 4096:
                    raise StepFailure("%s: status %d, %d bytes (first time %d)" % (url, c_, n_, size))
                st.append(t_)
            bt = []
            for _ in range(self.reps + 2):      # the static file is fast and noisier: 5 runs
                t_, n_, c_ = curl(self.static.url(static_name))
                if c_ != 200 or n_ != size:
                    raise StepFailure("static %s: status %d, %d bytes of %d" % (static_name, c_, n_, size))
                bt.append(t_)
            ts, tb = statistics.median(st), statistics.median(bt)
            ratio = tb / ts          # sdmxd throughput as a share of the static file's
            tgt, verdict = ("", "")
            if fmt_ == "csv":
                tgt, verdict = ">= 25%", ("met" if ratio >= 0.25 else "not met")
            record("bulk", "whole SDG dataflow as %s, time" % label, ts, "s", "%s, same bytes" % self.static.kind,
                   tb, ts / tb)
            record("bulk", "whole SDG dataflow as %s, MB/s" % label, size / 1e6 / ts, "MB/s",
                   "%s, same bytes" % self.static.kind, size / 1e6 / tb, ratio, tgt, verdict)
            record("bulk", "whole SDG dataflow as %s, observations/s" % label, n / ts, "obs/s")
            record("bulk", "whole SDG dataflow as %s, size" % label, size / 1e6, "MB")
            out.append("%s %.0f MB/s (%.0f%% of static)" % (label, size / 1e6 / ts, 100 * ratio))
        anon, hwm = self.proc_mem(self.server.pid)
        record("bulk", "sdmxd serve anonymous resident memory after the bulk reads", anon, "MB")
        record("bulk", "sdmxd serve peak resident (VmHWM, includes the mapped store)", hwm, "MB")
        for name in os.listdir(self.www):
            if name.startswith("bulk."):
                os.unlink(os.path.join(self.www, name))
        return ", ".join(out)

    def download_peak(self, url, accept):
        """Downloads url with curl while sampling the server's anonymous resident memory every
        10 ms: (MB before, peak MB during, bytes, status)."""
        before, _ = self.proc_mem(self.server.pid)
        p = subprocess.Popen(["curl", "-s", "-o", "/dev/null", "-H", "Accept: " + accept, "-w",
                              "%{http_code} %{size_download}", url], stdout=subprocess.PIPE)
        peak = before
        while p.poll() is None:
            peak = max(peak, self.proc_mem(self.server.pid)[0])
            time.sleep(0.01)
        code, n = p.stdout.read().decode().split()
        return before, peak, int(n), int(code)

    def step_labels(self):
        """SDMX-CSV with labels=both streams as the plain form does (issue 10: it kept every
        labelled cell until the answer ended, 1.4 MB -> 120 MB for one 788 MB download): the
        server's anonymous memory during a whole-dataflow download of each, recorded only."""
        url = "%s/data/SDMXD,DF_SDG,1.0" % self.base
        out = []
        for accept, label in (("application/vnd.sdmx.data+csv;version=1.0.0", "plain"),
                              ("application/vnd.sdmx.data+csv;version=1.0.0;labels=both",
                               "labels=both")):
            before, peak, size, code = self.download_peak(url, accept)
            if code != 200:
                raise StepFailure("%s (%s) answered %d" % (url, label, code))
            record("labels", "whole SDG dataflow as SDMX-CSV %s, size" % label, size / 1e6, "MB")
            record("labels", "  sdmxd serve anonymous resident before", before, "MB")
            record("labels", "  sdmxd serve anonymous resident, peak during (sampled)", peak, "MB",
                   "growth", peak - before)
            out.append("%s: %.0f MB answer, server %.1f -> %.1f MB" % (label, size / 1e6, before,
                                                                       peak))
        return "; ".join(out)

    def check_round_trip(self, answer):
        """The SDMX-CSV answer has exactly the rows of the generated SDMX-CSV file (sdmxd writes
        them in key order, the generator in its own)."""
        with open(answer, "rb") as f:
            got = f.read().split(b"\r\n")
        with open(self.file("sdg", "csv"), "rb") as f:
            want = f.read().split(b"\r\n")
        if got[0] != want[0]:
            raise StepFailure("SDMX-CSV header differs:\n  %s\n  %s" % (got[0][:300], want[0][:300]))
        if len(got) != len(want) or sorted(got) != sorted(want):
            g, w = set(got), set(want)
            raise StepFailure("SDMX-CSV answer differs from the loaded data: %d rows against %d; "
                              "e.g. %s / %s" % (len(got), len(want), sorted(g - w)[:1], sorted(w - g)[:1]))
        record("bulk", "SDMX-CSV answer has exactly the rows loaded", len(got) - 2, "rows")

    def step_point(self):
        sample = self.man["sample"]
        key_series = sample["series"]
        ndim = len(key_series.split("."))
        country = [""] * ndim
        country[3] = sample["country"]
        across = key_series.split(".")
        across[3] = ""
        queries = [
            ("one series", "/data/SDMXD,DF_SDG,1.0/%s" % key_series),
            ("one country", "/data/SDMXD,DF_SDG,1.0/%s" % ".".join(country)),
            ("one series code, every area, lastN=1",
             "/data/SDMXD,DF_SDG,1.0/%s?lastNObservations=1" % ".".join(across)),
            ("dataflow/all/all/latest", "/dataflow/all/all/latest"),
        ]
        out = []
        for i, (label, path) in enumerate(queries):
            url = self.base + path
            name = "q%d.xml" % i
            t, size, code = curl(url, os.path.join(self.www, name))
            if code != 200:
                raise StepFailure("%s answered %d" % (url, code))
            r = wrk(url, self.duration)
            b = wrk(self.static.url(name), self.duration)
            if r["non2xx"] or b["non2xx"]:
                raise StepFailure("%s: %d non-2xx answers under load" % (label, r["non2xx"] or b["non2xx"]))
            tgt, verdict = "", ""
            if i == 0:
                tgt, verdict = "p99 < 5 ms", ("met" if r["p99"] < 5.0 else "not met")
            base = "%s, same %d bytes" % (self.static.kind, size)
            record("point", "%s: requests/s" % label, r["rps"], "req/s", base, b["rps"], r["rps"] / b["rps"])
            record("point", "%s: p50 latency" % label, r["p50"], "ms", base, b["p50"], r["p50"] / b["p50"])
            record("point", "%s: p99 latency" % label, r["p99"], "ms", base, b["p99"], r["p99"] / b["p99"],
                   tgt, verdict)
            record("point", "%s: answer size" % label, size / 1e3, "kB")
            if r["errors"]:
                record("point", "%s: wrk socket errors" % label, r["errors"], "")
            with open(os.path.join(self.out, "wrk-%d.txt" % i), "w") as f:
                f.write("%s\n%s\n--- static ---\n%s" % (url, r["raw"], b["raw"]))
            out.append("%s %.0f req/s p99 %.1f ms" % (label.split(":")[0], r["rps"], r["p99"]))
        return "; ".join(out)

    def step_updated(self):
        upd = self.file("sdg_update", "ss")
        n_upd = self.nobs("sdg_update")
        # an instant before the update, in whole seconds, and a second for the clock to pass it
        mark = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        time.sleep(1.1)
        r = self.load(self.db, upd, n_upd)
        record("updated", "load the update (%d series, %d observations)" % (
            self.man["sets"]["sdg_update"]["series"], n_upd), r["wall"], "s")
        since = mark.strftime("%Y-%m-%dT%H:%M:%SZ")
        url_u = "%s/data/SDMXD,DF_SDG,1.0?format=csv&updatedAfter=%s" % (self.base, since)
        url_f = "%s/data/SDMXD,DF_SDG,1.0?format=csv" % self.base
        body = os.path.join(self.out, "updated.csv")
        t, size, code = curl(url_u, body)
        if code != 200:
            raise StepFailure("%s answered %d" % (url_u, code))
        with open(body, "rb") as f:
            rows = sum(1 for _ in f) - 1
        if rows != n_upd:
            raise StepFailure("updatedAfter answered %d observations, the update changed %d" % (rows, n_upd))
        tu = statistics.median([curl(url_u)[0] for _ in range(self.reps)])
        tf = statistics.median([curl(url_f)[0] for _ in range(self.reps)])
        record("updated", "updatedAfter, whole dataflow (SDMX-CSV, %d observations)" % rows, tu, "s",
               "whole dataflow", tf, tu / tf)
        record("updated", "whole dataflow after the update", self.nobs("sdg") + self._new_in_update(),
               "obs")
        return "%d observations changed: updatedAfter %.3f s against %.2f s for everything (%.1f%%)" % (
            rows, tu, tf, 100 * tu / tf)

    def _upload(self, method, path, token):
        """(seconds, status, answer) of an upload of the file at path to DF_SDG."""
        with open(path, "rb") as f:
            body = f.read()
        req = urllib.request.Request("%s/data/SDMXD,DF_SDG,1.0" % self.base, data=body, method=method,
                                     headers={"Authorization": "Bearer " + token,
                                              "Content-Type": "application/xml",
                                              "Accept": "application/json"})
        t0 = time.monotonic()
        try:
            with urllib.request.urlopen(req, timeout=1800) as r:
                status, answer = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, answer = e.code, e.read()
        t = time.monotonic() - t0
        if status not in (200, 201):
            raise StepFailure("%s answered %d: %s" % (method, status, answer[:500]))
        return t, status, json.loads(answer)

    def _changes(self):
        out = run(["mdb_stat", "-s", "changes", self.db], stdout=subprocess.PIPE).stdout.decode()
        m = re.search(r"Entries: (\d+)", out)
        if not m:
            raise StepFailure("mdb_stat printed no entries: %s" % out[:500])
        return int(m.group(1))

    def step_replace(self):
        """The update again over HTTP, as a provider: POST (which makes the series the
        provider's), then PUT. Both change nothing: the time is what reading, checking and
        comparing cost, and the PUT's against the POST's tells whether replace is linear."""
        if not shutil.which("mdb_stat"):
            raise FileNotFoundError("mdb_stat (Debian package lmdb-utils)")
        upd = self.file("sdg_update", "ss")
        n, ns = self.nobs("sdg_update"), self.man["sets"]["sdg_update"]["series"]
        token = run([self.sdmxd, "token", "add", "--db", self.db, "--provider",
                     "SDMXD:DATA_PROVIDERS(1.0).UNSD"], stdout=subprocess.PIPE).stdout.decode().strip()
        t_post, _, a = self._upload("POST", upd, token)
        if a["observations"]["unchanged"] != n:
            raise StepFailure("the POST of the update again: %s, not %d unchanged" % (a["observations"], n))
        before = self._changes()
        t_put, _, a = self._upload("PUT", upd, token)
        if a["observations"]["unchanged"] != n or a["observations"]["deleted"] != 0:
            raise StepFailure("the PUT of the update again: %s, not %d unchanged" % (a["observations"], n))
        added = self._changes() - before
        record("replace", "POST of the update again (%d series, unchanged)" % ns, t_post, "s")
        record("replace", "PUT of the same", t_put, "s", "POST", t_post, t_put / t_post)
        record("replace", "change-log entries the PUT added", added, "entries")
        if added != 0:
            raise StepFailure("an identical PUT added %d change-log entries" % added)
        return "%d series: POST %.2f s, PUT %.2f s, %d change-log entries added" % (
            ns, t_post, t_put, added)

    def _new_in_update(self):
        """Observations the update adds (the 2024 figures) rather than changes."""
        with open(self.file("sdg_update", "ss")) as f:
            return f.read().count('TIME_PERIOD="2024"')

    def step_abuse(self):
        """Probe latencies while the attacks of the security tests run (tests/bench/abuse.py),
        on a server of its own over the demo store."""
        sys.path.insert(0, HERE)
        import abuse
        try:
            rows = abuse.run(self.sdmxd, 10 if self.small else 100, 0.1 if self.small else 1.0)
        except (RuntimeError, SystemExit) as e:  # the harness ends a failed check with exit
            raise StepFailure("abuse: %s" % e)
        worst = 0.0
        for measure, value, unit, baseline, base_value, ratio in rows:
            record("abuse", measure, value, unit, baseline, base_value, ratio)
            if measure.endswith("p99") and not measure.startswith("idle"):
                worst = max(worst, value)
        return "%d figures; the worst probe p99 under an attack %.1f ms" % (len(rows), worst)

    def step_mixed(self):
        """Readers while a 100 MB upload is written and 8 clients download everything
        (tests/bench/mixed.py), on a server of its own over the bench's store."""
        sys.path.insert(0, HERE)
        import mixed
        try:
            rows = mixed.run(self.sdmxd, self.db, self.file("sdg", "ss"), self.man["sample"]["series"],
                             self.out, self.duration, self.small, PROCS)
        except (RuntimeError, subprocess.SubprocessError) as e:
            raise StepFailure("mixed: %s" % e)
        worst = 0.0
        for measure, value, unit, baseline, base_value, ratio, target in rows:
            verdict = ""
            if target:
                verdict = "met" if value < 10.0 else "not met"
                worst = max(worst, value)
            record("mixed", measure, value, unit, baseline, base_value, ratio, target, verdict)
        return "p99 of the structure query and one series while writing and downloading: worst %.1f ms" % worst

    def step_threads(self):
        """One series from one event loop and from two, with the CPU each side spent."""
        sys.path.insert(0, HERE)
        import mixed
        try:
            rows = mixed.scaling(self.sdmxd, self.db, self.man["sample"]["series"], self.out,
                                 self.duration, PROCS)
        except (RuntimeError, subprocess.SubprocessError) as e:
            raise StepFailure("threads: %s" % e)
        ratio = ceiling = 0.0
        for measure, value, unit, baseline, base_value, ratio_, target in rows:
            verdict = ""
            if target:
                ratio = ratio_
                verdict = "met" if ratio_ >= 1.6 else "not met"
            if measure.startswith("ceiling"):
                ceiling = value
            record("threads", measure, value, unit, baseline, base_value, ratio_, target, verdict)
        return "2 loops %.2fx one (ceiling on this machine with the client beside: %.2fx)" % (
            ratio, ceiling)

    # ---- driver
    def run_step(self, name, fn):
        t0 = time.monotonic()
        try:
            msg = fn()
            say("step %-9s ok    %6.1f s  %s" % (name, time.monotonic() - t0, msg))
            return True
        except FileNotFoundError as e:
            SKIPPED.append(name)
            say("step %-9s SKIP  %6.1f s  missing tool: %s" % (name, time.monotonic() - t0, e))
        except (StepFailure, subprocess.SubprocessError, OSError, KeyError, ValueError) as e:
            FAILED.append(name)
            say("step %-9s FAIL  %6.1f s  %s" % (name, time.monotonic() - t0, str(e).strip()[:3000]))
        return False

    def main(self):
        os.makedirs(self.out, exist_ok=True)
        if not os.access(self.sdmxd, os.X_OK):
            say("step %-9s FAIL  %s is not built (run make)" % ("setup", self.sdmxd))
            FAILED.append("setup")
            return
        missing = [t for t in ("xmllint", "curl", "cat", "wc", "du") if not shutil.which(t)]
        if not os.path.exists("/usr/bin/time"):
            missing.append("/usr/bin/time (Debian package time)")
        if missing:
            say("step %-9s FAIL  missing: %s" % ("setup", ", ".join(missing)))
            FAILED.append("setup")
            return
        # a private copy, so that a rebuild during the run cannot change the binary under test
        bindir = os.path.join(self.out, "bin")
        os.makedirs(bindir, exist_ok=True)
        shutil.copy2(self.a.sdmxd, os.path.join(bindir, "sdmxd"))
        self.sdmxd = os.path.join(bindir, "sdmxd")
        steps = [("machine", self.step_machine, None), ("generate", self.step_generate, None),
                 ("ingest", self.step_ingest, "generate"), ("storage", self.step_storage, "ingest"),
                 ("serve", self.start_servers, "ingest"), ("bulk", self.step_bulk, "serve"),
                 ("labels", self.step_labels, "serve"),
                 ("point", self.step_point, "serve"), ("updated", self.step_updated, "serve"),
                 ("replace", self.step_replace, "updated"), ("mixed", self.step_mixed, "replace"),
                 ("threads", self.step_threads, "serve"),
                 ("abuse", self.step_abuse, None)]
        done = set()
        try:
            for name, fn, needs in steps:
                if needs and needs not in done:
                    say("step %-9s FAIL  not run: step %s did not complete" % (name, needs))
                    FAILED.append(name)
                    continue
                if name in ("point", "mixed", "threads") and not shutil.which("wrk"):
                    SKIPPED.append(name)
                    say("step %-9s SKIP  missing tool: wrk (Debian package wrk)" % name)
                    continue
                if self.run_step(name, fn):
                    done.add(name)
        finally:
            for p in PROCS:
                stop(p)


def print_table(results):
    cols = ["step", "measure", "value", "unit", "baseline", "baseline_value", "ratio", "target", "verdict"]
    rows = [[fmt(r[c]) if c in ("value", "baseline_value", "ratio") else str(r[c]) for c in cols]
            for r in results]
    head = ["step", "measure", "sdmxd", "unit", "baseline", "baseline", "ratio", "target", ""]
    w = [max(len(head[i]), *(len(r[i]) for r in rows)) if rows else len(head[i]) for i in range(len(cols))]
    w[1] = min(w[1], 62)
    w[4] = min(w[4], 30)
    line = lambda r: "  ".join((r[i][:w[i]]).ljust(w[i]) if i not in (2, 5, 6) else r[i].rjust(w[i])
                               for i in range(len(cols))).rstrip()
    say("")
    say(line(head))
    say("  ".join("-" * x for x in w))
    for r in rows:
        say(line(r))


def main(argv):
    ap = argparse.ArgumentParser(description="sdmxd benchmarks (issue 5)")
    ap.add_argument("--small", action="store_true", help="a few thousand observations, seconds")
    ap.add_argument("--out", default=os.environ.get("BENCH_DIR", "/tmp/sdmxd-bench"),
                    help="scratch directory (default /tmp/sdmxd-bench); never the repository")
    ap.add_argument("--sdmxd", default=os.path.join(REPO, "sdmxd"))
    ap.add_argument("--duration", type=int, default=0, help="seconds per wrk run (10; 1 with --small)")
    ap.add_argument("--csv", help="also write the raw figures to this file")
    ap.add_argument("--keep", action="store_true", help="keep the generated files and stores")
    a = ap.parse_args(argv)
    a.out = os.path.abspath(a.out)
    if a.small and a.out == "/tmp/sdmxd-bench":
        a.out = "/tmp/sdmxd-bench-small"
    if os.path.commonpath([a.out, REPO]) == REPO:
        sys.stderr.write("bench: the scratch directory must be outside the repository\n")
        return 2
    b = Bench(a)
    t0 = time.monotonic()
    say("sdmxd benchmarks (%s) in %s" % ("small" if a.small else "full", a.out))
    b.main()
    print_table(RESULTS)
    stamp = getattr(b, "machine", {}).get("date", "")
    paths = [os.path.join(a.out, "results.csv")] + ([a.csv] if a.csv else [])
    for p in paths:
        with open(p, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["run", "mode", "step", "measure", "value", "unit", "baseline", "baseline_value",
                        "ratio", "target", "verdict"])
            for r in RESULTS:
                w.writerow([stamp, "small" if a.small else "full", r["step"], r["measure"],
                            fmt(r["value"]) if isinstance(r["value"], float) else r["value"], r["unit"],
                            r["baseline"], fmt(r["baseline_value"]) if isinstance(r["baseline_value"], float)
                            else r["baseline_value"],
                            ("%.3f" % r["ratio"]) if isinstance(r["ratio"], float) else r["ratio"],
                            r["target"], r["verdict"]])
    say("")
    say("raw figures: %s; total %.0f s" % (", ".join(paths), time.monotonic() - t0))
    if not a.keep:
        for name in ("data", "db", "db_csv", "www"):
            shutil.rmtree(os.path.join(a.out, name), ignore_errors=True)
    if FAILED:
        say("FAILED: %s" % ", ".join(FAILED))
        return 1
    if SKIPPED:
        say("SKIPPED: %s" % ", ".join(SKIPPED))
        return 77
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
