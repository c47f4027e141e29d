"""A data answer whose client stops reading lets its snapshot of the store go (--snapshot-hold)
and goes on from a fresh one at its next series when the client reads again: stalled
clients hold no read slot, their answers still come whole and well-formed, every series
from one snapshot; with a long hold, an answer is all from the snapshot it began with."""
import socket
import subprocess
import time

from lxml import etree

from harness import Server, check, done

GEN = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic}"
QUERY = "/data/DF_SDG"  # generic SDMX-ML: about 11 MB, more than the sockets hold
STALLED = 12


def readers(db):
    """Read transactions open on the store, from LMDB's reader table."""
    out = subprocess.run(["mdb_stat", "-r", db], capture_output=True, text=True,
                         timeout=30).stdout
    return sum(1 for line in out.splitlines()
               if len(line.split()) == 3 and line.split()[2].isdigit())


def stall(srv, n):
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", srv.port))
        s.sendall(("GET /rest%s HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n" % QUERY)
                  .encode())
        socks.append(s)
    return socks


def read_all(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.settimeout(60)
    chunks = []
    while True:
        b = s.recv(1 << 20)
        if not b:
            break
        chunks.append(b)
    s.close()
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
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


def series_values(body):
    """[(key, {period: value})] in answer order."""
    doc = etree.fromstring(body)
    out = []
    for ser in doc.iter(GEN + "Series"):
        key = tuple(v.get("value") for v in ser.find(GEN + "SeriesKey"))
        obs = {o.find(GEN + "ObsDimension").get("value"): o.find(GEN + "ObsValue").get("value")
               for o in ser.findall(GEN + "Obs")}
        out.append((key, obs))
    return out


def change_first_and_last(srv, before):
    """Loads (with the command line, beside the server) new values for the first and the
    last observation of the answer; returns the two (key, period, new value)."""
    status, _, csv = srv.get("/data/DF_SDG?format=csv")
    check(status == 200, "csv answer %d" % status)
    rows = csv.decode().splitlines()
    header = rows[0].split(",")
    ndims = header.index("TIME_PERIOD")
    picked = []
    lines = [",".join(header[:ndims + 2])]
    for row in (rows[1], rows[-1]):
        cells = row.split(",")
        new = str(float(cells[ndims + 1]) + 1000)
        lines.append(",".join(cells[:ndims + 1] + [new]))
        picked.append((tuple(cells[1:ndims]), cells[ndims], new))
    path = srv.path("change.csv")
    with open(path, "w") as f:
        f.write("\r\n".join(lines) + "\r\n")
    srv.load(path)
    return picked


def value_in(series, key, period):
    for k, obs in series:
        if k == key:
            return obs.get(period)
    return None


with Server() as srv:
    # a short hold: stalled answers let their snapshots go
    srv.start("--snapshot-hold", "200", "--max-client-streams", "16")
    status, _, fresh = srv.get(QUERY)
    check(status == 200, "the whole answer: %d" % status)
    before = series_values(fresh)
    check(len(before) > 100, "the demo SDG answer has many series (%d)" % len(before))

    socks = stall(srv, STALLED)
    deadline = time.time() + 10
    held = readers(srv.db)
    while held > 0 and time.time() < deadline:
        time.sleep(0.1)
        held = readers(srv.db)
    check(held == 0, "stalled answers still hold %d read transactions" % held)
    srv.probe()
    srv.probe(QUERY + "/A.G.SI_POV_DAY1.008...........")

    # the store changes while they are stalled; the answers go on from a fresh snapshot
    (k1, p1, v1), (k2, p2, v2) = change_first_and_last(srv, before)
    for s in socks:
        got = series_values(read_all(s))
        check([k for k, _ in got] == [k for k, _ in before],
              "a resumed answer has every series once, in order (%d of %d)" % (
                  len(got), len(before)))
        check(value_in(got, k1, p1) == value_in(before, k1, p1),
              "the first series was written before the stall, from the first snapshot")
        check(float(value_in(got, k2, p2)) == float(v2),
              "the last series comes from the snapshot after the change: %s, not %s" % (
                  value_in(got, k2, p2), v2))
    srv.stop()

with Server() as srv:
    # a long hold: a stalled answer that resumes in time is all from its first snapshot
    srv.start("--snapshot-hold", "60000")
    _, _, fresh = srv.get(QUERY)
    before = series_values(fresh)
    socks = stall(srv, 3)
    time.sleep(0.5)
    check(readers(srv.db) == 3, "within the hold, each stalled answer keeps its snapshot")
    (k1, p1, v1), (k2, p2, v2) = change_first_and_last(srv, before)
    for s in socks:
        got = series_values(read_all(s))
        check(got == before, "an answer within the hold is the store as it was when it began")
    srv.stop()

done()
