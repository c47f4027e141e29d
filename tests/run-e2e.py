#!/usr/bin/python3
"""Plays tests/e2e/**/*.case and conformance/**/*.case against the real sdmxd, and runs the
scripted tests tests/e2e/**/test_*.py (see tests/e2e/harness.py): exit 0 passes, 77 skips.

Each case gets a fresh store, loads files with `sdmxd load`, starts `sdmxd serve` on a free
loopback port, sends HTTP requests and checks the answers. Ends with `N passed, N failed`.

Case syntax (one directive a line, '#' starts a comment):
  serve-flags FLAGS...          extra flags for `sdmxd serve` (before the first request)
  load [--dataflow REF] FILE... `sdmxd load` must succeed; FILE is under ../shared/data, or
                                demo:PATH under the repository's demo/ folder, or tmp:NAME
  load-fail FILE...             `sdmxd load` must fail (exit 1)
  validate[-fail] FILE...       the same with `sdmxd validate` (checks, stores nothing)
  expect-stderr TEXT            the last load's stderr contains TEXT
  write-file NAME               the lines up to `end` become tmp:NAME (for hostile input)
  request METHOD PATH           a new request; PATH below /rest (or absolute if it starts //)
  header NAME: VALUE            request header; %ETAG% and %LASTMOD% stand for the previous
                                response's ETag and Last-Modified
  body-file FILE                request body from a file (as for load)
  expect-status N
  expect-header NAME: TEXT      response header NAME contains TEXT (case-insensitive name)
  expect-no-header NAME
  expect-contains TEXT / expect-lacks TEXT     on the (decoded) body
  expect-xsd                    body valid against the SDMX-ML 2.1 XSDs
  expect-json-schema KIND       body valid against the SDMX-JSON 1.0 KIND schema (structure, data)
  expect-xpath-count XPATH N    count of nodes (prefixes mes, str, com, reg)
  expect-xpath-equals XPATH FILE XPATH2   the sets of @urn (or text) equal those of FILE
  expect-json-count PATH N      length of the array at dotted PATH (data.codelists; empty: the
                                document itself)
  expect-json-equals PATH VALUE value at dotted PATH (numbers index arrays)
  save-as NAME                  remember the body (without the message header)
  save-body NAME                write the body to tmp:NAME (to load it again)
  expect-obs-same FILE...       the observations (every dimension, period, value and
                                attribute) equal those of the files (SDMX-ML 2.1, SDMX-CSV
                                or SDMX-JSON 1.0)
  expect-obs-count N            the body holds N observations
  expect-same-as NAME           body equals the remembered one (store unchanged)
  token NAME PRINCIPAL           `sdmxd token add`: a token for PRINCIPAL ("--provider X" or
                                "--agency X"); %TOKEN:NAME% in later headers stands for it
  token-revoke NAME             `sdmxd token revoke` of that token
  kill-during PATH FILE         POSTs FILE to PATH and kills the server (SIGKILL) while it
                                reads it, then starts it again
  cut-off PATH FILE             POSTs FILE to PATH (first token) but closes the connection
                                halfway through the body
  readers-during PATH FILE QUERY  POSTs FILE to PATH (with the first token) while reading
                                QUERY (SDMX-CSV) again and again: every answer must hold the
                                observations of before or of after the upload, nothing between
  mark-time NAME                a second passes, the time is noted, another second passes;
                                %TIME:NAME% in later request paths stands for it (ISO 8601)
  write-sdg-data NAME S A [V]   tmp:NAME: a structure-specific message for the demo SDG
                                dataflow with S series codes x A areas x 24 years (values
                                shifted by V)
  cut-file NAME FROM N          tmp:NAME: the first N bytes of tmp:FROM
  edit-file NAME FROM OLD NEW   tmp:NAME: tmp:FROM with the last OLD replaced by NEW (no spaces
                                in either; in NEW, %SP% stands for a space and %REPEAT:C:N% for
                                C written N times)
  slow-download PATH MB BYTES   reads PATH slowly (small reads, pauses); the server's
                                anonymous resident memory must not grow by more than MB while
                                at least BYTES arrive
  run-r                         the lines up to `end` run with Rscript; %URL% is the base URL,
                                %SHARED% the shared data folder
"""
import argparse
import gzip
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "e2e"))
from harness import free_port, write_sdg_data  # noqa: E402  (the scripted tests' harness)

