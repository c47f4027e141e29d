"""Issue 10 (conformance): "a final artefact would change" compares content, not text, and
says what differs; loading a structure never takes the maintainer away from stored artefacts.

- A structure sent again without its derived urn attributes is unchanged; so is a partial
  subset (isPartial) of a final codelist, here the answer of an item query loaded back.
- A real change to a final codelist is refused (409 over HTTP, exit 1 from load) and the
  message names the item and the property; nothing stored changes.
- The official SDG DSD 1.0 and Ghana's national DSD, in either order: the four IAEG-SDGs
  codelists both carry (without urns in Ghana's) no longer conflict; the three SDMX
  codelists whose content truly differs are refused with their differences, item by item.
  Ghana's data loads after Ghana's DSD.
- A partial scheme sent for a non-final stored one is merged into it; one whose item has no
  id is refused with 400 and the reason (abuse), nothing stored.
- /rest/agencyscheme keeps the demo's agencies after the SDG DSD (which carries its own
  SDMX:AGENCIES) is loaded.
- The README's tour, replayed command by command as it is written, works.
"""
import glob
import os
import re
import shlex

from lxml import etree

from harness import REPO, SHARED, Server, check, done, shared

SDG10 = shared("sdg/SDG_DSD_1.0.xml")
GHANA = shared("sdg/national/ghana/GSS_DSD_SDG_1.2.xml")
TRULY_DIFFERENT = ["SDMX:CL_FREQ(2.0)", "SDMX:CL_OBS_STATUS(2.1)", "SDMX:CL_UNIT_MULT(1.1)"]
SAME_CONTENT = ["IAEG-SDGs:CL_GEO_INFO_TYPE(1.0)", "IAEG-SDGs:CL_NATURE(1.0)",
                "IAEG-SDGs:CL_REPORTING_TYPE(1.0)", "IAEG-SDGs:CL_URBANISATION(1.0)"]
DEMO_AGENCIES = ["SDMXD", "UNSD", "IAEG-SDGs", "UN_DESA_PD", "UNCTAD"]

MES = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
STR = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
COM = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"


def err_of(p):
    return p.stderr.decode(errors="replace")


def counts(p):
    """(new, replaced, unchanged) from load's summary line."""
    m = re.search(r"\((\d+) new, (\d+) replaced, (\d+) unchanged\)", p.stdout.decode())
    check(m is not None, "load printed a summary: %s %s" % (p.stdout, err_of(p)))
    return tuple(int(x) for x in m.groups())


def no_header(body):
    return re.sub(rb"<mes:Header>.*?</mes:Header>", b"", body, flags=re.S)


def write(srv, name, text):
    path = srv.path(name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def message(*codelists):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<mes:Structure xmlns:mes="%s" '
            'xmlns:str="%s" xmlns:com="%s"><mes:Header><mes:ID>T</mes:ID><mes:Test>false'
            '</mes:Test><mes:Prepared>2026-01-01T00:00:00</mes:Prepared><mes:Sender id="T"/>'
            '</mes:Header><mes:Structures><str:Codelists>%s</str:Codelists></mes:Structures>'
            '</mes:Structure>\n' % (MES, STR, COM, "".join(codelists)))


def codelist(cid, codes, final="false", partial=False):
    body = "".join('<str:Code id="%s"><com:Name xml:lang="en">%s</com:Name></str:Code>' % c
                   for c in codes)
    return ('<str:Codelist agencyID="TEST" id="%s" version="1.0" isFinal="%s"%s>'
            '<com:Name xml:lang="en">Test</com:Name>%s</str:Codelist>'
            % (cid, final, ' isPartial="true"' if partial else "", body))


def agencies(srv):
    st, _, body = srv.get("/agencyscheme")
    check(st == 200, "/agencyscheme answers (%d)" % st)
    return re.findall(rb'<str:Agency [^>]*\bid="([^"]+)"', body)


def check_refusal(err, order):
    """The second DSD's refusal lists the truly different codelists, with what differs."""
    for cl in TRULY_DIFFERENT:
        check("Codelist %s is final in the store" % cl in err,
              "%s: %s is refused: %s" % (order, cl, err[-3000:]))
    for cl in SAME_CONTENT:
        check("Codelist %s" % cl not in err,
              "%s: %s, the same content without urns, is no conflict: %s" % (order, cl, err))
    check(re.search(r"Codelist SDMX:CL_UNIT_MULT\(1\.1\) item '2': description \(en\) "
                    r"'[^']*\(10\^.\)' → '[^']*\(10\^.\)'", err),
          "%s: the message names the item, the property and both texts: %s" % (order, err))
    check("Codelist SDMX:CL_OBS_STATUS(2.1) item 'A': description (en)" in err,
          "%s: CL_OBS_STATUS's truncated description is named" % order)
    check("Codelist SDMX:CL_FREQ(2.0) item 'A': description (en)" in err,
          "%s: CL_FREQ's code descriptions are named" % order)


