"""Output is always valid (issue 10): every structure served validates against the official
SDMX-ML 2.1 XSD (SDMXMessage.xsd in ../shared/data) and, as SDMX-JSON, against the official
SDMX-JSON 1.0 structure schema. Crawls every artefact of every type of the demo, the SDG DSD
1.0, the ECB EXR samples and the demography/ESMS samples, each with every detail value and
with references none and all, and validates every answer; before, the stubs of provision
agreements lacked the StructureUsage and DataProvider the schema requires (detail=allstubs,
referencestubs with references of a dataflow, ...)."""
import json

from lxml import etree

from harness import Server, check, done, shared

NS = {"mes": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message",
      "str": "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"}
DETAILS = ("full", "allstubs", "referencestubs", "allcompletestubs", "referencecompletestubs",
           "referencepartial")
REFERENCES = ("none", "all")
EXR = "samples/sdmx-ml-2.1/exr/"
STORES = [
    ("demo", None),
    ("SDG DSD 1.0", [shared("sdg/SDG_DSD_1.0.xml")]),
    ("ECB EXR samples", [shared(EXR + "common/exr_common.xml"),
                         shared(EXR + "ecb_exr_ng/ecb_exr_ng_full.xml")]),
    ("demography and ESMS samples", [shared("samples/sdmx-ml-2.1/demography/demography.xml"),
                                     shared("samples/sdmx-ml-2.1/demography/esms.xml")]),
]
JSON = "application/vnd.sdmx.structure+json;version=1.0"


def json_validator():
    try:
        import jsonschema
    except ImportError:
        print("note: no jsonschema module, SDMX-JSON answers not validated", flush=True)
        return None
    with open(shared("schemas/sdmx-json-1.0/sdmx-json-structure-schema.json")) as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft4Validator)
    return cls(schema, format_checker=jsonschema.FormatChecker())


def artefacts(srv):
    status, _, body = srv.get("/structure/all/all/all")
    check(status == 200, "/structure/all/all/all: %d" % status)
    doc = etree.fromstring(body)
    return [(etree.QName(el).localname.lower(), el.get("agencyID"), el.get("id"),
             el.get("version")) for el in doc.iterfind("mes:Structures/*/*", NS)]


def crawl(name, srv, xsd, js):
    arts = artefacts(srv)
    check(len(arts) >= 10, "%s: only %d artefacts served" % (name, len(arts)))
    kinds = {a[0] for a in arts}
    answers = 0
    for kind, agency, id_, version in arts:
        for detail in DETAILS:
            for refs in REFERENCES:
                path = "/%s/%s/%s/%s?detail=%s&references=%s" % (kind, agency, id_, version,
                                                                 detail, refs)
                status, _, body = srv.get(path)
                check(status == 200, "%s: %s answered %d" % (name, path, status))
                doc = etree.fromstring(body)
                check(xsd.validate(doc), "%s: %s is not valid SDMX-ML 2.1: %s"
                      % (name, path, xsd.error_log.last_error))
                answers += 1
                if js is None or refs != "none":  # (the references are crawled themselves)
                    continue
                status, _, body = srv.get(path, headers={"Accept": JSON})
                check(status == 200, "%s: %s as JSON answered %d" % (name, path, status))
                errors = sorted(js.iter_errors(json.loads(body)), key=str)
                check(not errors, "%s: %s is not valid SDMX-JSON 1.0 (%d errors): %s"
                      % (name, path, len(errors), errors[0].message[:300] if errors else ""))
                answers += 1
    print("%s: %d artefacts of %d types, %d answers valid" % (name, len(arts), len(kinds),
                                                              answers), flush=True)
    return kinds


def main():
    xsd = etree.XMLSchema(etree.parse(shared("schemas/sdmx-ml-2.1/SDMXMessage.xsd")))
    js = json_validator()
    kinds = set()
    for name, files in STORES:
        with Server(demo_data=files is None) as srv:
            if files:
                srv.load(*files)
            srv.start()
            kinds |= crawl(name, srv, xsd, js)
            # the provision agreements' stubs keep what the schema requires of them
            if "provisionagreement" in kinds and files is None:
                status, _, body = srv.get("/provisionagreement/all/all/all?detail=allstubs")
                check(status == 200, "provision agreement stubs: %d" % status)
                doc = etree.fromstring(body)
                pas = doc.findall(".//str:ProvisionAgreement", NS)
                check(len(pas) > 0, "no provision agreement stubs")
                for pa in pas:
                    check(pa.get("isExternalReference") == "true", "not a stub")
                    check(pa.find("str:StructureUsage", NS) is not None and
                          pa.find("str:DataProvider", NS) is not None,
                          "stub %s lacks StructureUsage or DataProvider" % pa.get("id"))
    for k in ("provisionagreement", "dataflow", "datastructure", "codelist", "conceptscheme",
              "contentconstraint", "categorisation", "agencyscheme", "hierarchicalcodelist",
              "metadatastructure", "categoryscheme", "dataproviderscheme"):
        check(k in kinds, "no %s was crawled" % k)
    done()


main()
