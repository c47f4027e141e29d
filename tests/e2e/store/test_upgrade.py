"""A store of the previous layout (4: without the table of the history of observations) is refused
by serve and load with a message naming 'sdmxd upgrade'; upgrade carries it over in place (the
history table made, empty), and then the store
holds what it held before the round trip, table by table (data, tokens, providers,
submissions, the change log, the counters; the artefacts re-encoded the same), and every
answer is byte for byte what it was, ETags and Last-Modified included."""
import json
import re

import storedata as sd
from harness import Server, check, demo, done, shared

UNSD = sd.SCHEME + ".UNSD"

PATHS = [
    "/dataflow/all/all/latest",
    "/datastructure/SDMXD/DSD_SDG/1.0?references=all",
    "/codelist/SDMXD/all/latest?detail=allstubs",
    "/categoryscheme/SDMXD/SDG_GOALS/1.0?references=dataflow",
    "/contentconstraint/all/all/all",
    "/provisionagreement/all/all/all",
    "/metadatastructure/all/all/all",
    "/datastructure/IAEG-SDGs/SDG/1.4",
    "/data/%s?lastNObservations=1" % sd.FLOW,
    "/availableconstraint/%s" % sd.FLOW,
]
ACCEPTS = ["application/vnd.sdmx.structure+xml;version=2.1",
           "application/vnd.sdmx.structure+json;version=1.0.0"]


def header_free(body):
    """body without what changes from one message to the next: its ID and when prepared."""
    body = re.sub(rb"sdmxd-\d+-\d+", b"ID", body)
    body = re.sub(rb"<mes:Prepared>[^<]*</mes:Prepared>", b"", body)
    return re.sub(rb'"prepared":"[^"]*"', b"", body)


def answers(srv):
    out = {}
    for path in PATHS:
        for accept in ACCEPTS if not path.startswith(("/data/", "/availableconstraint")) \
                else [None]:
            status, headers, body = srv.get(path, headers={"Accept": accept} if accept else {})
            out[(path, accept)] = (status, headers.get("etag"), headers.get("last-modified"),
                                   header_free(body))
    return out


def history_rows(dump):
    """The rows of the history table in an mdb_dump -a output."""
    part = dump.split(b"database=history\n", 1)
    check(len(part) == 2, "the store has a history table")
    rows = part[1].split(b"HEADER=END\n", 1)[1].split(b"DATA=END", 1)[0]
    return len(rows.splitlines()) // 2


with Server() as srv:
    srv.load(shared("sdg/SDG_DSD_1.4.xml"), shared("sdg/SDG_MSD_0.3_sdmx21.xml"))
    # a dataflow made for data by load --dataflow: its model too comes back the same
    srv.load(demo("data/migrant_stock.xml"), flags=("--dataflow", "SDMXD:DF_MIGRANT_COPY(1.0)"))
    PATHS.append("/dataflow/SDMXD/DF_MIGRANT_COPY/1.0?references=all")
    PATHS.append("/data/SDMXD,DF_MIGRANT_COPY,1.0?lastNObservations=1&format=csv")
    tok = srv.token("--provider", UNSD)
    srv.start()
    series = [s for s in sd.demo_series() if s.owner() is None][:20]
    status, _, b = srv.upload(sd.FLOW, tok, sd.message(sd.series_xml(series)))
    check(status in (200, 201), "a provider's upload is stored: %d %s" % (status, b[:300]))
    PATHS.append("/data/%s/%s?format=csv" % (sd.FLOW, series[0].key_text()))
    before = answers(srv)
    check(all(a[0] == 200 for a in before.values()),
          "every answer is 200 before: %s" % [k for k, a in before.items() if a[0] != 200])
    srv.stop()
    dump_before = srv.dump()

    p = srv.run("upgrade", "--db", srv.db, "--to-previous")
    check(p.returncode == 0, "the store written in the previous layout: %s" % p.stderr)
    dump_previous = srv.dump()
    check(dump_previous != dump_before, "the previous layout differs from this one")
    check(b"database=history" in dump_before and b"database=history" not in dump_previous,
          "the previous layout has no history table")

    p = srv.run("serve", "--db", srv.db, "--listen", "127.0.0.1:1")
    err = p.stderr.decode()
    check(p.returncode == 2 and "earlier sdmxd" in err and
          "sdmxd upgrade --db %s" % srv.db in err,
          "serve refuses the previous layout and names the command: %r" % err)
    check("store layout 4" in err and "history of observations starts empty" in err,
          "and says what the upgrade does: %r" % err)
    p = srv.load(sd.write(srv.tmp, "again.xml", sd.message(sd.series_xml(series[:1]))),
                 expect=None)
    check(p.returncode != 0 and b"sdmxd upgrade" in p.stderr,
          "load refuses it too: %r" % p.stderr[-300:])

    p = srv.run("upgrade", "--db", srv.db)
    out = p.stdout.decode()
    check(p.returncode == 0 and "stored in the current layout" in out,
          "upgrade carries the store over: %r %r" % (out, p.stderr))
    check(srv.dump() == dump_before,
          "after the round trip every table holds what it held, byte for byte")
    p = srv.run("upgrade", "--db", srv.db)
    check(p.returncode == 0 and srv.dump() == dump_before,
          "upgrading a current store again changes nothing")

    srv.start()
    after = answers(srv)
    for key, (status, etag, modified, body) in before.items():
        got = after[key]
        check(got[0] == status and got[3] == body,
              "%s %s: the same answer after the upgrade" % key)
        check(got[1] == etag and got[2] == modified,
              "%s %s: the same ETag and Last-Modified" % key)
    status, _, b = srv.upload(sd.FLOW, tok, sd.message(sd.series_xml(series[:2])))
    check(status == 200 and json.loads(b)["observations"]["added"] == 0,
          "the provider's token still writes, and its data is still there: %d %s"
          % (status, b[:300]))
    check(history_rows(srv.dump()) == 0, "the history starts empty")
    changed = sd.Series(dict(series[0].key, **series[0].attrs), [dict(o) for o in series[0].obs])
    changed.obs[0]["OBS_VALUE"] = "12345.5"
    status, _, b = srv.upload(sd.FLOW, tok, sd.message(sd.series_xml([changed])))
    check(status == 200 and json.loads(b)["observations"]["updated"] == 1,
          "a value changed after the upgrade: %d %s" % (status, b[:300]))
    check(history_rows(srv.dump()) == 1, "the value it replaced is kept in the history")
done()