try:
    from lxml import etree
except ImportError:  # pragma: no cover
    etree = None
try:
    import jsonschema
except ImportError:  # pragma: no cover
    jsonschema = None

NS = {
    "generic": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic",
    "mes": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
    "str": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure",
    "com": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common",
    "reg": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/registry",
}


class CaseFailure(Exception):
    pass


class Env:
    def __init__(self, args):
        self.sdmxd = args.sdmxd
        self.shared = os.path.abspath(args.shared)
        self.repo = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
        self._xsd = None
        self._json_schemas = {}

    def xsd(self):
        if self._xsd is None:
            path = os.path.join(self.shared, "data/schemas/sdmx-ml-2.1/SDMXMessage.xsd")
            self._xsd = etree.XMLSchema(etree.parse(path))
        return self._xsd

    def json_schema(self, kind):
        if kind not in self._json_schemas:
            path = os.path.join(self.shared,
                                "data/schemas/sdmx-json-1.0/sdmx-json-%s-schema.json" % kind)
            with open(path, encoding="utf-8") as f:
                schema = json.load(f)
            cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft4Validator)
            self._json_schemas[kind] = cls(schema, format_checker=jsonschema.FormatChecker())
        return self._json_schemas[kind]


GEN = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic}"


def observations(data):
    """The observations of an SDMX-ML 2.1 data message (generic or structure-specific, any
    dimension at observation), an SDMX-CSV 1.0 file or an SDMX-JSON 1.0 data message, each
    as a frozenset of (id, value) holding every dimension, the period, the value and every
    attribute that applies."""
    if data.lstrip()[:1] == b"{":
        # numbers kept as written, so that values compare as text with SDMX-ML's
        return json_observations(json.loads(data, parse_float=str, parse_int=str))
    if data.lstrip()[:1] != b"<":
        import csv, io
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        return {frozenset((k, v) for k, v in zip(rows[0][1:], r[1:]) if v) for r in rows[1:]}
    root = etree.fromstring(data)
    time_id = "TIME_PERIOD"
    measure = None  # SDMX 2.1 explicit measures: an Obs's xsi:type names its measure
    for s in root.iter("{%s}Structure" % NS["mes"]):
        time_id = s.get("dimensionAtObservation") or time_id
        if s.get("explicitMeasures") in ("true", "1"):
            measure = time_id
    XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"

    def obs_attrib(o):
        d = dict(o.attrib)
        if measure and XSI_TYPE in d:
            d.setdefault(measure, d[XSI_TYPE].split(":")[-1])
            d = {k: v for k, v in d.items() if not k.startswith("{")}
        return d
    obs = set()
    for ds in root.iter("{%s}DataSet" % NS["mes"]):
        if ds.find(GEN + "Series") is not None or ds.find(GEN + "Obs") is not None:
            obs |= generic_observations(ds, time_id)
        else:
            base = {k: v for k, v in ds.attrib.items() if not k.startswith("{")}
            groups = [{k: v for k, v in el.attrib.items() if not k.startswith("{")}
                      for el in ds if etree.QName(el).localname == "Group"]
            for el in ds:
                if etree.QName(el).localname == "Series":
                    s = with_groups(dict(base, **el.attrib), groups)
                    for o in el:
                        if etree.QName(o).localname == "Obs":
                            obs.add(frozenset(dict(s, **obs_attrib(o)).items()))
                elif etree.QName(el).localname == "Obs":
                    obs.add(frozenset(with_groups(dict(base, **obs_attrib(el)), groups).items()))
    return obs


def with_groups(values, groups):
    """Adds the attributes of the groups whose key values all match (a group carries its
    key values and its attributes side by side; the key values match by definition)."""
    for g in groups:
        key = {k: v for k, v in g.items() if k in values}
        if key and all(values[k] == v for k, v in key.items()):
            for k, v in g.items():
                values.setdefault(k, v)
    return values


