"""A crawl of every dataflow's data (issue 10): with the demo, the official SDG DSD, Ghana's
national DSD and data, and the ECB exchange-rate samples in one store, every dataflow's data in
every format is valid: SDMX-ML generic against the official SDMX-ML 2.1 schema, structure-
specific against the schema the server serves for it at /rest/schema (with the official ones
beside it), at every dimension at the observation level the DSD allows (time, all dimensions,
each dimension); SDMX-JSON against the official SDMX-JSON 1.0 data schema; SDMX-CSV parses with
one header and rows of its width. The formats agree on the number of observations."""
import csv
import io
import json
import os
import shutil
import tempfile

from lxml import etree

import jsonschema

from harness import SHARED, Server, check, done, shared

D = "data/"
STRUCTURES = ["sdg/SDG_DSD_1.0.xml", "sdg/national/ghana/GSS_DSD_SDG_1.2.xml",
              "samples/sdmx-ml-2.1/exr/common/exr_common.xml",
              "samples/sdmx-ml-2.1/exr/ecb_exr_ng/ecb_exr_ng.xml"]
DATA = [("GSS:DF_SDG(1.2)", "sdg/national/ghana/Goal_%d.xml" % g) for g in (1, 3, 8, 17)] + [
    ("ECB:EXR_NG(1.0)", "samples/sdmx-ml-2.1/exr/ecb_exr_ng/structured/ecb_exr_ng_ts.xml")]
GENERIC = "application/vnd.sdmx.genericdata+xml;version=2.1"
SS = "application/vnd.sdmx.structurespecificdata+xml;version=2.1"
JSON = "application/vnd.sdmx.data+json;version=1.0.0"
CSV = "application/vnd.sdmx.data+csv;version=1.0.0"
PARSER = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True)

xsd_dir = os.path.join(SHARED, "data/schemas/sdmx-ml-2.1")
official = etree.XMLSchema(etree.parse(os.path.join(xsd_dir, "SDMXMessage.xsd")))
with open(os.path.join(SHARED, "data/schemas/sdmx-json-1.0/sdmx-json-data-schema.json")) as f:
    js = json.load(f)
json_validator = jsonschema.validators.validator_for(js, default=jsonschema.Draft4Validator)(js)
scratch = tempfile.mkdtemp(prefix="sdmxd-crawl-")


def ss_schema(srv, ref, at_obs):
    """The XML schema for structure-specific data of ref at at_obs, as served, importing the
    official schemas from their own folder."""
    st, _, body = srv.get("/schema/dataflow/%s?dimensionAtObservation=%s" % (
        ref.replace(",", "/"), at_obs))
    check(st == 200, "/rest/schema for %s at %s answers %d: %r" % (ref, at_obs, st, body[:300]))
    doc = etree.fromstring(body, PARSER)
    for imp in doc.iter("{http://www.w3.org/2001/XMLSchema}import"):
        loc = imp.get("schemaLocation")
        if loc:
            imp.set("schemaLocation", os.path.join(xsd_dir, os.path.basename(loc)))
    path = os.path.join(scratch, "%s_%s.xsd" % (ref.replace(",", "_"), at_obs))
    with open(path, "wb") as out:
        out.write(etree.tostring(doc))
    # a wrapper: the message schema and the DSD-specific one together
    wrapper = os.path.join(scratch, "wrap_%s_%s.xsd" % (ref.replace(",", "_"), at_obs))
    with open(wrapper, "w") as out:
        out.write('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
                  '<xs:import namespace="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"'
                  ' schemaLocation="%s"/><xs:import namespace="%s" schemaLocation="%s"/>'
                  '</xs:schema>' % (os.path.join(xsd_dir, "SDMXMessage.xsd"),
                                    doc.get("targetNamespace"), path))
    return etree.XMLSchema(etree.parse(wrapper))


def obs_count_xml(doc):
    return sum(1 for _ in doc.iter("{*}Obs", "Obs"))


def dims_of(srv, ref):
    agency, fid, version = ref.split(",")
    st, _, body = srv.get("/dataflow/%s/%s/%s?references=datastructure" % (agency, fid, version))
    check(st == 200, "the dataflow %s and its DSD are served" % ref)
    doc = etree.fromstring(body, PARSER)
    ids = []
    for d in doc.iter("{*}DimensionList"):
        for dim in d.findall("{*}Dimension") + d.findall("{*}MeasureDimension"):
            concept = dim.find("{*}ConceptIdentity/Ref")
            ids.append(dim.get("id") or (concept.get("id") if concept is not None else None))
    check(ids and all(ids), "every dimension of %s has an id: %r" % (ref, ids))
    return ids


