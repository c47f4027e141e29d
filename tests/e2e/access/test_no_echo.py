"""A secret sent where it does not belong (a token in the query string, as the value of any
parameter, known or not, on a GET or an upload; a bad Authorization header) never comes back
in the error: messages name a parameter, never show its value, and quote path segments cut
and as printable ASCII, so that every error stays a well-formed SDMX message."""
import json
import xml.etree.ElementTree as ET

from harness import Server, check, done, sdmx_error
from foreign import provider_tokens, row

SECRET = "5ec2e7" + "ab" * 29  # shaped like a token: 64 hex digits


def refused(srv, method, path, status, name=None, headers=None, body=None):
    """The request gets status and an SDMX error (XML and JSON) without the secret."""
    for accept in ("application/xml", "application/json"):
        h = dict(headers or {}, Accept=accept)
        st, _, answer = srv.request(method, path, body=body, headers=h)
        what = "%s %s (%s)" % (method, path[:80], accept)
        check(st == status, "%s: answered %d, not %d: %s" % (what, st, status, answer[:300]))
        code, text = sdmx_error(answer)
        check(code is not None, "%s: an SDMX error: %s" % (what, answer[:300]))
        if accept == "application/json":
            json.loads(answer)
        else:
            try:
                ET.fromstring(answer)
            except ET.ParseError as e:
                check(False, "%s: the error is not well-formed XML (%s): %r" % (what, e, answer[:300]))
        check(SECRET[:16].encode() not in answer and SECRET[-16:].encode() not in answer,
              "%s: the secret comes back: %s" % (what, answer[:400]))
        if name is not None:
            check(("'%s'" % name) in text or name in text,
                  "%s: the error names the parameter %s: %s" % (what, name, text[:300]))
    return answer


def main():
    with Server() as srv:
        _, _, unsd = provider_tokens(srv)
        srv.start()
        # structure queries: unknown parameters, and the values of known ones
        for q in ("token=%s", "access_token=%s", "api_key=%s&detail=full", "detail=%s",
                  "references=%s", "detail=full&references=%s"):
            refused(srv, "GET", "/dataflow/SDMXD/DF_SDG/1.0?" + q % SECRET, 400,
                    name=q.split("=")[0] if q.startswith(("token", "access_token", "api_key"))
                    else None)
        # the secret as a parameter's name: cut to a few characters
        answer = refused(srv, "GET", "/dataflow?" + SECRET, 400)
        check(b"unknown parameter '5ec2e7ab...'" in answer,
              "a long name is cut to its first characters: %s" % answer[:300])
        # data queries
        for q in ("token=%s", "startPeriod=%s", "endPeriod=%s", "updatedAfter=%s",
                  "firstNObservations=%s", "lastNObservations=%s", "detail=%s",
                  "startPeriod=2020-%s", "updatedAfter=2020-01-01T%s"):
            refused(srv, "GET", "/data/SDMXD,DF_SDG,1.0?" + q % SECRET, 400,
                    name=q.split("=")[0])
        # the representation and the observation dimension: 406 and 400, the value unsaid
        # (an unknown format= answers its error in SDMX-ML, whatever Accept says)
        for path in ("/data/SDMXD,DF_SDG,1.0", "/dataflow/SDMXD/DF_SDG/1.0"):
            st, _, answer = srv.get(path + "?format=" + SECRET)
            check(st == 406 and sdmx_error(answer)[0] == 406, "format=: %d %s" % (st, answer[:200]))
            ET.fromstring(answer)
            check(SECRET[:16].encode() not in answer, "format= comes back: %s" % answer[:300])
        refused(srv, "GET", "/data/SDMXD,DF_SDG,1.0?dimensionAtObservation=" + SECRET, 400)
        # availability queries
        for q in ("token=%s", "mode=%s", "references=%s", "startPeriod=%s"):
            refused(srv, "GET", "/availableconstraint/SDMXD,DF_SDG,1.0?" + q % SECRET, 400,
                    name=q.split("=")[0])
        # uploads: the query is checked before the body is read
        for q in ("token=%s", "access_token=%s&dryRun=true", "dryRun=%s"):
            refused(srv, "POST", "/data/SDMXD,DF_SDG,1.0?" + q % SECRET, 400,
                    name=q.split("=")[0],
                    headers={"Authorization": "Bearer " + unsd, "Content-Type": "text/csv"},
                    body=row("SI_POV_DAY1"))
        # a bad token in Authorization: 401, the token not repeated
        for auth in ("Bearer " + SECRET, "Basic " + SECRET, SECRET):
            refused(srv, "POST", "/data/SDMXD,DF_SDG,1.0", 401,
                    headers={"Authorization": auth, "Content-Type": "text/csv"},
                    body=row("SI_POV_DAY1"))
        # path segments: quoted cut and printable, whatever bytes they hold
        answer = refused(srv, "GET", "/codelist/SDMX%FF%0A" + SECRET + "/CL_FREQ", 400)
        check(b"SDMX??" in answer, "unprintable bytes are shown as '?': %s" % answer[:300])
        answer = refused(srv, "GET", "/data/DF%01" + "X" * 5000, 400)
        check(len(answer) < 2000, "a long path segment is cut (%d bytes)" % len(answer))
        check(srv.probe() < 5.0, "the server still answers")
        srv.stop()
    done()


if __name__ == "__main__":
    main()