def both_orders():
    for first, second, order in ((SDG10, GHANA, "SDG then Ghana"), (GHANA, SDG10, "Ghana then SDG")):
        with Server(demo_data=False) as srv:
            srv.load(first)
            before = srv.dump()
            p = srv.load(second, expect=1)
            check_refusal(err_of(p), order)
            check(srv.dump() == before, "%s: the refused file changed nothing" % order)
            if first == GHANA:
                files = sorted(glob.glob(shared("sdg/national/ghana/Goal_*.xml")))
                p = srv.load(*files, flags=("--dataflow", "GSS:DF_SDG(1.2)"))
                check(b"observations into Dataflow GSS:DF_SDG(1.2)" in p.stdout,
                      "Ghana's data loads after: %s" % p.stdout[-300:])
            # what the two share with the same content loads as unchanged: Ghana's copies of
            # the IAEG-SDGs codelists, which carry no urns
            tree = etree.parse(GHANA)
            parts = [etree.tostring(tree.find(".//{%s}Codelist[@id='%s']" % (
                STR, cl.split(":")[1].split("(")[0]))).decode() for cl in SAME_CONTENT]
            same = write(srv, "same.xml", message(*parts))
            check(counts(srv.load(same)) == (0, 0, 4),
                  "%s: the shared IAEG-SDGs codelists are unchanged" % order)


def resent_and_partial():
    with Server() as srv:
        common = open(os.path.join(REPO, "demo/structures/01_common.xml"), encoding="utf-8").read()
        no_urns = write(srv, "no_urns.xml", re.sub(r' urn="[^"]*"', "", common))
        check(counts(srv.load(no_urns)) == (0, 0, 13),
              "01_common.xml without its urn attributes is unchanged")
        srv.start("--allow-writes")
        # the answer of an item query: a partial CL_AREA of two codes, loaded back
        st, _, part = srv.get("/codelist/SDMXD/CL_AREA/1.0/288+404")
        check(st == 200 and b'isPartial="true"' in part, "an item query answers a partial "
              "codelist (%d)" % st)
        st, _, body = srv.request("POST", "/structure", body=part,
                                  headers={"Content-Type": "application/xml"})
        check(st == 200 and b'action="Information"' in body,
              "a partial subset of a final codelist is unchanged (%d): %s" % (st, body[:600]))
        # a real change to a final codelist, in a partial and in a whole one
        st, _, cl_area = srv.get("/codelist/SDMXD/CL_AREA/1.0")
        changed = part.replace(b">Ghana<", b">Gold Coast<", 1)
        check(changed != part, "the partial codelist names Ghana in English")
        before = srv.dump()
        st, _, body = srv.request("POST", "/structure", body=changed,
                                  headers={"Content-Type": "application/xml"})
        text = body.decode(errors="replace")
        check(st == 409, "a changed code of a final codelist is refused with 409 (%d)" % st)
        check("Codelist SDMXD:CL_AREA(1.0) item '288': name (en) 'Ghana' → 'Gold Coast'" in text,
              "the 409 names the item and the property: %s" % text[:1500])
        st, _, sex = srv.get("/codelist/SDMXD/CL_SEX/1.0")
        code_f = re.search(rb'<str:Code [^>]*id="F"[^>]*>.*?</str:Code>', sex, re.S)
        m = code_f and re.search(rb'<com:Name xml:lang="fr">([^<]+)</com:Name>', code_f.group(0))
        check(m is not None, "CL_SEX has a French name for F")
        renamed = sex.replace(code_f.group(0), code_f.group(0).replace(
            m.group(0), b'<com:Name xml:lang="fr">Dames</com:Name>'), 1)
        p = srv.load(write(srv, "sex.xml", renamed.decode()), expect=1)
        check("Codelist SDMXD:CL_SEX(1.0) item 'F': name (fr) '%s' → 'Dames'"
              % m.group(1).decode() in err_of(p),
              "load names the changed French name: %s" % err_of(p))
        check(srv.dump() == before, "the refused changes stored nothing")
        check(no_header(srv.get("/codelist/SDMXD/CL_AREA/1.0")[2]) == no_header(cl_area),
              "CL_AREA is as it was")
        # a partial scheme for a non-final one is merged into it
        full = write(srv, "test_cl.xml", message(codelist("CL_X", [("A", "a"), ("B", "b")])))
        check(counts(srv.load(full)) == (1, 0, 0), "a non-final codelist is stored")
        partial = write(srv, "test_part.xml", message(
            codelist("CL_X", [("B", "bee"), ("C", "c")], partial=True)))
        check(counts(srv.load(partial)) == (0, 1, 0), "the partial one replaces it merged")
        st, _, body = srv.get("/codelist/TEST/CL_X/1.0")
        ids = re.findall(rb'<str:Code [^>]*\bid="([^"]+)"', body)
        check(ids == [b"A", b"B", b"C"], "the merged codelist has A, B and C: %s" % ids)
        check(b">bee<" in body and b">b<" not in body and b"isPartial" not in body,
              "B is the partial one's, and the stored scheme stays whole: %s" % body[-600:])
        check(counts(srv.load(partial)) == (0, 0, 1), "the same partial again is unchanged")
        # abuse: a partial scheme whose code has no id cannot be merged; nothing changes
        before = srv.dump()
        bad = message(codelist("CL_X", [("B", "bee")], partial=True).replace(
            "</str:Codelist>", '<str:Code><com:Name xml:lang="en">no id</com:Name></str:Code>'
            "</str:Codelist>"))
        st, _, body = srv.request("POST", "/structure", body=bad.encode(),
                                  headers={"Content-Type": "application/xml"})
        # (the reader refuses it before any merge, as the schema does)
        check(st == 400 and b"Codelist TEST:CL_X(1.0): a Code without its id" in body,
              "a partial code without id: 400 with the reason (%d): %s" % (st, body[:800]))
        check(srv.dump() == before, "the refused partial scheme stored nothing")
        check(srv.probe() < 5, "the server still answers")
        srv.stop()


