"""Issue 10, robustness: the pattern facet of a text format is compiled once, with the DSD.
A DSD whose pattern ICU cannot compile is refused at load (command line and POST /structure),
with the reason (the component, the pattern, ICU's error: the command line's report; over
HTTP, 400 with SDMX error 150, as for any refused structure message), and nothing of the message is
stored; with a good pattern, every value is checked against it: matching values load,
others are refused naming the value and the pattern."""
import os

from harness import Server, check, done, sdmx_error
from gen_dsd import attribute, csv, message

BAD = message("DSD_BAD", [attribute("CODE", pattern="[A-Z")])
GOOD = message("DSD_PAT", [attribute("CODE", pattern="[A-Z]{2}[0-9]+")])


def write(srv, name, text):
    path = srv.path(name)
    with open(path, "w") as f:
        f.write(text)
    return path


def main():
    with Server(demo_data=False) as srv:
        # the command line refuses the message whole, saying why
        p = srv.load(write(srv, "bad.xml", BAD), expect=1)
        err = p.stderr.decode(errors="replace")
        check("is not a regular expression" in err and "CODE" in err and "'[A-Z'" in err and
              "U_REGEX_MISSING_CLOSE_BRACKET" in err,
              "the load names the DSD, component, pattern and ICU's reason: %s" % err[-800:])
        srv.load(write(srv, "good.xml", GOOD))
        srv.start("--allow-writes")
        st, _, _ = srv.get("/datastructure/T/DSD_BAD")
        check(st == 404, "the refused DSD is not stored (%d)" % st)
        before = srv.dump()
        # the same over HTTP: a semantic SDMX error, the store unchanged
        st, _, body = srv.request("POST", "/structure", body=BAD.encode(),
                                  headers={"Content-Type": "application/xml",
                                           "Accept": "application/json"})
        code, text = sdmx_error(body)
        check(st == 400 and code == 150, "POST /structure answered %d: %s" % (st, body[:400]))
        check(srv.dump() == before, "the refused DSD changed the store")
        srv.stop()
        # values against a good pattern: the whole value must match
        ok = write(srv, "ok.csv", csv("DSD_PAT", ["CODE"], [("X", "2020", "1", "AB12"),
                                                            ("Y", "2020", "2", "ZZ0")]))
        srv.load(ok)
        for value in ("ab12", "AB", "AB12x", "A12", "AB1 2"):
            bad = write(srv, "bad.csv", csv("DSD_PAT", ["CODE"], [("X", "2021", "3", value)]))
            p = srv.load(bad, expect=1)
            err = p.stderr.decode(errors="replace")
            check("attribute CODE" in err and "'%s' does not match the pattern [A-Z]{2}[0-9]+" % value
                  in err, "%r refused, naming value and pattern: %s" % (value, err[-600:]))
        srv.start()
        st, _, body = srv.get("/data/T,DSD_PAT_DF/all?format=csv")
        rows = body.decode().strip().splitlines()
        check(st == 200 and len(rows) == 3 and "AB12" in body.decode() and "ZZ0" in body.decode(),
              "the matching values were stored, nothing else: %s" % body[:400])
    done()


if __name__ == "__main__":
    main()