def crawl(srv, ref):
    st, _, body = srv.get("/data/%s" % ref, headers={"Accept": GENERIC}, timeout=300)
    check(st == 200, "%s generic: %d" % (ref, st))
    doc = etree.fromstring(body, PARSER)
    check(official.validate(doc), "%s generic is valid: %s" % (ref, official.error_log.last_error))
    n = obs_count_xml(doc)
    check(n > 0, "%s has observations" % ref)
    for at_obs in ["TIME_PERIOD", "AllDimensions"] + dims_of(srv, ref):
        st, _, body = srv.get("/data/%s?dimensionAtObservation=%s" % (ref, at_obs),
                              headers={"Accept": SS}, timeout=300)
        check(st == 200, "%s structure-specific at %s: %d" % (ref, at_obs, st))
        doc = etree.fromstring(body, PARSER)
        schema = ss_schema(srv, ref, at_obs)
        check(schema.validate(doc), "%s structure-specific at %s is valid against /rest/schema: %s"
              % (ref, at_obs, schema.error_log.last_error))
        check(obs_count_xml(doc) == n, "%s at %s: %d observations, generic %d" % (
            ref, at_obs, obs_count_xml(doc), n))
    st, _, body = srv.get("/data/%s" % ref, headers={"Accept": JSON}, timeout=300)
    check(st == 200, "%s SDMX-JSON: %d" % (ref, st))
    msg = json.loads(body)
    errors = sorted(json_validator.iter_errors(msg), key=str)
    check(not errors, "%s SDMX-JSON is valid: %s" % (ref, errors[:1]))
    sets = msg.get("data", msg)["dataSets"]
    got = sum(len(s.get("observations", {})) for ds in sets for s in ds.get("series", {}).values())
    got += sum(len(ds.get("observations", {})) for ds in sets)
    check(got == n, "%s SDMX-JSON: %d observations, generic %d" % (ref, got, n))
    st, _, body = srv.get("/data/%s" % ref, headers={"Accept": CSV}, timeout=300)
    check(st == 200, "%s SDMX-CSV: %d" % (ref, st))
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    check(rows and rows[0][0] == "DATAFLOW", "%s SDMX-CSV starts with DATAFLOW" % ref)
    check(all(len(r) == len(rows[0]) for r in rows), "%s SDMX-CSV rows have the header's width" % ref)
    check(len(rows) - 1 == n, "%s SDMX-CSV: %d rows, generic %d observations" % (ref, len(rows) - 1, n))


try:
    with Server() as srv:
        for f in STRUCTURES:  # (Ghana's copies of three SDMX codelists differ: kept as stored)
            srv.load(shared(f), flags=("--keep-final",))
        for flow, f in DATA:
            srv.load(shared(f), flags=("--dataflow", flow))
        srv.start()
        st, _, body = srv.get("/dataflow/all/all/latest")
        check(st == 200, "the dataflows are listed")
        flows = [(d.get("agencyID"), d.get("id"), d.get("version"))
                 for d in etree.fromstring(body, PARSER).iter("{*}Dataflow")]
        check(len(flows) >= 5, "every dataflow: %r" % flows)
        crawled = []
        for agency, fid, version in flows:
            ref = "%s,%s,%s" % (agency, fid, version)
            st, _, _ = srv.get("/data/%s" % ref, headers={"Accept": CSV}, timeout=300)
            if st == 404:
                continue  # a dataflow without data (the SDG DSD's own)
            crawl(srv, ref)
            crawled.append(ref)
        print("crawled: %s" % ", ".join(crawled))
        for want in ("SDMXD,DF_SDG,1.0", "SDMXD,DF_MIGRANT_STOCK,1.0", "SDMXD,DF_DIGITAL_ECONOMY,1.0",
                     "GSS,DF_SDG,1.2", "ECB,EXR_NG,1.0"):
            check(want in crawled, "%s was crawled" % want)
finally:
    shutil.rmtree(scratch, ignore_errors=True)
done()
