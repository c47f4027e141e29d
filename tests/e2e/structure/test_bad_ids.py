"""Input is checked (issue 10): SDMX ids, agency ids and versions are checked against the
patterns of the SDMX-ML 2.1 schema (IDType, NCNameIDType, NestedNCNameIDType, VersionType)
when structures are read, and so are the other things the schema requires that a served
structure would otherwise lack (a Name, a dimension, the primary measure, booleans and
date-times, known attributes, Annotations/Name/Description in order, only items in an item
scheme, item ids unique). A message with one
is refused whole, by `sdmxd load` and by POST /structure, with the reason and the line, and
nothing is stored; before, a dataflow of agency `A&amp;B` was accepted and every data and
availability answer naming it was malformed XML."""
import os

from harness import Server, check, done, sdmx_error, shared

MES = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
STR = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
COM = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"


def message(structures):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<mes:Structure xmlns:mes="%s" xmlns:str="%s" '
            'xmlns:com="%s"><mes:Header><mes:ID>BAD</mes:ID><mes:Test>false</mes:Test>'
            '<mes:Prepared>2024-01-01T00:00:00</mes:Prepared><mes:Sender id="T"/></mes:Header>'
            '<mes:Structures>%s</mes:Structures></mes:Structure>\n' % (MES, STR, COM, structures))


def codelist(agency="TEST", id_="CL_X", version="1.0", code="A", name=True):
    return ('<str:Codelists><str:Codelist agencyID="%s" id="%s" version="%s">%s'
            '<str:Code id="%s"><com:Name xml:lang="en">a</com:Name></str:Code>'
            '</str:Codelist></str:Codelists>'
            % (agency, id_, version, '<com:Name xml:lang="en">x</com:Name>' if name else "", code))


def raw_codelist(attrs, inside):
    return ('<str:Codelists><str:Codelist agencyID="TEST" id="CL_X" version="1.0"%s>%s'
            '</str:Codelist></str:Codelists>' % (attrs, inside))


NAME = '<com:Name xml:lang="en">x</com:Name>'
CODE = '<str:Code id="A">%s</str:Code>' % NAME


def dataflow(agency):
    return ('<str:Dataflows><str:Dataflow agencyID="%s" id="DF_BAD" version="1.0">'
            '<com:Name xml:lang="en">bad</com:Name><str:Structure><Ref agencyID="SDMXD" '
            'id="DSD_SDG" version="1.0" class="DataStructure" package="datastructure"/>'
            '</str:Structure></str:Dataflow></str:Dataflows>' % agency)


def dsd(dimension_id):
    return ('<str:DataStructures><str:DataStructure agencyID="TEST" id="DSD_BAD" version="1.0">'
            '<com:Name xml:lang="en">bad</com:Name><str:DataStructureComponents>'
            '<str:DimensionList id="DimensionDescriptor"><str:Dimension id="%s" position="1">'
            '<str:ConceptIdentity><Ref agencyID="SDMXD" maintainableParentID="CS_SDG" '
            'maintainableParentVersion="1.0" id="FREQ" class="Concept"/></str:ConceptIdentity>'
            '</str:Dimension></str:DimensionList></str:DataStructureComponents>'
            '</str:DataStructure></str:DataStructures>' % dimension_id)


# (what is wrong, the structures, words the reason must hold)
BAD = [
    ("agency A&B on a dataflow", dataflow("A&amp;B"), ['agencyID "A&B"', "NestedNCNameIDType"]),
    ("agency starting with a digit", codelist(agency="1ECB"), ['agencyID "1ECB"']),
    ("agency with a space", codelist(agency="A B"), ['agencyID "A B"']),
    ("codelist id with a dot", codelist(id_="CL.X"), ['id "CL.X"', "NCNameIDType"]),
    ("codelist id with a quote", codelist(id_="CL&quot;X"), ['id "CL"X"']),
    ("version with a letter", codelist(version="1.0a"), ['version "1.0a"', "VersionType"]),
    ("version with an empty part", codelist(version="1..0"), ['version "1..0"']),
    ("code id with <", codelist(code="A&lt;B"), ['id "A<B"', "IDType"]),
    ("code id empty", codelist(code=""), ['id ""']),
    ("codelist without a Name", codelist(name=False), ["without a Name"]),
    ("dimension id not an NCName", dsd("1FREQ"), ['id "1FREQ"', "Dimension"]),
    # what else the schema refuses in every maintainable and item scheme
    ("isFinal not a boolean", raw_codelist(' isFinal="yes"', NAME), ['isFinal "yes"']),
    ("validFrom not a date-time", raw_codelist(' validFrom="yesterday"', NAME),
     ['validFrom "yesterday"', "xs:dateTime"]),
    ("an attribute the schema lacks", raw_codelist(' colour="red"', NAME), ["attribute colour"]),
    ("Description before the Name",
     raw_codelist("", '<com:Description xml:lang="en">d</com:Description>' + NAME),
     ["Description out of its place"]),
    ("Annotations after the Name",
     raw_codelist("", NAME + '<com:Annotations><com:Annotation><com:AnnotationTitle>t'
                  '</com:AnnotationTitle></com:Annotation></com:Annotations>'),
     ["Annotations after the Name"]),
    ("a Concept inside a Codelist", raw_codelist("", NAME + '<str:Concept id="A">%s</str:Concept>'
                                                 % NAME), ["a Concept inside a Codelist"]),
    ("an unknown element in a Codelist", raw_codelist("", NAME + "<str:Bogus/>"),
     ["a Bogus inside a Codelist"]),
    ("two codes with one id", raw_codelist("", NAME + CODE + CODE), ['two Codes with the id "A"']),
    ("a code without a Name", raw_codelist("", NAME + '<str:Code id="A"/>'),
     ["a Code without a Name"]),
]


