"""Issue 10 (conformance), the abuse side of references=all: on a store where many
structures share the same codelists, /structure?references=all and a shared codelist's
references=all stay bounded. Each artefact reached is kept once in a hash set (not a list
scanned for each link), each artefact's children are read once per answer however many
matches reach it (as a sibling or on the way down), and one answer reads at most 1,000,000
links between artefacts (413 past that, never a walk without end: a store this size stays
well below). The server keeps serving others meanwhile."""
import os
import threading
import time

from harness import Server, check, done

# 2,500 DSDs: a shared codelist's parents and siblings are some 55,000 links, and so are
# every artefact's references=all together, as each DSD's children are read once
NDSD = int(os.environ.get("REST_RULES_NDSD", "2500"))
NCL = 20
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<mes:Structure '
        'xmlns:mes="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" '
        'xmlns:str="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure" '
        'xmlns:com="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">'
        '<mes:Header><mes:ID>BIG</mes:ID><mes:Test>false</mes:Test>'
        '<mes:Prepared>2024-01-01T00:00:00</mes:Prepared><mes:Sender id="T"/></mes:Header>'
        '<mes:Structures>')


def concept_ref(i):
    return ('<str:ConceptIdentity><Ref agencyID="BIG" maintainableParentID="CS" '
            'maintainableParentVersion="1.0" id="C%d" class="Concept" package="conceptscheme"/>'
            '</str:ConceptIdentity>' % i)


def write_store_file(path):
    """NCL codelists, one concept scheme, NDSD DSDs each coding NCL dimensions with them."""
    with open(path, "w") as out:
        out.write(HEAD + "<str:Codelists>")
        for c in range(NCL):
            out.write('<str:Codelist agencyID="BIG" id="CL_%d" version="1.0">'
                      '<com:Name xml:lang="en">CL %d</com:Name>'
                      '<str:Code id="A"><com:Name xml:lang="en">A</com:Name></str:Code>'
                      '</str:Codelist>' % (c, c))
        out.write('</str:Codelists><str:Concepts><str:ConceptScheme agencyID="BIG" id="CS" '
                  'version="1.0"><com:Name xml:lang="en">CS</com:Name>')
        for c in range(NCL + 1):
            out.write('<str:Concept id="C%d"><com:Name xml:lang="en">C%d</com:Name>'
                      '</str:Concept>' % (c, c))
        out.write('</str:ConceptScheme></str:Concepts><str:DataStructures>')
        for d in range(NDSD):
            out.write('<str:DataStructure agencyID="BIG" id="DSD_%d" version="1.0">'
                      '<com:Name xml:lang="en">DSD %d</com:Name><str:DataStructureComponents>'
                      '<str:DimensionList id="DimensionDescriptor">' % (d, d))
            for c in range(NCL):
                out.write('<str:Dimension id="D%d" position="%d">%s<str:LocalRepresentation>'
                          '<str:Enumeration><Ref agencyID="BIG" id="CL_%d" version="1.0" '
                          'class="Codelist" package="codelist"/></str:Enumeration>'
                          '</str:LocalRepresentation></str:Dimension>'
                          % (c, c + 1, concept_ref(c), c))
            out.write('<str:TimeDimension id="TIME_PERIOD" position="%d">%s'
                      '<str:LocalRepresentation><str:TextFormat textType="ObservationalTimePeriod"/>'
                      '</str:LocalRepresentation></str:TimeDimension></str:DimensionList>'
                      '<str:MeasureList id="MeasureDescriptor"><str:PrimaryMeasure id="OBS_VALUE">'
                      '%s</str:PrimaryMeasure></str:MeasureList></str:DataStructureComponents>'
                      '</str:DataStructure>' % (NCL + 1, concept_ref(NCL), concept_ref(NCL)))
        out.write("</str:DataStructures></mes:Structures></mes:Structure>\n")


with Server(demo_data=False) as srv:
    path = srv.path("big.xml")
    write_store_file(path)
    srv.load(path)
    srv.start()
    waits = []
    stop = threading.Event()

    def others():
        while not stop.is_set():
            waits.append(srv.probe("/codelist/BIG/CL_0/1.0"))
            time.sleep(0.05)

    t = threading.Thread(target=others)
    t.start()
    try:
        # a shared codelist: its NDSD parents, and each of their NCL + 1 children
        t0 = time.time()
        st, _, body = srv.get("/codelist/BIG/CL_0/1.0?references=all&detail=allstubs",
                              timeout=120)
        took = time.time() - t0
        check(st == 200, "a shared codelist's references=all answered %d" % st)
        check(body.count(b"<str:DataStructure ") == NDSD,
              "every DSD that uses it is a parent: %d" % body.count(b"<str:DataStructure "))
        check(body.count(b"<str:Codelist ") == NCL, "its siblings: the %d codelists" % NCL)
        check(took < 30, "answered in %.1f s" % took)
        print("codelist references=all over %d DSDs: %.2f s" % (NDSD, took), flush=True)
        # every artefact, each with all its references: bounded, answered or refused
        t0 = time.time()
        st, _, body = srv.get("/structure/BIG?references=all&detail=allstubs", timeout=120)
        took = time.time() - t0
        check(st == 200, "/structure?references=all answered %d" % st)
        check(body.count(b"<str:DataStructure ") == NDSD and body.count(b"<str:Codelist ") == NCL,
              "every artefact once")
        check(took < 30, "/structure?references=all answered in %.1f s" % took)
        print("structure references=all over %d DSDs: %.2f s" % (NDSD, took), flush=True)
        # a few of them are answered whole
        st, _, body = srv.get("/datastructure/BIG/DSD_1+DSD_2?references=all&detail=allstubs")
        check(st == 200 and body.count(b"<str:DataStructure ") == 2 and
              body.count(b"<str:Codelist ") == NCL,
              "two DSDs' references=all: they and their %d codelists (%d)" % (NCL, st))
        check(took < 60, "/structure?references=all answered (%d) in %.1f s" % (st, took))
    finally:
        stop.set()
        t.join()
    check(len(waits) > 0, "others were served meanwhile (%d probes)" % len(waits))
    srv.stop()
done()
