"""Issue 10: a MeasureDimension's enumeration reference without a class is a concept scheme,
as the SDMX-ML 2.1 schema fixes it (MeasureDimensionRepresentationType). The official
demography DSD with class="ConceptScheme" taken out loads (before, it was refused for a
missing Codelist ESTAT:DEMO_MEASURES(1.0)), its explicit-measures cross-section loads all 60
observations, and a measure that is not a concept of the scheme is refused, nothing stored."""
import re

from harness import Server, check, done, shared

DSD = shared("samples/sdmx-ml-2.1/demography/demography.xml")
XS = shared("samples/sdmx-ml-2.1/demography/demography_xs.xml")
FLOW = ("--dataflow", "ESTAT:DEMOGRAPHY(1.0)")

with Server(demo_data=False) as srv:
    text = open(DSD, encoding="utf-8").read()
    check(text.count(' class="ConceptScheme"') == 1, "the sample names the class once")
    noclass = srv.path("demography_noclass.xml")
    with open(noclass, "w", encoding="utf-8") as f:
        f.write(text.replace(' class="ConceptScheme"', ""))
    p = srv.load(noclass)
    check(b"12 artefacts" in p.stdout, "the DSD without class loads: %r" % p.stdout)

    # a measure the concept scheme does not have: refused whole
    xs = open(XS, encoding="utf-8").read()
    bad = srv.path("demography_bad.xml")
    with open(bad, "w", encoding="utf-8") as f:
        f.write(xs.replace('xsi:type="demo:TFRNSI"', 'xsi:type="demo:NOSUCH"', 1))
    p = srv.load(bad, flags=FLOW, expect=None)
    err = p.stderr.decode()
    check(p.returncode != 0 and "NOSUCH is not a code of ConceptScheme ESTAT:DEMO_MEASURES(1.0)"
          in err, "an unknown measure is refused: %s" % err[-600:])
    srv.start()
    status, _, body = srv.get("/datastructure/ESTAT/DEMOGRAPHY/1.0", headers={
        "Accept": "application/vnd.sdmx.structure+json;version=1.0.0"})
    check(status == 200 and b'"enumeration":"urn:sdmx:org.sdmx.infomodel.conceptscheme.'
          b'ConceptScheme=ESTAT:DEMO_MEASURES(1.0)"' in body,
          "SDMX-JSON names the measure dimension's enumeration a concept scheme")
    status, _, body = srv.get("/datastructure/ESTAT/DEMOGRAPHY/1.0?references=children")
    check(status == 200 and b'<str:ConceptScheme id="DEMO_MEASURES"' in body,
          "its children include the measures' concept scheme")
    status, _, _ = srv.get("/data/ESTAT,DEMOGRAPHY,1.0/all")
    check(status == 404, "nothing was stored: %d" % status)
    srv.stop()

    p = srv.load(XS, flags=FLOW)
    check(b"60 observations" in p.stdout, "the cross-section loads: %r" % p.stdout)
    srv.start()
    status, _, body = srv.get("/data/DEMOGRAPHY/A.BE.T.TFRNSI", headers={"Accept":
                              "application/vnd.sdmx.genericdata+xml;version=2.1"})
    check(status == 200 and len(re.findall(rb"<generic:Obs>", body)) == 3,
          "TFRNSI of Belgium: three years (%d)" % status)
done()