def main():
    with Server() as srv:
        before = srv.dump()
        for what, structures, words in BAD:
            path = srv.path("bad.xml")
            with open(path, "w") as f:
                f.write(message(structures))
            p = srv.load(path, expect=None)
            err = p.stderr.decode(errors="replace")
            check(p.returncode != 0, "%s: load accepted it" % what)
            for w in words:
                check(w in err, "%s: the reason lacks %r: %s" % (what, w, err[-600:]))
            check("bad.xml:2:" in err, "%s: the reason has no line: %s" % (what, err[-600:]))
        # the official message that abbreviates its DSDs (empty DimensionList, MeasureList)
        p = srv.load(shared("sdg/UNSD_codelist_partial.xml"), expect=None)
        err = p.stderr.decode(errors="replace")
        check(p.returncode != 0, "UNSD_codelist_partial.xml (schema-invalid) was accepted")
        check("UNSD:CountryData(1.4)" in err and "DimensionList without a dimension" in err,
              "UNSD_codelist_partial.xml: reason: %s" % err[-600:])
        check(srv.dump() == before, "a refused load changed the store")

        srv.start("--allow-writes")
        for what, structures, words in BAD:
            status, _, body = srv.request("POST", "/structure", body=message(structures).encode(),
                                          headers={"Content-Type": "application/xml"})
            check(status == 400, "POST %s: status %d" % (what, status))
            code, text = sdmx_error(body)
            check(code is not None, "POST %s: not an SDMX error: %r" % (what, body[:300]))
            for w in words:
                w = w.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
                check(w in text or w.replace("&quot;", '"') in text,
                      "POST %s: the reason lacks %r: %s" % (what, w, text[-600:]))
        status, _, _ = srv.get("/dataflow/all/DF_BAD")
        check(status == 404, "a refused dataflow is served: %d" % status)
        check(srv.dump() == before, "a refused submission changed the store")
        # a well-formed neighbour still goes in: the checks refuse only what is wrong
        status, _, body = srv.request("POST", "/structure",
                                      body=message(codelist(agency="TEST.SUB-1", id_="CL_OK",
                                                            code="$A@1")).encode(),
                                      headers={"Content-Type": "application/xml"})
        check(status == 201, "a valid nested agency and IDType code refused: %d %r"
              % (status, body[-400:]))
    # a dataflow made by `load --dataflow` has its ids checked too
    exr = "samples/sdmx-ml-2.1/exr/"
    with Server(demo_data=False) as srv:
        srv.load(shared(exr + "common/exr_common.xml"),
                 shared(exr + "ecb_exr_ng/ecb_exr_ng_full.xml"))
        before = srv.dump()
        for flow in ("A&B:EXR(1.0)", "ECB:E<X(1.0)", "ECB:EXR(1.0a)", "1ECB:EXR(1.0)"):
            p = srv.load(shared(exr + "ecb_exr_ng/structured/ecb_exr_ng_ts.xml"),
                         flags=("--dataflow", flow), expect=None)
            err = p.stderr.decode(errors="replace")
            check(p.returncode != 0, "load --dataflow %s accepted" % flow)
            check("off the SDMX-ML 2.1 patterns" in err, "--dataflow %s: reason %s" % (flow, err))
        check(srv.dump() == before, "a refused --dataflow load changed the store")
        srv.load(shared(exr + "ecb_exr_ng/structured/ecb_exr_ng_ts.xml"),
                 flags=("--dataflow", "ECB.SUB:EXR_2(1.0.1)"))
    done()


main()
