"""PUT replaces each series it sends, in time linear in the series (a hash table of those met,
not a list scanned for each): a few thousand series complete and end up exactly as sent, with
counts of what was added, updated, deleted and left unchanged. It replaces only the
submitter's own series: one the operator loaded without a provider is written to, not
emptied; another provider's is not the submitter's to write at all (the PUT is refused whole,
not-owner, and nothing changes). Other clients are served meanwhile."""
import json
import os
import re
import threading

import storedata as sd
from harness import REPO, Server, check, done

UNSD = sd.SCHEME + ".UNSD"
WHO = sd.SCHEME + ".WHO"
YEARS = range(2000, 2006)

codes = {}
for f in sorted(os.listdir(os.path.join(REPO, "demo/structures"))):
    if f.endswith(".xml"):
        with open(os.path.join(REPO, "demo/structures", f), encoding="utf-8") as x:
            for m in re.finditer(r'<str:Codelist [^>]*id="([^"]+)".*?</str:Codelist>', x.read(),
                                 re.S):
                codes[m.group(1)] = re.findall(r'<str:Code [^>]*id="([^"]+)"', m.group(0))
excluded = {"010", "074", "239", "260", "334"}  # outside the DSD's constraint
areas = [a for a in codes["CL_AREA"] if a not in excluded][:150]
check(len(areas) == 150 and len(codes["CL_SERIES"]) >= 20, "the demo codelists")


def key(series, area):
    return sd.Series(dict(zip(sd.DIMS, ("A", "N", series, area, "_T", "_T", "_T", "_T", "_T",
                                        "_T", "_T", "_Z", "_T", "_T", "_T")),
                          UNIT_MEASURE="PERCENT", UNIT_MULT="0"), [])


def value(i, year, variant):
    return "%.2f" % (((i * 7919 + year * 31 + variant) % 10000) / 100.0)


every = [key(s, a) for s in codes["CL_SERIES"][:20] for a in areas]  # 3,000 series
check(len(every) == 3000, "3,000 series")


def obs(i, years, variant):
    return [{"TIME_PERIOD": str(y), "OBS_VALUE": value(i, y, variant), "OBS_STATUS": "A"}
            for y in years]


with Server(demo_data=False) as srv:
    srv.load(*sorted(os.path.join(REPO, "demo/structures", f)
                     for f in os.listdir(os.path.join(REPO, "demo/structures"))
                     if f.startswith("0") and f.endswith(".xml")))
    # two series of the lot are not UNSD's: one WHO wrote, one the operator loaded
    theirs, operators = every[0], every[1]
    srv.load(sd.write(srv.tmp, "who.xml",
                      sd.message(sd.series_xml([theirs], lambda _: obs(0, YEARS, 0)))),
             flags=("--provider", WHO))
    srv.load(sd.write(srv.tmp, "op.xml",
                      sd.message(sd.series_xml([operators], lambda _: obs(1, YEARS, 0)))))
    tok = srv.token("--provider", UNSD)
    srv.start()
    index = {s.key_text(): i for i, s in enumerate(every)}
    ours = every[2:]
    status, _, b = srv.upload(sd.FLOW, tok, sd.message(sd.series_xml(
        ours, lambda s: obs(index[s.key_text()], YEARS, 0))))
    check(status == 201, "UNSD's POST: %d %s" % (status, b[:300]))

    # the PUT: every series, 2001-2006 (2000 dropped, 2006 new), odd series with new values
    years = range(2001, 2007)
    variant = lambda i: 0 if i % 2 == 0 else 5
    body = sd.message(sd.series_xml(every, lambda s: obs(index[s.key_text()], years,
                                                         variant(index[s.key_text()]))))
    # WHO's series among them: refused whole, nothing written
    before = srv.dump()
    status, _, b = srv.upload(sd.FLOW, tok, body, method="PUT")
    check(status == 400 and b"not-owner" in b and theirs.key_text().encode() in b,
          "a PUT that writes WHO's series is refused naming it: %d %s" % (status, b[:300]))
    check(srv.dump() == before, "the refused PUT changed the store")
    mine = [s for s in every if s is not theirs]
    body = sd.message(sd.series_xml(mine, lambda s: obs(index[s.key_text()], years,
                                                        variant(index[s.key_text()]))))
    answer = {}

    def put():
        answer["r"] = srv.upload(sd.FLOW, tok, body, method="PUT")
    th = threading.Thread(target=put)
    th.start()
    probes = 0
    while th.is_alive() and probes < 50:
        srv.probe()  # another client is answered within 5 s meanwhile
        probes += 1
    th.join(120)
    check("r" in answer, "the PUT of %d series is answered" % len(every))
    status, _, b = answer["r"]
    check(status == 201, "the PUT: %d %s" % (status, b[:300]))
    doc = json.loads(b)
    n = len(ours)
    odd = sum(1 for s in ours if index[s.key_text()] % 2)
    # ours: 2000 deleted, 2006 added; of 2001-2005, the odd series' updated, the rest unchanged.
    # the operator's: written to, not emptied (2000 stays), 2006 added
    want = {"read": len(mine) * 6, "added": len(mine), "deleted": n,
            "updated": odd * 5 + 5 * (index[operators.key_text()] % 2),
            "unchanged": (n - odd) * 5 + 5 * (1 - index[operators.key_text()] % 2)}
    check(doc["observations"] == want, "the PUT counts %s, not %s" % (want, doc["observations"]))
    stored = sd.observations(srv)
    by_series = {}
    for (k, p), r in stored.items():
        by_series.setdefault(k, {})[p] = dict(r)["OBS_VALUE"]
    for s in every:
        i, k = index[s.key_text()], s.key_text()
        expect = {str(y): value(i, y, variant(i)) for y in years}
        if s is operators:
            expect["2000"] = value(i, 2000, 0)  # not UNSD's to empty
        if s is theirs:
            expect = {str(y): value(i, y, 0) for y in YEARS}  # WHO's, as WHO sent it
        check(by_series.get(k) == expect,
              "series %s reads %s, not %s" % (k, by_series.get(k), expect))
    check(len(by_series) == len(every), "no other series")
    print("PUT of %d series answered; %d probes served meanwhile" % (len(every), probes))
done()