def tour_commands(readme):
    """The shell commands of the README's tour and of its Ghana example, continuation lines
    joined, in order."""
    text = readme[readme.index("## A short tour"):readme.index("## Layout")]
    cmds, cur = [], ""
    for line in text.splitlines():
        if not line.startswith("    ") or line.strip().startswith("#"):
            continue
        cur += line.strip()
        if cur.endswith("\\"):
            cur = cur[:-1] + " "
            continue
        if cur.startswith(("curl", "./sdmxd load")) and "--db DIR" not in cur:  # not a synopsis
            cmds.append(cur)
        cur = ""
    return cmds


def replay_tour():
    readme = open(os.path.join(REPO, "README.md"), encoding="utf-8").read()
    cmds = tour_commands(readme)
    check(sum(c.startswith("./sdmxd load") for c in cmds) >= 3 and len(cmds) > 12,
          "the tour's commands are found: %s" % cmds)
    with Server() as srv, Server(demo_data=False) as other:
        stores = {"demo-db": srv}
        srv.start()
        gets = 0
        for cmd in cmds:
            args = shlex.split(cmd)
            if args[0] == "./sdmxd":
                db = args[args.index("--db") + 1]
                store = stores.setdefault(db, other)
                rest = args[args.index("--db") + 2:]
                files = []
                for a in rest:
                    a = a.replace("../shared", SHARED)
                    files += sorted(glob.glob(a)) if "*" in a else [a]
                flags = tuple(f for f in files if not os.path.exists(f))
                files = [f for f in files if os.path.exists(f)]
                check(files, "%s names files that exist" % cmd)
                p = store.load(*files, flags=flags, expect=None)
                check(p.returncode == 0, "tour: %s: %s" % (cmd, err_of(p)[-1500:]))
                continue
            if "-X" in args and args[args.index("-X") + 1] != "GET":
                continue  # the upload needs the token the tour makes
            url = next(a for a in args if a.startswith("http://127.0.0.1:8080/rest"))
            headers = {}
            for i, a in enumerate(args):
                if a == "-H":
                    k, v = args[i + 1].split(":", 1)
                    headers[k.strip()] = v.strip()
            st, _, body = srv.get(url[len("http://127.0.0.1:8080/rest"):], headers=headers)
            check(st == 200, "tour: %s answers %d: %s" % (cmd, st, body[:300]))
            gets += 1
        check(gets >= 12, "the tour's queries were replayed (%d)" % gets)
        got = agencies(srv)
        for a in DEMO_AGENCIES + ["IMF", "ESTAT", "OECD"]:
            check(a.encode() in got, "after the SDG DSD, /rest/agencyscheme has %s: %s" % (a, got))
        st, _, body = srv.get("/dataflow/SDMXD/DF_SDG/latest?references=all")
        check(st == 200 and b'agencyID="SDMXD"' in body, "the demo's dataflow still answers")
        # Ghana's example went into the tour's store, with --keep-final, as the README says
        st, _, _ = srv.get("/datastructure/GSS/SDG/1.2")
        check(st == 200, "Ghana's DSD is in the tour's store beside the SDG DSD: %d" % st)
        st, _, body = srv.get("/data/GSS,DF_SDG,1.2/A.N.SI_POV_DAY1.............",
                              headers={"Accept": "application/vnd.sdmx.data+csv;version=1.0.0"})
        check(st == 200 and body.count(b"\n") > 20, "and Ghana's data is served: %d" % st)
        check(other.port is None, "no other store was needed")
        # without --keep-final, Ghana's DSD into the SDG DSD's store is refused for the three
        with Server(demo_data=False) as alone:
            alone.load(SDG10)
            p = alone.load(GHANA, expect=1)
            check_refusal(err_of(p), "the SDG DSD's store, then Ghana")
        srv.stop()


def main():
    both_orders()
    resent_and_partial()
    replay_tour()
    done()


if __name__ == "__main__":
    main()
