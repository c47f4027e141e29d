"""includeHistory=true (issue 10): the server keeps every value an observation had, with the
commit that wrote it and the one that replaced or deleted it, and answers them in SDMX-ML 2.1
as one data set per commit: what it wrote (action Replace, validFromDate its time), then what
it deleted (action Delete, validToDate its time), in commit order. A load of new data writes
no history; a value sent again unchanged is no new version. updatedAfter with it keeps the
commits after the instant; plain answers (includeHistory=false or absent) stay as they were.
The same in SDMX-JSON 1.0 (dataSets with action and validFrom/validTo). SDMX-CSV 1.0 cannot
say when a value held (406); a cross-section is not built yet (501); includeHistory takes true
or false (400). Abuse: includeHistory on the
whole demo dataflow streams, the server's memory does not grow with the answer; a stalled
reader's answer lets its snapshot go and comes whole. The operator bounds the history with
sdmxd prune-history --before INSTANT: the values taken away before it go, nothing stored
changes, the answers with history get a new ETag; a bad instant is refused (exit 2)."""
import datetime
import json
import os
import re
import socket
import subprocess
import sys
import time

from lxml import etree

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "store"))
import storedata as sd  # noqa: E402
from harness import REPO, Server, check, done, sdmx_error  # noqa: E402

MES = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message}"
SS = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific}"
GEN = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic}"
UNSD = sd.SCHEME + ".UNSD"


def instant():
    """An instant between two commits."""
    time.sleep(1.1)
    t = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    time.sleep(1.1)
    return t


def key_of(series_el):
    return ".".join(series_el.get(d) for d in sd.DIMS)


def history(srv, path, fmt="structurespecificdata"):
    """The data sets of an includeHistory answer, each (action, validFromDate or validToDate,
    {(series key, period): value})."""
    sep = "&" if "?" in path else "?"
    status, _, body = srv.get(path + sep + "includeHistory=true&format=" + fmt)
    check(status == 200, "%s: %d %s" % (path, status, body[:300]))
    if fmt == "jsondata":
        return json_history(json.loads(body, parse_float=str, parse_int=str))
    root = etree.fromstring(body)
    out = []
    for ds in root.iter(MES + "DataSet"):
        if fmt == "structurespecificdata":
            action = ds.get(SS + "action")
            when = ds.get(SS + "validFromDate") or ds.get(SS + "validToDate")
            obs = {(key_of(s), o.get("TIME_PERIOD")): o.get("OBS_VALUE")
                   for s in ds.iter("Series") for o in s.iter("Obs")}
        else:
            action = ds.get("action")
            when = ds.get("validFromDate") or ds.get("validToDate")
            obs = {}
            for s in ds.iter(GEN + "Series"):
                k = {v.get("id"): v.get("value") for v in s.find(GEN + "SeriesKey")}
                key = ".".join(k[d] for d in sd.DIMS)
                for o in s.iter(GEN + "Obs"):
                    v = o.find(GEN + "ObsValue")
                    obs[(key, o.find(GEN + "ObsDimension").get("value"))] = \
                        None if v is None else v.get("value")
        check(action in ("Replace", "Delete"), "a data set says its action: %s" % action)
        check(when is not None and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", when),
              "and when its values held: %s" % when)
        check((ds.get("validToDate") or ds.get(SS + "validToDate")) is None or action == "Delete",
              "validToDate on Delete data sets only")
        out.append((action, when, obs))
    return out


def json_history(doc):
    """history() of an SDMX-JSON 1.0 answer: series and periods are indexes into the
    structure; a deleted observation is []."""
    dims = doc["data"]["structure"]["dimensions"]
    codes = [[v["id"] for v in d["values"]] for d in dims["series"]]
    periods = [v["id"] for v in dims["observation"][0]["values"]]
    out = []
    for ds in doc["data"]["dataSets"]:
        action, when = ds["action"], ds.get("validFrom") or ds.get("validTo")
        check(action in ("Replace", "Delete") and
              re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", when or ""),
              "a JSON data set says its action and when: %s %s" % (action, when))
        check(("validTo" in ds) == (action == "Delete"), "validTo on Delete data sets only")
        obs = {}
        for skey, series in ds["series"].items():
            key = ".".join(codes[d][int(i)] for d, i in enumerate(skey.split(":")))
            for p, arr in series.get("observations", {}).items():
                obs[(key, periods[int(p)])] = str(arr[0]) if arr else None
        out.append((action, when, obs))
    return out