def json_observations(doc):
    """The observations of an SDMX-JSON 1.0 data message (series, flat or cross-sectional;
    the {meta, data} envelope or the earlier {header, structure, dataSets}); data sets with
    action Delete are left out."""
    data = doc.get("data", doc)
    st = data["structure"]
    dims, attrs = st["dimensions"], st.get("attributes", {})

    def value(comp, i):
        v = comp["values"][int(i)]
        return None if v is None else v.get("id", v.get("name"))

    def attributes(d, level, indexes):
        for a, i in zip(attrs.get(level, []), indexes or []):
            if i is not None and value(a, i) is not None:
                d[a["id"]] = value(a, i)

    obs = set()
    for ds in data.get("dataSets", []):
        if ds.get("action") == "Delete":
            continue
        base = {dim["id"]: value(dim, 0) for dim in dims.get("dataSet", [])}
        attributes(base, "dataSet", ds.get("attributes"))

        def one(key, arr, s):
            d = dict(s)
            d.update((dim["id"], value(dim, i))
                     for dim, i in zip(dims.get("observation", []), key.split(":")))
            if arr and arr[0] is not None:
                d["OBS_VALUE"] = str(arr[0])
            attributes(d, "observation", arr[1:])
            obs.add(frozenset(d.items()))

        for key, ser in ds.get("series", {}).items():
            s = dict(base)
            s.update((dim["id"], value(dim, i))
                     for dim, i in zip(dims.get("series", []), key.split(":")))
            attributes(s, "series", ser.get("attributes"))
            for k, arr in ser.get("observations", {}).items():
                one(k, arr, s)
        for k, arr in ds.get("observations", {}).items():
            one(k, arr, base)
    return obs


def generic_values(el, path):
    return {v.get("id"): v.get("value") for v in el.findall(path)}


def generic_observations(ds, time_id):
    obs = set()
    base = generic_values(ds, GEN + "Attributes/" + GEN + "Value")
    groups = []
    for g in ds.findall(GEN + "Group"):
        groups.append(dict(generic_values(g, GEN + "GroupKey/" + GEN + "Value"),
                           **generic_values(g, GEN + "Attributes/" + GEN + "Value")))
    def one(o, s):
        d = dict(s)
        d.update(generic_values(o, GEN + "ObsKey/" + GEN + "Value"))
        dim = o.find(GEN + "ObsDimension")
        if dim is not None:
            d[dim.get("id") or time_id] = dim.get("value")
        val = o.find(GEN + "ObsValue")
        if val is not None:
            d["OBS_VALUE"] = val.get("value")
        d.update(generic_values(o, GEN + "Attributes/" + GEN + "Value"))
        obs.add(frozenset(with_groups(d, groups).items()))
    for el in ds:
        if el.tag == GEN + "Series":
            s = dict(base)
            s.update(generic_values(el, GEN + "SeriesKey/" + GEN + "Value"))
            s.update(generic_values(el, GEN + "Attributes/" + GEN + "Value"))
            for o in el.findall(GEN + "Obs"):
                one(o, s)
        elif el.tag == GEN + "Obs":
            one(el, base)
    return obs


def strip_header(body):
    return re.sub(rb"<mes:Header>.*?</mes:Header>", b"", body, count=1, flags=re.S)


