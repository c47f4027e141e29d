"""Output is always valid (issue 10): /rest/schema/{context}/{agencyID}/{resourceID}/{version}
(with dimensionAtObservation and explicitMeasure) serves the DSD-specific XML schema of
structure-specific data, and every structure-specific answer validates against the schema
served for it: the demo dataflows and the ECB exchange rates (whose COLL_METHOD does not
vary along CURRENCY: a cross-section on CURRENCY has it on Series, not on Obs, which the
DSD-specific schema forbids), each dimensionAtObservation including AllDimensions, in both
structure-specific formats, with Group elements of a sibling group (ECB EXR_SG). The schema
of the SDG DSD 1.0 and of each context is a valid XSD; bad input is refused with an SDMX
error: unknown structure 404, bad context 400, odd or huge parameters 400."""
import os
import shutil
import tempfile

from lxml import etree

from harness import Server, check, done, sdmx_error, shared

STR = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure}"
SS = "application/vnd.sdmx.structurespecificdata+xml;version=2.1"
SS_TS = "application/vnd.sdmx.structurespecifictimeseriesdata+xml;version=2.1"
EXR = "samples/sdmx-ml-2.1/exr/"


class Schemas:
    """The official SDMX-ML 2.1 schemas copied into a scratch folder, for the served schema
    to import them from beside it (the project ships no copy)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="sdmxd-xsd-")
        folder = shared("schemas/sdmx-ml-2.1")
        for f in os.listdir(folder):
            shutil.copy(os.path.join(folder, f), self.dir)
        self.n = 0

    def load(self, xsd, what):
        """The served schema as an XMLSchema that validates whole messages: a wrapper imports
        SDMXMessage.xsd and it."""
        try:
            doc = etree.fromstring(xsd)
        except etree.XMLSyntaxError as e:
            check(False, "%s: the schema is not well-formed: %s" % (what, e))
        check(etree.QName(doc).localname == "schema", "%s: not an XML schema" % what)
        ns = doc.get("targetNamespace")
        check(ns and ":ObsLevelDim:" in ns, "%s: target namespace %r" % (what, ns))
        self.n += 1
        name = "dsd%d.xsd" % self.n
        with open(os.path.join(self.dir, name), "wb") as f:
            f.write(xsd)
        wrapper = os.path.join(self.dir, "wrap%d.xsd" % self.n)
        with open(wrapper, "w") as f:
            f.write('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
                    '<xs:import namespace="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/'
                    'message" schemaLocation="SDMXMessage.xsd"/><xs:import namespace="%s" '
                    'schemaLocation="%s"/></xs:schema>' % (ns.replace("&", "&amp;"), name))
        try:
            return etree.XMLSchema(etree.parse(wrapper)), ns
        except etree.XMLSchemaParseError as e:
            check(False, "%s: not a valid XML schema: %s" % (what, e))

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def dimensions(srv, flow):
    status, _, body = srv.get("/dataflow/%s?references=children" % flow.replace(",", "/"))
    check(status == 200, "%s with its DSD: %d" % (flow, status))
    doc = etree.fromstring(body)
    return [d.get("id") for d in doc.iterfind(".//%sDimensionList/%sDimension" % (STR, STR))]


def schema(srv, schemas, path):
    status, headers, body = srv.get(path)
    check(status == 200, "%s: %d %r" % (path, status, body[:300]))
    check(headers.get("content-type", "").startswith("application/xml"),
          "%s: content type %s" % (path, headers.get("content-type")))
    return schemas.load(body, path)


def validate_flow(srv, schemas, flow, key=""):
    """Every dimensionAtObservation of flow: its schema, and the structure-specific answers
    (both forms for the time dimension) valid against it."""
    agency, id_, version = flow.split(",")
    answers = 0
    for dao in [None, "TIME_PERIOD", "AllDimensions"] + dimensions(srv, flow):
        q = "" if dao is None else "?dimensionAtObservation=" + dao
        xsd, ns = schema(srv, schemas, "/schema/dataflow/%s/%s/%s%s" % (agency, id_, version, q))
        for accept in [SS, SS_TS] if dao in (None, "TIME_PERIOD") else [SS]:
            path = "/data/%s%s%s" % (flow, key, q)
            status, _, body = srv.get(path, headers={"Accept": accept}, timeout=120)
            check(status == 200, "%s (%s): %d %r" % (path, accept, status, body[:200]))
            doc = etree.fromstring(body)
            declared = [v for k, v in doc.nsmap.items() if k == "ns1"]
            check(declared == [ns], "%s: data namespace %r, schema %r" % (path, declared, ns))
            check(xsd.validate(doc), "%s (%s) is not valid against its schema: %s"
                  % (path, accept.split(";")[0], xsd.error_log.last_error))
            answers += 1
    print("%s: %d structure-specific answers valid" % (flow, answers), flush=True)


def refused(srv, path, status, what):
    got, _, body = srv.get(path)
    check(got == status, "%s: %s answered %d, not %d" % (what, path, got, status))
    code, text = sdmx_error(body)
    check(code is not None, "%s: not an SDMX error: %r" % (what, body[:200]))
    return text


def main():
    schemas = Schemas()
    try:
        with Server() as srv:
            srv.start()
            for flow in ("SDMXD,DF_MIGRANT_STOCK,1.0", "SDMXD,DF_DIGITAL_ECONOMY,1.0"):
                validate_flow(srv, schemas, flow)
            # the SDG flow is large: two series codes, every area and breakdown
            key = "/" + ".".join(["A", "", "SI_POV_DAY1+SL_TLF_UEM"] + [""] * 12)
            validate_flow(srv, schemas, "SDMXD,DF_SDG,1.0", key=key)
            # the same schema by each context: the DSD, the dataflow, an agreement for it
            bodies = []
            for path in ("/schema/datastructure/SDMXD/DSD_MIGRANT_STOCK/1.0",
                         "/schema/datastructure/SDMXD/DSD_MIGRANT_STOCK",
                         "/schema/dataflow/SDMXD/DF_MIGRANT_STOCK/latest",
                         "/schema/provisionagreement/SDMXD/PA_MIGRANT_STOCK_UNSD/1.0"):
                status, _, body = srv.get(path)
                check(status == 200, "%s: %d" % (path, status))
                bodies.append(body)
            check(all(b == bodies[0] for b in bodies), "the contexts give different schemas")
            # the types: the numeric measure a double, coded dimensions their codes
            xs = "{http://www.w3.org/2001/XMLSchema}"
            doc = etree.fromstring(bodies[0])
            obs = doc.find("%scomplexType[@name='ObsType']" % xs)
            check(obs is not None, "no ObsType")
            types = {a.get("name"): a.get("type") for a in obs.iter(xs + "attribute")}
            check(types.get("OBS_VALUE") == "xs:double", "OBS_VALUE typed %s" % types)
            series = doc.find("%scomplexType[@name='SeriesType']" % xs)
            area = [a.get("type") for a in series.iter(xs + "attribute")
                    if a.get("name") == "REF_AREA"]
            check(len(area) == 1 and area[0] != "xs:string", "REF_AREA typed %s" % area)
            codes = [e.get("value") for e in doc.iterfind(
                "%ssimpleType[@name='%s']/%srestriction/%senumeration" % (xs, area[0], xs, xs))]
            check(len(codes) > 100, "REF_AREA's type enumerates %d codes" % len(codes))
            _, ns = schema(srv, schemas, "/schema/datastructure/SDMXD/DSD_SDG/1.0"
                           "?dimensionAtObservation=AllDimensions&explicitMeasure=false")
            check(ns.endswith(":ObsLevelDim:AllDimensions"), "flat namespace %s" % ns)
            _, ns = schema(srv, schemas, "/schema/datastructure/SDMXD/DSD_SDG/1.0"
                           "?explicitMeasure=true")
            check(ns.endswith(":explicit"), "explicitMeasure=true namespace %s" % ns)

            # bad input: an SDMX error each
            refused(srv, "/schema/dataflow/SDMXD/NO_SUCH_FLOW/1.0", 404, "unknown flow")
            refused(srv, "/schema/dataflow/SDMXD/DF_SDG/9.9", 404, "unknown version")
            refused(srv, "/schema/dataflow/NOBODY/DF_SDG/1.0", 404, "unknown agency")
            refused(srv, "/schema/codelist/SDMXD/CL_FREQ/1.0", 400, "bad context")
            refused(srv, "/schema/nonsense/SDMXD/DF_SDG/1.0", 400, "bad context")
            refused(srv, "/schema/dataflow/SDMXD", 400, "too short")
            refused(srv, "/schema/dataflow/SDMXD/DF_SDG/1.0/extra", 400, "too long")
            refused(srv, "/schema/dataflow/A&B/DF_SDG/1.0", 400, "agency off its pattern")
            refused(srv, "/schema/dataflow/SDMXD/DF%20SDG/1.0", 400, "id off its pattern")
            refused(srv, "/schema/dataflow/SDMXD/DF_SDG/1.x", 400, "version off its pattern")
            refused(srv, "/schema/dataflow/SDMXD/" + "D" * 5000 + "/1.0", 400, "huge id")
            text = refused(srv, "/schema/dataflow/SDMXD/DF_SDG/1.0?dimensionAtObservation=NOPE",
                           400, "unknown dimension")
            check("dimensionAtObservation" in text, "the reason: %s" % text[:300])
            refused(srv, "/schema/dataflow/SDMXD/DF_SDG/1.0?dimensionAtObservation=" + "X" * 5000,
                    400, "huge dimensionAtObservation")
            refused(srv, "/schema/dataflow/SDMXD/DF_SDG/1.0?dimensionAtObservation=%3Cx%3E", 400,
                    "odd dimensionAtObservation")
            refused(srv, "/schema/dataflow/SDMXD/DF_SDG/1.0?explicitMeasure=maybe", 400,
                    "bad explicitMeasure")
            refused(srv, "/schema/dataflow/SDMXD/DF_SDG/1.0?nonsense=1", 400, "unknown parameter")
            refused(srv, "/schema/metadataflow/SDMXD/MDF/1.0", 501, "metadata schemas")
            check(srv.probe() < 5, "the server answers after the bad schema queries")

        with Server(demo_data=False) as srv:  # the official SDG DSD: a schema per dimension
            srv.load(shared("sdg/SDG_DSD_1.0.xml"))
            srv.start()
            status, _, body = srv.get("/datastructure/IAEG-SDGs/SDG/1.0")
            doc = etree.fromstring(body)
            dims = [d.get("id") for d in doc.iterfind(".//%sDimensionList/%sDimension"
                                                      % (STR, STR))]
            check(len(dims) == 15, "SDG DSD dimensions: %d" % len(dims))
            for dao in [None, "AllDimensions"] + dims:
                q = "" if dao is None else "?dimensionAtObservation=" + dao
                schema(srv, schemas, "/schema/datastructure/IAEG-SDGs/SDG/1.0" + q)

        with Server(demo_data=False) as srv:  # the ECB exchange rates, every sample layout
            srv.load(shared(EXR + "common/exr_common.xml"),
                     shared(EXR + "ecb_exr_ng/ecb_exr_ng_full.xml"))
            srv.load(shared(EXR + "ecb_exr_ng/structured/ecb_exr_ng_ts.xml"),
                     flags=("--dataflow", "ECB:EXR(1.0)"))
            srv.start()
            validate_flow(srv, schemas, "ECB,EXR,1.0")
            # COLL_METHOD does not vary along CURRENCY: on Series, never on Obs
            status, _, body = srv.get("/data/EXR?dimensionAtObservation=CURRENCY",
                                      headers={"Accept": SS})
            doc = etree.fromstring(body)
            series = doc.findall(".//Series")
            check(series and all(s.get("COLL_METHOD") for s in series),
                  "a cross-section's Series lacks COLL_METHOD")
            check(not any(o.get("COLL_METHOD") for o in doc.iter("Obs")),
                  "COLL_METHOD written on a cross-section's Obs")
            check(all(o.get("TITLE") for o in doc.iter("Obs")),
                  "TITLE (varying with CURRENCY) not on every Obs")

        with Server(demo_data=False) as srv:  # a sibling group: Group elements and their types
            srv.load(shared(EXR + "common/exr_common.xml"),
                     shared(EXR + "ecb_exr_sg/ecb_exr_sg_full.xml"))
            srv.load(shared(EXR + "ecb_exr_sg/structured/ecb_exr_sg_ts.xml"),
                     flags=("--dataflow", "ECB:EXR_SG(1.0)"))
            srv.start()
            validate_flow(srv, schemas, "ECB,EXR_SG,1.0")
            status, _, body = srv.get("/data/ECB,EXR_SG,1.0", headers={"Accept": SS_TS})
            groups = etree.fromstring(body).findall(".//Group")
            check(len(groups) > 0, "no Group written: the group types go untested")
    finally:
        schemas.close()
    done()


main()
