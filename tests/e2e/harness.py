"""What the scripted tests (tests/e2e/**/test_*.py) share: a real sdmxd on a free loopback
port over a fresh store, loads, tokens, raw HTTP, a full dump of the store, and a probe that
another client is still served while an attack runs.

A test script is run by tests/run-e2e.py with SDMXD, SHARED_DIR and REPO in its environment;
it exits 0 when every check held, 77 to be skipped (it prints why), anything else on failure.
Every loop in an attack is bounded in count and time, and only loopback is ever addressed.
"""
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import shutil
import time

SDMXD = os.environ.get("SDMXD", "./sdmxd")
SHARED = os.environ.get("SHARED_DIR", os.path.join(os.path.dirname(__file__), "../../../shared"))
REPO = os.environ.get("REPO", os.path.abspath(os.path.join(os.path.dirname(__file__), "../..")))
SKIP = 77

checks = 0


def check(cond, what):
    """One assertion: counts it, and ends the script with a message when it fails."""
    global checks
    checks += 1
    if not cond:
        print("FAIL: %s" % what, flush=True)
        raise SystemExit(1)


def skip(why):
    print("skip: %s" % why, flush=True)
    raise SystemExit(SKIP)


def shared(path):
    return os.path.join(SHARED, "data", path)


def demo(path):
    return os.path.join(REPO, "demo", path)


