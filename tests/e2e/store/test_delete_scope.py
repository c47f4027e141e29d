"""An upload's deletions obey the rules of its writes: a data provider deletes only series it
wrote last and its agreement's constraints allow. A partial key (a flat Obs, a Series element
naming some dimensions, an SDMX-CSV row with empty cells) is a wildcard only among those; a
whole key outside them is refused, nothing deleted. The answer counts what went; every other
provider's data, and the operator's, reads back byte for byte as before."""
import json
import os

import storedata as sd
from harness import REPO, Server, check, done

ILO = sd.SCHEME + ".ILO"
WHO = sd.SCHEME + ".WHO"

with Server(demo_data=False) as srv:
    srv.load(*sorted(os.path.join(REPO, "demo/structures", f)
                     for f in os.listdir(os.path.join(REPO, "demo/structures"))
                     if f.startswith("0") and f.endswith(".xml")))
    series = sd.demo_series()
    ilo = [s for s in series if s.owner() == "ILO"]
    who = [s for s in series if s.owner() == "WHO"]
    rest = [s for s in series if s.owner() is None]
    # two series ILO's constraint allows that are not ILO's: one the operator loads without a
    # provider, one WHO writes (the operator may load anything for anyone)
    with_2015 = [s for s in ilo if any(o["TIME_PERIOD"] == "2015" for o in s.obs)]
    ilo_op, ilo_who = with_2015[0], with_2015[1]
    ilo = [s for s in ilo if s is not ilo_op and s is not ilo_who]
    check(len(ilo) > 100 and len(who) > 100 and len(rest) > 100,
          "three owners: ILO %d, WHO %d, the operator %d series" % (len(ilo), len(who), len(rest)))
    srv.load(sd.write(srv.tmp, "ilo.xml", sd.message(sd.series_xml(ilo))),
             flags=("--dataflow", "SDMXD:DF_SDG(1.0)", "--provider", ILO))
    srv.load(sd.write(srv.tmp, "who.xml", sd.message(sd.series_xml(who + [ilo_who]))),
             flags=("--dataflow", "SDMXD:DF_SDG(1.0)", "--provider", WHO))
    srv.load(sd.write(srv.tmp, "rest.xml", sd.message(sd.series_xml(rest + [ilo_op]))),
             flags=("--dataflow", "SDMXD:DF_SDG(1.0)"))
    tok_ilo = srv.token("--provider", ILO)
    srv.start()

    who_path = "/data/%s/all/WHO?format=csv" % sd.FLOW
    _, _, who_before = srv.get(who_path)
    check(who_before.count(b"\n") > 1000, "WHO's data is there")
    state = sd.observations(srv)

    def delete(body, ctype="application/xml"):
        """ILO's Delete: (status, answer)."""
        status, _, b = srv.upload(sd.FLOW, tok_ilo, body, ctype=ctype)
        try:
            return status, json.loads(b)
        except ValueError:
            return status, {"raw": b.decode(errors="replace")}

    def after_deleting(gone, what):
        """The store now holds state without gone, the rest unchanged; WHO's data as before."""
        global state
        now = sd.observations(srv)
        lost = set(state) - set(now)
        check(lost == gone, "%s removes %d observations, not %d (%d of them not ILO's)" % (
            what, len(gone), len(lost), len(lost - gone)))
        check(set(now) <= set(state), "%s adds nothing" % what)
        check(all(now[k] == state[k] for k in now), "%s changes no other observation" % what)
        check(srv.get(who_path)[2] == who_before, "%s: WHO's data reads back byte for byte" % what)
        state = now

    # 1. a flat Obs with FREQ and TIME_PERIOD alone: ILO's annual 2015 observations, no others
    gone = {(s.key_text(), "2015") for s in ilo if any(o["TIME_PERIOD"] == "2015" for o in s.obs)}
    others = sum(1 for k in state if k[1] == "2015") - len(gone)
    check(len(gone) > 10 and others > 100, "2015: %d of ILO's, %d of others" % (len(gone), others))
    status, doc = delete(sd.message('<Obs FREQ="A" TIME_PERIOD="2015"/>\n', "Delete", flat=True))
    check(status == 200, "the flat delete is accepted: %d %s" % (status, doc))
    check(doc["observations"]["deleted"] == len(gone) and doc["seriesDeleted"] == 0,
          "the answer counts %d deleted, not %s" % (len(gone), doc["observations"]))
    check(doc["actions"]["Delete"]["deleted"] == len(gone), "the Delete action counts them too")
    after_deleting(gone, "the flat delete")

    # 2. a Series element naming two dimensions, around an Obs: a wildcard among ILO's series
    ilo_keys = {s.key_text() for s in ilo}
    count = {}  # (area, year) -> [ILO's observations, others']
    for k, year in state:
        if k.startswith("A.") and year in ("2010", "2012", "2016", "2018", "2019", "2020"):
            count.setdefault((k.split(".")[3], year), [0, 0])[k not in ilo_keys] += 1
    area, year = max((c for c in count if count[c][0] and count[c][1]), key=lambda c: count[c][0])
    gone = {k for k in state if k[1] == year and k[0] in ilo_keys and k[0].split(".")[3] == area}
    check(len(gone) > 1, "%s in %s: %d of ILO's, %d of others" % (area, year, *count[area, year]))
    status, doc = delete(sd.message('<Series FREQ="A" REF_AREA="%s"><Obs TIME_PERIOD="%s"/></Series>\n'
                                    % (area, year), "Delete"))
    check(status == 200 and doc["observations"]["deleted"] == len(gone),
          "the partial key deletes %d: %d %s" % (len(gone), status, doc))
    after_deleting(gone, "the partial key")

    # 3. SDMX-CSV 2.0, a row with FREQ and SERIES only: ILO's series of that code, 2016
    code = "SL_TLF_UEM"
    gone = {k for k in state if k[1] == "2016" and k[0].split(".")[2] == code
            and k[0] in ilo_keys}
    check(len(gone) > 5, "%d of ILO's %s observations in 2016" % (len(gone), code))
    csv = ("STRUCTURE,STRUCTURE_ID,ACTION,FREQ,SERIES,TIME_PERIOD,OBS_VALUE\n"
           "dataflow,SDMXD:DF_SDG(1.0),D,A,%s,2016,\n" % code).encode()
    status, doc = delete(csv, ctype="text/csv")
    check(status == 200 and doc["observations"]["deleted"] == len(gone),
          "the CSV delete deletes %d: %d %s" % (len(gone), status, doc))
    after_deleting(gone, "the CSV delete")

    # 4. whole keys outside what ILO may delete are refused, whole or observation by observation:
    # nothing of the message is stored
    outside = [
        (who[0], None, "not-allowed"),        # outside ILO's constraint
        (ilo_op, None, "not-owner"),          # allowed, but loaded without a provider
        (ilo_who, None, "not-owner"),         # allowed, but WHO's
        (ilo_who, ilo_who.obs[0]["TIME_PERIOD"], "not-owner"),
    ]
    for s, period, rule in outside:
        obs = "" if period is None else '<Obs TIME_PERIOD="%s"/>' % period
        mine = ilo[0]  # one of ILO's own in the same message: not deleted either
        body = sd.message(sd.key_xml(mine) + sd.key_xml(s, obs), "Delete")
        status, doc = delete(body)
        check(status == 400 and rule in json.dumps(doc),
              "deleting %s%s is refused (%s): %d %s" % (s.key_text(), " " + period if period else "",
                                                       rule, status, json.dumps(doc)[:400]))
        after_deleting(set(), "a refused delete")

    # 5. ILO's own series, by its whole key: it goes, counted as a series and its observations
    s = ilo[0]
    gone = {k for k in state if k[0] == s.key_text()}
    status, doc = delete(sd.message(sd.key_xml(s), "Delete"))
    check(status == 200 and doc["seriesDeleted"] == 1 and
          doc["observations"]["deleted"] == len(gone),
          "the own series goes with its %d observations: %d %s" % (len(gone), status, doc))
    after_deleting(gone, "the own series")
done()