class Case:
    def __init__(self, env, path):
        self.env = env
        self.path = path
        self.tmp = tempfile.mkdtemp(prefix="sdmxd-e2e-")
        self.db = os.path.join(self.tmp, "db")
        self.server = None
        self.port = None
        self.serve_flags = []
        self.saved = {}
        self.last_load = None
        self.resp = None
        self.req = None
        self.checks = 0
        self.prev_headers = {}
        self.marks = {}
        self.tokens = {}

    # ---- files --------------------------------------------------------------------------
    def file(self, name):
        if name.startswith("demo:"):
            return os.path.join(self.env.repo, "demo", name[5:])
        if name.startswith("tmp:"):
            return os.path.join(self.tmp, name[4:])
        return os.path.join(self.env.shared, "data", name)

    # ---- server -------------------------------------------------------------------------
    def start(self):
        if self.server is not None:
            return
        self.port = free_port()
        cmd = [self.env.sdmxd, "serve", "--db", self.db, "--listen",
               "127.0.0.1:%d" % self.port] + self.serve_flags
        self.server_log = open(os.path.join(self.tmp, "server.log"), "wb")
        self.server = subprocess.Popen(cmd, stdout=self.server_log, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.server.poll() is not None:
                raise CaseFailure("server exited with %d at start" % self.server.returncode)
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise CaseFailure("server did not start listening")

    def stop(self):
        if self.server is not None:
            self.server.terminate()
            try:
                self.server.wait(5)
            except subprocess.TimeoutExpired:
                self.server.kill()
            code = self.server.returncode
            self.server = None
            self.server_log.close()
            # a crash under the sanitizers shows as a signal or a non-zero exit
            if code not in (0, -15):
                raise CaseFailure("server ended with status %s; log:\n%s" % (
                    code, open(os.path.join(self.tmp, "server.log"), errors="replace").read()[-3000:]))

    # ---- requests -----------------------------------------------------------------------
    def send(self):
        if self.req is None:
            return
        self.start()
        method, path, headers, body = self.req
        self.req = None
        target = path[1:] if path.startswith("//") else "/rest" + path
        if headers.get("Expect", "").lower() == "100-continue":
            self.resp = self.send_expecting_continue(method, target, headers, body or b"")
            return
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request(method, target, body=body, headers=headers)
        r = conn.getresponse()
        raw = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        data = raw
        if hdrs.get("content-encoding") == "gzip":
            data = gzip.decompress(raw)
        self.resp = (r.status, hdrs, data, raw)
        conn.close()

    def send_expecting_continue(self, method, target, headers, body):
        """Sends the headers, and the body only after 100 Continue, as curl does for large
        uploads: a server that refuses the body answers without reading it."""
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
        head = "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n" % (
            method, target, len(body))
        head += "".join("%s: %s\r\n" % kv for kv in headers.items()) + "\r\n"
        sock.sendall(head.encode())
        f = sock.makefile("rb")
        line = f.readline()
        if line.split()[1:2] == [b"100"]:
            while f.readline() not in (b"\r\n", b""):
                pass
            sock.sendall(body)
            line = f.readline()
        status = int(line.split()[1])
        hdrs = {}
        while True:
            h = f.readline()
            if h in (b"\r\n", b""):
                break
            k, _, v = h.decode("latin-1").partition(":")
            hdrs[k.strip().lower()] = v.strip()
        data = f.read(int(hdrs.get("content-length", "0")))
        sock.close()
        return (status, hdrs, data, data)

    def need_resp(self):
        self.send()
        if self.resp is None:
            raise CaseFailure("no request before this expectation")
        return self.resp

    def fail(self, msg):
        status, hdrs, body, _ = self.resp if self.resp else (None, {}, b"", b"")
        raise CaseFailure("%s\n      status %s, body: %s" % (msg, status, body[:600].decode("utf-8", "replace")))

    # ---- directives ---------------------------------------------------------------------
    def do_load(self, files, should_fail, command="load"):
        flags = []
        while files and files[0].startswith("--"):
            flags += files[:2]
            files = files[2:]
        cmd = [self.env.sdmxd, command, "--db", self.db] + flags + [self.file(f) for f in files]
        p = subprocess.run(cmd, capture_output=True, timeout=600)
        self.last_load = p
        ok = p.returncode == 0
        if should_fail and p.returncode != 1:
            raise CaseFailure("load was expected to fail with 1, got %d: %s" % (
                p.returncode, p.stderr.decode(errors="replace")[-1500:]))
        if not should_fail and not ok:
            raise CaseFailure("load failed: %s" % p.stderr.decode(errors="replace")[-3000:])
        self.checks += 1

    def xml(self):
        _, _, body, _ = self.need_resp()
        try:
            return etree.fromstring(body)
        except etree.XMLSyntaxError as e:
            self.fail("body is not XML: %s" % e)

    def json_body(self):
        _, _, body, _ = self.need_resp()
        try:
            return json.loads(body)
        except ValueError as e:
            self.fail("body is not JSON: %s" % e)

    def json_path(self, doc, path):
        cur = doc
        for part in path.split(".") if path else []:
            if isinstance(cur, list):
                cur = cur[int(part)]
            elif isinstance(cur, dict) and part in cur:
                cur = cur[part]
            else:
                self.fail("no %s in the JSON body" % path)
        return cur

    def expect(self, cmd, arg, lines, i):
        status, hdrs, body, raw = self.need_resp()
        if cmd == "expect-status":
            if status != int(arg):
                self.fail("expected status %s" % arg)
        elif cmd == "expect-header":
            name, _, text = arg.partition(":")
            value = hdrs.get(name.strip().lower())
            if value is None or text.strip().lower() not in value.lower():
                self.fail("header %s is %r, expected it to contain %r" % (name, value, text.strip()))
        elif cmd == "expect-no-header":
            if arg.strip().lower() in hdrs:
                self.fail("header %s should be absent" % arg)
        elif cmd == "expect-contains":
            if arg.encode() not in body:
                self.fail("body lacks %r" % arg)
        elif cmd == "expect-lacks":
            if arg.encode() in body:
                self.fail("body contains %r" % arg)
        elif cmd == "expect-xsd":
            doc = self.xml()
            schema = self.env.xsd()
            if not schema.validate(doc):
                self.fail("not valid against the SDMX-ML 2.1 XSDs: %s" % schema.error_log.last_error)
        elif cmd == "expect-json-schema":
            doc = self.json_body()
            errors = sorted(self.env.json_schema(arg.strip()).iter_errors(doc), key=str)
            if errors:
                e = errors[0]
                self.fail("not valid against the SDMX-JSON 1.0 %s schema (%d errors), first at %s: %s" % (
                    arg, len(errors), "/".join(map(str, e.absolute_path)), e.message[:300]))
        elif cmd == "expect-xpath-count":
            xp, _, n = arg.rpartition(" ")
            got = self.xml().xpath("count(%s)" % xp, namespaces=NS)
            if int(got) != int(n):
                self.fail("count(%s) is %d, expected %s" % (xp, got, n))
        elif cmd == "expect-xpath-equals":
            xp, f, xp2 = arg.split()
            mine = set(map(str, self.xml().xpath(xp, namespaces=NS)))
            theirs = set(map(str, etree.parse(self.file(f)).xpath(xp2, namespaces=NS)))
            if mine != theirs or not mine:
                self.fail("%s differs from %s in %s: missing %s, extra %s" % (
                    xp, xp2, f, sorted(theirs - mine)[:10], sorted(mine - theirs)[:10]))
        elif cmd == "expect-json-count":
            path, _, n = arg.rpartition(" ")
            got = self.json_path(self.json_body(), path.strip())
            if not isinstance(got, (list, dict)) or len(got) != int(n):
                self.fail("%s has %s entries, expected %s" % (
                    path, len(got) if isinstance(got, (list, dict)) else "no", n))
        elif cmd == "expect-json-equals":
            path, _, value = arg.partition(" ")
            got = self.json_path(self.json_body(), path)
            want = json.loads(value)
            if got != want:
                self.fail("%s is %r, expected %r" % (path, got, want))
        elif cmd == "expect-obs-same":
            mine = observations(body)
            theirs = set()
            for f in arg.split():
                with open(self.file(f), "rb") as fh:
                    theirs |= observations(fh.read())
            if mine != theirs or not mine:
                missing = sorted(sorted(o) for o in theirs - mine)[:2]
                extra = sorted(sorted(o) for o in mine - theirs)[:2]
                self.fail("observations differ: %d here, %d in the files; missing %s; extra %s" % (
                    len(mine), len(theirs), missing, extra))
        elif cmd == "expect-obs-count":
            if len(observations(body)) != int(arg):
                self.fail("%d observations, expected %s" % (len(observations(body)), arg))
        elif cmd == "save-body":
            with open(self.file("tmp:" + arg), "wb") as fh:
                fh.write(body)
        elif cmd == "save-as":
            self.saved[arg] = strip_header(body)
        elif cmd == "expect-same-as":
            if strip_header(body) != self.saved[arg]:
                self.fail("body differs from the one saved as %s" % arg)
        else:
            raise CaseFailure("unknown directive %s (line %d)" % (cmd, i + 1))
        self.checks += 1

    def write_sdg_data(self, name, nseries, nareas, variant=0):
        write_sdg_data(self.file("tmp:" + name), nseries, nareas, variant)

    def rss_kb(self):
        """Anonymous resident memory (heap and stacks): the store's pages are a file mapping
        that the kernel may keep resident or drop, so they are not counted."""
        with open("/proc/%d/status" % self.server.pid) as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
        return 0

    def slow_download(self, path, max_growth_mb, min_bytes):
        self.start()
        before = self.rss_kb()
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
        sock.sendall(("GET /rest%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path).encode())
        got, peak, n = 0, before, 0
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            got += len(chunk)
            n += 1
            if n % 64 == 0:
                time.sleep(0.01)  # a slow reader: the server must wait, not buffer
                peak = max(peak, self.rss_kb())
        sock.close()
        growth_mb = (peak - before) / 1024.0
        if got < min_bytes:
            raise CaseFailure("slow download got only %d bytes" % got)
        if growth_mb > max_growth_mb:
            raise CaseFailure("server grew by %.1f MB while sending %d bytes (bound %s MB)" % (
                growth_mb, got, max_growth_mb))
        self.checks += 1

    def kill_during(self, path, f):
        """Sends a large upload and kills the server (SIGKILL) once it has spent 0.2 s of CPU on
        it (so inside its write transaction), then restarts it."""
        self.start()
        with open(self.file(f), "rb") as fh:
            body = fh.read()
        token = list(self.tokens.values())[0] if self.tokens else ""
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
        sock.sendall(("POST /rest%s HTTP/1.1\r\nHost: x\r\nContent-Type: application/xml\r\n"
                      "Authorization: Bearer %s\r\nContent-Length: %d\r\n\r\n"
                      % (path, token, len(body))).encode())
        sock.sendall(body)
        # wait until the server has spent 0.2 s of CPU on it: it is inside its transaction
        def cpu():
            with open("/proc/%d/stat" % self.server.pid) as st:
                fields = st.read().rsplit(")", 1)[1].split()
            return int(fields[11]) + int(fields[12])
        start = cpu()
        deadline = time.time() + 30
        while cpu() - start < 20 and time.time() < deadline:
            time.sleep(0.01)
        if cpu() - start < 20:
            raise CaseFailure("the server never got busy with the upload")
        self.server.kill()
        self.server.wait(5)
        self.server = None
        self.server_log.close()
        sock.close()
        self.start()
        self.checks += 1

    def count_obs(self, query):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request("GET", "/rest" + query)
        r = conn.getresponse()
        body = r.read()
        conn.close()
        return 0 if r.status == 404 else len(observations(body))

    def readers_during(self, path, f, query):
        import threading
        self.start()
        before = self.count_obs(query)
        with open(self.file(f), "rb") as fh:
            body = fh.read()
        token = list(self.tokens.values())[0]
        status = []
        def upload():
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
            conn.request("POST", "/rest" + path, body=body,
                         headers={"Authorization": "Bearer " + token,
                                  "Content-Type": "application/xml"})
            status.append(conn.getresponse().status)
            conn.close()
        t = threading.Thread(target=upload)
        t.start()
        seen = []
        while t.is_alive():
            seen.append(self.count_obs(query))
        t.join()
        after = self.count_obs(query)
        if not status or status[0] not in (200, 201):
            raise CaseFailure("the upload answered %s" % status)
        odd = [n for n in seen if n not in (before, after)]
        if odd or before == after:
            raise CaseFailure("readers saw %s (before %d, after %d)" % (sorted(set(seen)), before, after))
        print("      readers during the upload: %d answers, before %d, after %d" % (len(seen), before, after))
        self.checks += 1

    def run_r(self, script):
        self.start()
        url = "http://127.0.0.1:%d/rest" % self.port
        path = os.path.join(self.tmp, "test.R")
        with open(path, "w") as f:
            f.write(script.replace("%URL%", url).replace("%SHARED%", os.path.join(self.env.shared, "data")))
        p = subprocess.run(["Rscript", path], capture_output=True, timeout=300)
        if p.returncode != 0:
            raise CaseFailure("R script failed:\n%s%s" % (p.stdout.decode(errors="replace")[-2000:],
                                                          p.stderr.decode(errors="replace")[-2000:]))
        self.checks += 1

    def run(self):
        with open(self.path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        i = 0
        try:
            while i < len(lines):
                line = lines[i].strip()
                i += 1
                if not line or line.startswith("#"):
                    continue
                cmd, _, arg = line.partition(" ")
                arg = arg.strip()
                if cmd in ("write-file", "run-r"):
                    block = []
                    while i < len(lines) and lines[i].rstrip() != "end":
                        block.append(lines[i])
                        i += 1
                    i += 1
                    if cmd == "write-file":
                        with open(self.file("tmp:" + arg), "w", encoding="utf-8") as out:
                            out.write("\n".join(block) + ("\n" if block else ""))
                    else:
                        self.send()
                        self.run_r("\n".join(block))
                    continue
                if cmd == "serve-flags":
                    self.serve_flags = arg.split()
                elif cmd in ("load", "load-fail", "validate", "validate-fail"):
                    self.send()  # LMDB lets a loader and the server share the store
                    self.do_load(arg.split(), cmd.endswith("-fail"), cmd.split("-")[0])
                elif cmd == "expect-stderr":
                    err = self.last_load.stderr.decode(errors="replace")
                    if arg not in err:
                        raise CaseFailure("load stderr lacks %r:\n%s" % (arg, err[-1500:]))
                    self.checks += 1
                elif cmd == "write-sdg-data":
                    name, ns, na, *variant = arg.split()
                    self.write_sdg_data(name, int(ns), int(na), int(variant[0]) if variant else 0)
                elif cmd == "cut-file":
                    name, src, n = arg.split()
                    with open(self.file("tmp:" + src), "rb") as f:
                        data = f.read(int(n))
                    with open(self.file("tmp:" + name), "wb") as out:
                        out.write(data)
                elif cmd == "edit-file":
                    name, src, old, new = arg.split()
                    new = re.sub(r"%REPEAT:(.):(\d+)%", lambda m: m.group(1) * int(m.group(2)), new)
                    new = new.replace("%SP%", " ")
                    with open(self.file("tmp:" + src), encoding="utf-8") as f:
                        data = f.read()
                    at = data.rfind(old)
                    if at < 0:
                        raise CaseFailure("edit-file: %r is not in %s" % (old, src))
                    with open(self.file("tmp:" + name), "w", encoding="utf-8") as out:
                        out.write(data[:at] + new + data[at + len(old):])
                elif cmd == "slow-download":
                    self.send()
                    path, mb, nbytes = arg.split()
                    self.slow_download(path, float(mb), int(nbytes))
                elif cmd == "token":
                    self.send()
                    name, rest = arg.split(" ", 1)
                    p = subprocess.run([self.env.sdmxd, "token", "add", "--db", self.db] +
                                       rest.split(), capture_output=True, timeout=60)
                    if p.returncode != 0:
                        raise CaseFailure("token add failed: %s" % p.stderr.decode(errors="replace"))
                    self.tokens[name] = p.stdout.decode().strip()
                elif cmd == "token-revoke":
                    self.send()
                    p = subprocess.run([self.env.sdmxd, "token", "revoke", "--db", self.db,
                                        self.tokens[arg]], capture_output=True, timeout=60)
                    if p.returncode != 0:
                        raise CaseFailure("token revoke failed")
                elif cmd == "kill-during":
                    self.send()
                    path, f = arg.split()
                    self.kill_during(path, f)
                elif cmd == "cut-off":
                    self.send()
                    path, f = arg.split()
                    self.start()
                    with open(self.file(f), "rb") as fh:
                        body = fh.read()
                    token = list(self.tokens.values())[0]
                    sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
                    sock.sendall(("POST /rest%s HTTP/1.1\r\nHost: x\r\nContent-Type: application/xml"
                                  "\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n"
                                  % (path, token, len(body))).encode() + body[:len(body) // 2])
                    sock.close()
                    time.sleep(0.3)
                    self.checks += 1
                elif cmd == "readers-during":
                    self.send()
                    path, f, query = arg.split()
                    self.readers_during(path, f, query)
                elif cmd == "mark-time":
                    self.send()
                    time.sleep(1.1)
                    self.marks[arg] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
                    time.sleep(1.1)
                elif cmd == "request":
                    self.send()
                    self.prev_headers = self.resp[1] if self.resp else {}
                    for name, value in self.marks.items():
                        arg = arg.replace("%TIME:" + name + "%", value)
                    method, _, path = arg.partition(" ")
                    self.req = [method, path, {}, None]
                    self.resp = None
                elif cmd == "header":
                    name, _, value = arg.partition(":")
                    prev = self.prev_headers
                    value = value.strip().replace("%ETAG%", prev.get("etag", ""))
                    value = value.replace("%LASTMOD%", prev.get("last-modified", ""))
                    for tname, tok in self.tokens.items():
                        value = value.replace("%TOKEN:" + tname + "%", tok)
                    self.req[2][name.strip()] = value
                elif cmd == "body-file":
                    with open(self.file(arg), "rb") as bf:
                        self.req[3] = bf.read()
                elif cmd.startswith("expect-") or cmd in ("save-as", "save-body"):
                    self.expect(cmd, arg, lines, i - 1)
                else:
                    raise CaseFailure("unknown directive %s (line %d)" % (cmd, i))
            self.send()
            if self.checks == 0:
                raise CaseFailure("the case checks nothing")
        finally:
            try:
                self.stop()
            finally:
                shutil.rmtree(self.tmp, ignore_errors=True)


SKIPPED = 77
SCRIPT_TIMEOUT = 600


def run_script(env, path):
    """Runs a scripted test in its own process; its output is shown only when it fails or
    skips (the reason)."""
    path = os.path.abspath(path)  # (it runs in its own folder)
    e = dict(os.environ, SDMXD=os.path.abspath(env.sdmxd), SHARED_DIR=os.path.abspath(env.shared),
             REPO=env.repo, PYTHONPATH=os.path.join(env.repo, "tests", "e2e"))
    try:
        p = subprocess.run([sys.executable, path], capture_output=True,
                           timeout=SCRIPT_TIMEOUT, env=e, cwd=os.path.dirname(path))
    except subprocess.TimeoutExpired:
        raise CaseFailure("no answer within %d s" % SCRIPT_TIMEOUT)
    out = (p.stdout + p.stderr).decode(errors="replace")
    if p.returncode == SKIPPED:
        print("       " + out.strip().splitlines()[-1] if out.strip() else "", flush=True)
        return SKIPPED
    if p.returncode != 0:
        raise CaseFailure("exited %d:\n%s" % (p.returncode, out[-3000:]))
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sdmxd", required=True)
    ap.add_argument("--shared", required=True)
    ap.add_argument("--only", default="", help="run only cases whose path contains this")
    ap.add_argument("dirs", nargs="+")
    args = ap.parse_args()
    env = Env(args)
    cases = []
    for d in args.dirs:
        for root, _, files in os.walk(d):
            cases += [os.path.join(root, f) for f in files
                      if f.endswith(".case") or (f.startswith("test_") and f.endswith(".py"))]
    cases = sorted(c for c in cases if args.only in c)
    passed = failed = skipped = 0
    for c in cases:
        name = os.path.relpath(c, os.path.join(os.path.dirname(__file__), ".."))
        t0 = time.time()
        try:
            if c.endswith(".py"):
                if run_script(env, c) == SKIPPED:
                    skipped += 1
                    print("skip   %s (%.1fs)" % (name, time.time() - t0), flush=True)
                    continue
            else:
                Case(env, c).run()
            passed += 1
            print("ok     %s (%.1fs)" % (name, time.time() - t0), flush=True)
        except (CaseFailure, OSError, subprocess.SubprocessError, AssertionError) as e:
            failed += 1
            print("FAIL   %s\n      %s" % (name, e), flush=True)
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