def status_of(sock, timeout=10):
    """(status, head bytes) from the first bytes of an answer read off a raw socket; the
    status is None when the server closed before a status line."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    try:
        return int(data.split(b" ", 2)[1]), data
    except (IndexError, ValueError):
        return None, data


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """A store in a temporary folder and, once start() is called, sdmxd serving it."""

    def __init__(self, demo_data=True, db=None):
        self.tmp = tempfile.mkdtemp(prefix="sdmxd-test-")
        self.db = db or os.path.join(self.tmp, "db")
        self.proc = None
        self.port = None
        self.log_path = os.path.join(self.tmp, "server.log")
        if demo_data:
            structures = sorted(os.path.join(REPO, "demo/structures", f)
                                for f in os.listdir(os.path.join(REPO, "demo/structures"))
                                if f.startswith("0") and f.endswith(".xml"))
            self.load(*structures)
            self.load(demo("data/sdg.xml"), demo("data/migrant_stock.xml"),
                      demo("data/digital_economy.xml"))

    def path(self, name):
        return os.path.join(self.tmp, name)

    def run(self, *args, timeout=600):
        return subprocess.run([SDMXD] + list(args), capture_output=True, timeout=timeout)

    def load(self, *files, flags=(), expect=0):
        p = self.run("load", "--db", self.db, *flags, *files)
        if expect is not None and p.returncode != expect:
            raise SystemExit("FAIL: load %s exited %d, not %d: %s" % (
                " ".join(files), p.returncode, expect, p.stderr.decode(errors="replace")[-2000:]))
        return p

    def token(self, *principal):
        """A new token for ("--provider", REF) or ("--agency", ID)."""
        p = self.run("token", "add", "--db", self.db, *principal)
        if p.returncode != 0:
            raise SystemExit("FAIL: token add: %s" % p.stderr.decode(errors="replace"))
        return p.stdout.decode().strip()

    def start(self, *flags, env=None, preexec_fn=None):
        self.port = free_port()
        cmd = [SDMXD, "serve", "--db", self.db, "--listen", "127.0.0.1:%d" % self.port]
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(cmd + list(flags), stdout=self.log, stderr=subprocess.STDOUT,
                                     env=env, preexec_fn=preexec_fn)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("FAIL: server exited with %d at start:\n%s" % (
                    self.proc.returncode, self.log_text()))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise SystemExit("FAIL: server did not start listening")

    def log_text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()[-4000:]

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        """Stops the server; a crash (a signal other than TERM, or a sanitizer's exit) fails."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        code = self.proc.returncode
        self.proc = None
        self.log.close()
        check(code in (0, -15), "server ended with status %s; log:\n%s" % (code, self.log_text()))
        return code

    def close(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- HTTP ------------------------------------------------------------------------------
    def request(self, method, path, body=None, headers=None, timeout=30):
        """(status, headers dict with lower-case names, body bytes); path below /rest."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, "/rest" + path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            c.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def upload(self, flow, token, body, method="POST", query="", ctype="application/xml",
               accept="application/json"):
        headers = {"Content-Type": ctype, "Accept": accept}
        if token:
            headers["Authorization"] = "Bearer " + token
        return self.request(method, "/data/%s%s" % (flow, query), body=body, headers=headers,
                            timeout=120)

    def probe(self, path="/dataflow/SDMXD/DF_SDG/1.0", timeout=5.0):
        """Seconds another client waited for a 200 while something else goes on; fails past
        timeout (the latency is for the benchmark's record, never asserted finer)."""
        t0 = time.time()
        try:
            status, _, _ = self.get(path, timeout=timeout)
        except (OSError, http.client.HTTPException) as e:
            check(False, "probe %s not answered within %.0f s: %s" % (path, timeout, e))
        check(status == 200, "probe %s answered %d" % (path, status))
        return time.time() - t0

    def connect(self, timeout=10):
        return socket.create_connection(("127.0.0.1", self.port), timeout=timeout)

    # ---- the store -------------------------------------------------------------------------
    def dump(self):
        """Every table of the store, as mdb_dump prints it (read while the server runs)."""
        p = subprocess.run(["mdb_dump", "-a", self.db], capture_output=True, timeout=300)
        check(p.returncode == 0, "mdb_dump: %s" % p.stderr.decode(errors="replace"))
        return p.stdout


def write_sdg_data(path, nseries, nareas, variant=0):
    """Deterministic bulk data for the demo SDG dataflow, from the demo codelists: a
    structure-specific message of nseries series codes x nareas areas x 24 years (values
    shifted by variant)."""
    import xml.etree.ElementTree as ET
    str_ns = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure}"
    folder = os.path.join(REPO, "demo/structures")
    codes = {}
    for f in sorted(os.listdir(folder)):
        if f.endswith(".xml"):
            for cl in ET.parse(os.path.join(folder, f)).iter(str_ns + "Codelist"):
                codes[cl.get("id")] = [c.get("id") for c in cl.findall(str_ns + "Code")]
    excluded = {"010", "074", "239", "260", "334"}
    series = codes["CL_SERIES"][:nseries]
    areas = [a for a in codes["CL_AREA"] if a not in excluded][:nareas]
    dims = ("FREQ=\"A\" REPORTING_TYPE=\"N\" SERIES=\"%s\" REF_AREA=\"%s\" SEX=\"_T\" AGE=\"_T\" "
            "URBANISATION=\"_T\" INCOME_WEALTH_QUANTILE=\"_T\" EDUCATION_LEV=\"_T\" "
            "OCCUPATION=\"_T\" CUST_BREAKDOWN=\"_T\" COMPOSITE_BREAKDOWN=\"_Z\" "
            "DISABILITY_STATUS=\"_T\" ACTIVITY=\"_T\" PRODUCT=\"_T\" UNIT_MEASURE=\"PERCENT\" "
            "UNIT_MULT=\"0\"")
    mes = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
    com = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"
    with open(path, "w") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<message:StructureSpecificData '
                  'xmlns:ss="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific" '
                  'xmlns:message="%s" xmlns:common="%s"><message:Header><message:ID>BULK</message:ID>'
                  '<message:Test>false</message:Test><message:Prepared>2024-01-01T00:00:00</message:Prepared>'
                  '<message:Sender id="T"/><message:Structure structureID="S" dimensionAtObservation="TIME_PERIOD">'
                  '<common:StructureUsage><Ref agencyID="SDMXD" id="DF_SDG" version="1.0"/></common:StructureUsage>'
                  '</message:Structure></message:Header><message:DataSet ss:structureRef="S">\n'
                  % (mes, com))
        for i, s in enumerate(series):
            for j, a in enumerate(areas):
                out.write("<Series %s>" % (dims % (s, a)))
                for y in range(2000, 2024):
                    out.write('<Obs TIME_PERIOD="%d" OBS_VALUE="%.2f" OBS_STATUS="A"/>'
                              % (y, ((i * 7919 + j * 104729 + y * 31 + variant) % 10000) / 100.0))
                out.write("</Series>\n")
        out.write("</message:DataSet></message:StructureSpecificData>\n")
    return len(series) * len(areas) * 24


def sdmx_error(body):
    """The SDMX error code and text of an error body (SDMX-JSON or SDMX-ML), or (None, '')."""
    try:
        doc = json.loads(body)
        e = doc.get("errors", [{}])[0] if isinstance(doc, dict) else {}
        return e.get("code"), json.dumps(e)
    except ValueError:
        pass
    text = body.decode("utf-8", errors="replace")
    import re
    m = re.search(r'code="(\d+)"', text)
    return (int(m.group(1)) if m else None), text


def done():
    print("%d checks" % checks, flush=True)
    raise SystemExit(0)
