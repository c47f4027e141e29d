"""The change log does not grow with re-submissions: an observation written again as it is
stored changes nothing (no change entry, not counted as updated, its commit kept), POST and PUT
alike; a series changed again and again keeps one entry; an observation deleted and written
again takes its deletion off. updatedAfter stays right through all of it."""
import datetime
import os
import re
import time

import storedata as sd
from harness import REPO, Server, check, done

UNSD = sd.SCHEME + ".UNSD"


def instant():
    """An instant between two commits: a second after the last one, a second before the next."""
    time.sleep(1.1)
    t = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    time.sleep(1.1)
    return t


def data_sets(srv, after):
    """updatedAfter=after as (observations of the data set, of the Delete data set), or None
    for a 404."""
    status, _, body = srv.get("/data/%s?updatedAfter=%s&format=structurespecificdata"
                              % (sd.FLOW, after))
    if status == 404:
        return None
    check(status == 200, "updatedAfter=%s: %d %s" % (after, status, body[:300]))
    text = body.decode()
    parts = re.split(r'<mes:DataSet[^>]*action="Delete"', text)
    check(len(parts) <= 2, "one Delete data set at most")
    obs = lambda t: re.findall(r'<Obs [^>]*TIME_PERIOD="([^"]+)"[^>]*/>', t)
    return obs(parts[0]), obs(parts[1]) if len(parts) > 1 else []


with Server(demo_data=False) as srv:
    srv.load(*sorted(os.path.join(REPO, "demo/structures", f)
                     for f in os.listdir(os.path.join(REPO, "demo/structures"))
                     if f.startswith("0") and f.endswith(".xml")))
    tok = srv.token("--provider", UNSD)
    srv.start()
    series = sd.demo_series()[:1500]
    nobs = sum(len(s.obs) for s in series)
    body = sd.message(sd.series_xml(series))

    def send(data, method="POST", expect=200):
        import json
        status, _, b = srv.upload(sd.FLOW, tok, data, method=method)
        check(status == expect, "%s: %d, not %d: %s" % (method, status, expect, b[:400]))
        return json.loads(b)

    start = instant()
    doc = send(body, expect=201)
    check(doc["observations"]["added"] == nobs, "the first POST adds %d" % nobs)
    entries = sd.changes_entries(srv.db)
    print("change log after the first POST of %d series, %d observations: %d entries"
          % (len(series), nobs, entries))
    check(entries >= len(series), "the log names every series")
    everything = data_sets(srv, start)
    check(everything is not None and len(everything[0]) == nobs, "updatedAfter finds them all")

    # the same again, POST then PUT: nothing changes, nothing is logged, nothing is new
    mark = instant()
    doc = send(body)
    check(sd.changes_entries(srv.db) == entries,
          "an identical POST logs nothing (%d entries, were %d)"
          % (sd.changes_entries(srv.db), entries))
    check(doc["observations"] == {"read": nobs, "added": 0, "updated": 0, "unchanged": nobs,
                                  "deleted": 0}, "an identical POST changes nothing: %s" % doc)
    doc = send(body, method="PUT")
    check(doc["actions"]["Replace"]["unchanged"] == nobs and doc["observations"]["deleted"] == 0
          and doc["observations"]["added"] == 0, "an identical PUT changes nothing: %s" % doc)
    check(sd.changes_entries(srv.db) == entries,
          "an identical PUT logs nothing (%d entries, were %d)"
          % (sd.changes_entries(srv.db), entries))
    check(data_sets(srv, mark) is None, "updatedAfter the first POST: nothing new")
    check(data_sets(srv, start) == everything, "updatedAfter before it: the same as before")

    # one observation changed, again and again: one entry for its series, whatever the count
    s = series[7]
    period = s.obs[0]["TIME_PERIOD"]
    for i in range(5):
        mark = instant()
        changed = [dict(o, OBS_VALUE=str(1000 + i)) if o["TIME_PERIOD"] == period else o
                   for o in s.obs]
        doc = send(sd.message(sd.series_xml([s], obs=lambda _: changed)))
        check(doc["observations"]["updated"] == 1 and
              doc["observations"]["unchanged"] == len(s.obs) - 1,
              "one observation updated: %s" % doc["observations"])
        check(sd.changes_entries(srv.db) == entries,
              "change %d: the log keeps %d entries (%d)" % (i, entries, sd.changes_entries(srv.db)))
        check(data_sets(srv, mark) == ([period], []), "updatedAfter: the changed observation")
    check(len(data_sets(srv, start)[0]) == nobs, "updatedAfter the start: still everything")

    # deleted, then written again: the deletion is listed, then no longer
    mark = instant()
    doc = send(sd.message(sd.key_xml(s, '<Obs TIME_PERIOD="%s"/>' % period), "Delete"))
    check(doc["observations"]["deleted"] == 1, "one observation deleted")
    check(data_sets(srv, mark) == ([], [period]), "updatedAfter: its deletion")
    check(sd.changes_entries(srv.db) <= entries + 2, "the deletion: one entry and its index")
    mark2 = instant()
    doc = send(sd.message(sd.series_xml([s], obs=lambda _: changed)), expect=201)
    check(doc["observations"]["added"] == 1, "written again")
    check(sd.changes_entries(srv.db) == entries, "the deletion is off the log again (%d, %d)"
          % (sd.changes_entries(srv.db), entries))
    check(data_sets(srv, mark) == ([period], []), "updatedAfter the deletion: the observation")
    check(data_sets(srv, mark2) == ([period], []), "updatedAfter its return: the observation")

    # a PUT without one observation of a series: that one goes, the rest stays as it was
    mark = instant()
    kept = [o for o in changed if o["TIME_PERIOD"] != period]
    doc = send(sd.message(sd.series_xml([s], obs=lambda _: kept)), method="PUT")
    check(doc["observations"]["deleted"] == 1 and doc["observations"]["unchanged"] == len(kept),
          "the PUT deletes the observation not sent: %s" % doc["observations"])
    check(data_sets(srv, mark) == ([], [period]), "updatedAfter the PUT: that deletion alone")

    # an observation given twice is refused, even when both are as stored, and however many
    # series come between (their blocks may leave memory meanwhile)
    first, last = series[100], series[101]
    twice = sd.message(sd.series_xml([first] + series[200:1400] + [first, last]))
    entries = sd.changes_entries(srv.db)
    status, _, b = srv.upload(sd.FLOW, tok, twice)
    check(status == 400 and b"duplicate-observation" in b,
          "an observation twice is refused: %d %s" % (status, b[:300]))
    check(sd.changes_entries(srv.db) == entries, "and nothing is stored")
    print("change log at the end: %d entries" % sd.changes_entries(srv.db))
done()