def readers(db):
    """Read transactions open on the store, from LMDB's reader table."""
    out = subprocess.run(["mdb_stat", "-r", db], capture_output=True, text=True,
                         timeout=30).stdout
    return sum(1 for line in out.splitlines()
               if len(line.split()) == 3 and line.split()[2].isdigit())


def read_all(s):
    """The body of the answer on socket s (read to its end), chunks joined."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.settimeout(120)
    chunks = []
    while True:
        b = s.recv(1 << 20)
        if not b:
            break
        chunks.append(b)
    s.close()
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    check(head.startswith(b"HTTP/1.1 200"), "a stalled answer's status: %r" % head[:40])
    if b"chunked" in head.lower():
        out, rest = [], body
        while True:
            size, _, rest = rest.partition(b"\r\n")
            n = int(size.split(b";")[0], 16)
            if n == 0:
                break
            out.append(rest[:n])
            rest = rest[n + 2:]
        body = b"".join(out)
    return body


def peak_rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def header_free(body):
    """body without what changes from one message to the next: its ID and when prepared."""
    body = re.sub(rb"sdmxd-\d+-\d+", b"ID", body)
    body = re.sub(rb"<mes:Prepared>[^<]*</mes:Prepared>", b"", body)
    return re.sub(rb'"prepared":"[^"]*"', b"", body)


with Server(demo_data=False) as srv:
    srv.load(*sorted(os.path.join(REPO, "demo/structures", f)
                     for f in os.listdir(os.path.join(REPO, "demo/structures"))
                     if f.startswith("0") and f.endswith(".xml")))
    tok = srv.token("--provider", UNSD)
    srv.start()

    def send(data, method="POST"):
        status, _, b = srv.upload(sd.FLOW, tok, data, method=method)
        check(status in (200, 201), "%s: %d %s" % (method, status, b[:400]))
        return json.loads(b)

    everything = [s for s in sd.demo_series() if s.owner() is None]
    send(sd.message(sd.series_xml(everything)))
    series = everything[:6]
    keys = [s.key_text() for s in series]
    untouched = ("/data/%s/%s" % (sd.FLOW, keys[5]),
                 "/data/%s/%s?format=csv" % (sd.FLOW, keys[5]),
                 "/data/%s/%s?format=jsondata" % (sd.FLOW, keys[5]))
    plain_before = {p: header_free(srv.get(p)[2]) for p in untouched}

    # what the demo load stored: one data set, every value, nothing deleted
    one = history(srv, "/data/%s/%s" % (sd.FLOW, keys[0]))
    check(len(one) == 1 and one[0][0] == "Replace" and
          len(one[0][2]) == len(series[0].obs),
          "before any change: one Replace data set of the %d values loaded (%s)"
          % (len(series[0].obs), [(a, len(o)) for a, _, o in one]))
    loaded_at = one[0][1]

    # B: two values changed, one sent again unchanged
    mark_b = instant()
    p0, p1 = series[0].obs[0]["TIME_PERIOD"], series[1].obs[-1]["TIME_PERIOD"]
    old0, old1 = series[0].obs[0]["OBS_VALUE"], series[1].obs[-1]["OBS_VALUE"]
    b_msg = (sd.series_xml([series[0]], obs=lambda s: [dict(s.obs[0], OBS_VALUE="111.5"),
                                                        s.obs[1]]) +
             sd.series_xml([series[1]], obs=lambda s: [dict(s.obs[-1], OBS_VALUE="222.5")]))
    doc = send(sd.message(b_msg))
    check(doc["observations"]["updated"] == 2 and doc["observations"]["unchanged"] == 1,
          "two values changed, one unchanged: %s" % doc["observations"])
    # C: one observation deleted, one series deleted whole
    mark_c = instant()
    p2 = series[2].obs[0]["TIME_PERIOD"]
    doc = send(sd.message(sd.key_xml(series[2], '<Obs TIME_PERIOD="%s"/>' % p2) +
                          sd.key_xml(series[3]), "Delete"))
    check(doc["observations"]["deleted"] == 1 + len(series[3].obs),
          "deletions: %s" % doc["observations"])
    # D: a replacement that leaves one observation out, changes another
    mark_d = instant()
    p4, p4b = series[4].obs[-1]["TIME_PERIOD"], series[4].obs[0]["TIME_PERIOD"]
    kept = [dict(o, OBS_VALUE="444.5") if o["TIME_PERIOD"] == p4b else o
            for o in series[4].obs if o["TIME_PERIOD"] != p4]
    doc = send(sd.message(sd.series_xml([series[4]], obs=lambda _: kept)), method="PUT")
    check(doc["observations"]["deleted"] == 1 and doc["observations"]["updated"] == 1,
          "the PUT: %s" % doc["observations"])

    # every version of the five series, in SDMX-ML 2.1 (both) and SDMX-JSON 1.0
    for fmt in ("structurespecificdata", "genericdata", "jsondata"):
        sets = []
        for k in keys[:5]:
            sets.append(history(srv, "/data/%s/%s" % (sd.FLOW, k), fmt))
        s0, s1, s2, s3, s4 = sets
        check([a for a, _, _ in s0] == ["Replace", "Replace"] and s0[0][1] == loaded_at and
              s0[0][2][(keys[0], p0)] == old0 and s0[1][2] == {(keys[0], p0): "111.5"},
              "%s: the old value as loaded, then the new one alone (%s)"
              % (fmt, [(a, w, len(o)) for a, w, o in s0]))
        check(s0[0][1] < s0[1][1], "%s: in commit order, validFromDate growing" % fmt)
        check([a for a, _, _ in s1] == ["Replace", "Replace"] and
              s1[0][2][(keys[1], p1)] == old1 and s1[1][2] == {(keys[1], p1): "222.5"},
              "%s: the other change" % fmt)
        check([a for a, _, _ in s2] == ["Replace", "Delete"] and
              s2[1][2] == {(keys[2], p2): None} and (keys[2], p2) in s2[0][2],
              "%s: a deleted observation: loaded, then a Delete data set of its key (%s)"
              % (fmt, [(a, len(o)) for a, _, o in s2]))
        check([a for a, _, _ in s3] == ["Replace", "Delete"] and
              len(s3[1][2]) == len(series[3].obs) == len(s3[0][2]),
              "%s: a series deleted whole still has its history" % fmt)
        check([a for a, _, _ in s4] == ["Replace", "Replace", "Delete"] and
              s4[1][2] == {(keys[4], p4b): "444.5"} and s4[2][2] == {(keys[4], p4): None} and
              s4[1][1] == s4[2][1],
              "%s: a replacement: its new value and its deletion, one commit (%s)"
              % (fmt, [(a, w, o) for a, w, o in s4[1:]]))
    check(s2[1][1] > s1[1][1] > loaded_at and s4[1][1] > s2[1][1],
          "the commits follow one another")

    # several series at once: one data set per commit and action, across the series
    many = history(srv, "/data/%s" % sd.FLOW)
    actions = [a for a, _, _ in many]
    check(actions == ["Replace", "Replace", "Delete", "Replace", "Delete"],
          "the whole dataflow: load, B, C (delete), D (replace, delete): %s" % actions)
    check(many[1][2] == {(keys[0], p0): "111.5", (keys[1], p1): "222.5"},
          "B's data set holds its two values: %s" % many[1][2])
    check(set(many[2][2]) == {(keys[2], p2)} | {(keys[3], o["TIME_PERIOD"])
                                               for o in series[3].obs},
          "C's Delete data set: the observation and the series deleted")
    # updatedAfter with it: the commits after the instant only
    after = history(srv, "/data/%s?updatedAfter=%s" % (sd.FLOW, mark_c))
    check([(a, len(o)) for a, _, o in after] == [(a, len(o)) for a, _, o in many[2:]],
          "updatedAfter + includeHistory: the commits after it (%s)"
          % [(a, len(o)) for a, _, o in after])
    after = history(srv, "/data/%s/%s?updatedAfter=%s" % (sd.FLOW, keys[0], mark_b))
    check(len(after) == 1 and after[0][2] == {(keys[0], p0): "111.5"},
          "updatedAfter + includeHistory on one series: its change")
    status, _, body = srv.get("/data/%s/%s?updatedAfter=%s&includeHistory=true"
                              % (sd.FLOW, keys[0], mark_c))
    check(status == 404, "nothing after the instant: 404 (%d)" % status)

    # plain answers: as they were, and includeHistory=false is the plain answer
    for p, body in plain_before.items():
        check(header_free(srv.get(p)[2]) == body, "%s: byte for byte as before" % p)
    for p in ("/data/%s/%s" % (sd.FLOW, keys[0]), "/data/%s?lastNObservations=1" % sd.FLOW):
        a, b = srv.get(p)[2], srv.get(p + ("&" if "?" in p else "?") + "includeHistory=false")[2]
        check(header_free(a) == header_free(b), "%s: includeHistory=false is the plain answer" % p)
    plain = srv.get("/data/%s/%s?format=structurespecificdata" % (sd.FLOW, keys[0]))[2]
    check(b"action=" not in plain and b"validFromDate" not in plain,
          "a plain answer says no action nor validity")

    # formats and parameters it is not answered in: a clear error
    for q, code, words in (("format=csv", 406, "SDMX-CSV"),
                           ("dimensionAtObservation=REF_AREA", 501, "cross-section")):
        status, _, body = srv.get("/data/%s/%s?includeHistory=true&%s" % (sd.FLOW, keys[0], q))
        check(status == code and words in sdmx_error(body)[1],
              "includeHistory with %s: %d %s" % (q, status, body[:200]))
    status, _, body = srv.get("/data/%s?includeHistory=maybe" % sd.FLOW)
    check(status == 400 and "true or false" in sdmx_error(body)[1],
          "includeHistory=maybe: 400 (%d)" % status)

    # abuse: every version of the whole demo dataflow streams
    pid = srv.proc.pid
    t0 = time.time()
    status, _, plain_all = srv.get("/data/%s" % sd.FLOW, timeout=300)
    check(status == 200, "the whole dataflow, plain: %d" % status)
    base = peak_rss_kb(pid)
    status, _, hist_all = srv.get("/data/%s?includeHistory=true" % sd.FLOW, timeout=300)
    grown = peak_rss_kb(pid) - base
    check(status == 200 and hist_all.count(b"<mes:DataSet") == 5,
          "includeHistory on the whole dataflow: %d, %d data sets"
          % (status, hist_all.count(b"<mes:DataSet")))
    print("whole dataflow: plain %.1f MB, with history %.1f MB; peak RSS grew %d kB; %.1f s"
          % (len(plain_all) / 1e6, len(hist_all) / 1e6, grown, time.time() - t0))
    check(grown < 4096 and len(hist_all) > 4e6,
          "it streams: the server's peak memory grew %d kB for a %.1f MB answer"
          % (grown, len(hist_all) / 1e6))

    # a stalled reader: its answer lets the snapshot go and goes on, in the same data set,
    # from a fresh one; the answer comes whole, the same
    srv.stop()
    srv.start("--snapshot-hold", "200")
    query = "/data/%s?includeHistory=true&format=genericdata" % sd.FLOW
    status, _, fresh = srv.get(query, timeout=300)
    check(status == 200, "the whole history, generic: %d" % status)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", srv.port))
    sock.sendall(("GET /rest%s HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
                  % query).encode())
    deadline = time.time() + 10
    while readers(srv.db) > 0 and time.time() < deadline:
        time.sleep(0.1)
    check(readers(srv.db) == 0, "the stalled history answer let its snapshot go")
    stalled = read_all(sock)
    check(header_free(stalled) == header_free(fresh),
          "the stalled answer, resumed, is the answer (%d and %d bytes)"
          % (len(stalled), len(fresh)))

    # the operator bounds the history: sdmxd prune-history drops what commits before an
    # instant took away, beside the running server; what is stored stays
    plain = header_free(srv.get("/data/%s?format=csv" % sd.FLOW, timeout=300)[2])
    etag = srv.get("/data/%s/%s?includeHistory=true" % (sd.FLOW, keys[0]))[1].get("etag")
    p = srv.run("prune-history", "--db", srv.db, "--before", mark_c)
    check(p.returncode == 0 and b"2 value(s) dropped" in p.stdout,
          "prune-history before C: the two values B replaced go: %r %r" % (p.stdout, p.stderr))
    pruned = history(srv, "/data/%s" % sd.FLOW)
    check([a for a, _, _ in pruned] == actions and
          set(many[0][2]) - set(pruned[0][2]) == {(keys[0], p0), (keys[1], p1)} and
          pruned[1:] == many[1:],
          "the values loaded and replaced by B are no longer in the history, the rest is")
    check(srv.get("/data/%s/%s?includeHistory=true" % (sd.FLOW, keys[0]))[1].get("etag") != etag,
          "the answers with history have a new ETag")
    p = srv.run("prune-history", "--db", srv.db, "--before", "2999-01-01T00:00:00Z")
    check(p.returncode == 0, "prune-history of everything: %r" % p.stderr)
    left = history(srv, "/data/%s" % sd.FLOW)
    check([a for a, _, _ in left] == ["Replace", "Replace", "Replace"] and
          not any((keys[3], o["TIME_PERIOD"]) in left[0][2] for o in series[3].obs),
          "all of it: the commits of the values stored, a deleted series no more (%s)"
          % [a for a, _, _ in left])
    check(header_free(srv.get("/data/%s?format=csv" % sd.FLOW, timeout=300)[2]) == plain,
          "the data stored is as it was")
    p = srv.run("prune-history", "--db", srv.db, "--before", "yesterday")
    check(p.returncode == 2 and b"--before takes" in p.stderr, "a bad instant: %r" % p.stderr)
done()
