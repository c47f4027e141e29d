#!/usr/bin/env python3
"""Seeds the REST fuzz corpora from what the tests ask and from the shared structures:

  tests/fuzz/corpus/rest_target/  request targets as the server gets them ("/rest/data/...?..."),
                                  for fuzz_rest_target (server/target.c, then the grammar)
  tests/fuzz/corpus/rest_query/   the same below /rest ("data/...?..."), for fuzz_rest_query

The URLs are every request path of tests/e2e/**/*.case and conformance/**/*.case, every
"/rest/..." or "/<resource>/..." string of tests/e2e/**/test_*.py, and query forms built from
the agencies, ids and versions of the structures under ../shared/data (dataflows, DSDs,
codelists, concept schemes: each REST resource, key and parameter form once). Files are
named seed-<sha1 of the content, 12 digits>; existing hand-written seeds are kept. Run from
the top of the source tree: python3 tests/fuzz/seed_rest.py [--shared DIR] [--max N]."""
import argparse
import glob
import hashlib
import os
import re
import xml.etree.ElementTree as ET

RESOURCES = ("data", "availableconstraint", "dataflow", "datastructure", "codelist",
             "conceptscheme", "categoryscheme", "categorisation", "contentconstraint",
             "agencyscheme", "dataproviderscheme", "provisionagreement", "hierarchicalcodelist",
             "metadatastructure", "metadataflow", "structureset", "process", "structure",
             "organisationscheme", "dataconsumerscheme", "attachmentconstraint",
             "actualconstraint", "allowedconstraint", "reportingtaxonomy", "submissions")
PER_KIND = 6  # structures of each kind the built forms use
PATH_RE = re.compile(r'["\'](/(?:rest/)?(?:%s)(?:[/?][^"\'\s]*)?)["\']' % "|".join(RESOURCES))


def from_cases(top):
    for pattern in ("tests/e2e/**/*.case", "conformance/**/*.case"):
        for path in sorted(glob.glob(os.path.join(top, pattern), recursive=True)):
            with open(path, errors="replace") as f:
                for line in f:
                    parts = line.split()
                    if len(parts) >= 3 and parts[0] in ("request", "readers-during"):
                        yield parts[-1] if parts[0] == "readers-during" else parts[2]


def from_scripts(top):
    for path in sorted(glob.glob(os.path.join(top, "tests/e2e/**/test_*.py"), recursive=True)):
        with open(path, errors="replace") as f:
            for m in PATH_RE.finditer(f.read()):
                if "%" not in m.group(1) and "{" not in m.group(1):
                    yield m.group(1)


def local(tag):
    return tag.rsplit("}", 1)[-1]


def structures(shared):
    """(resource, agency, id, version) of the maintainables of the shared SDMX-ML files."""
    kinds = {"Dataflow": "dataflow", "DataStructure": "datastructure", "Codelist": "codelist",
             "ConceptScheme": "conceptscheme", "CategoryScheme": "categoryscheme",
             "AgencyScheme": "agencyscheme", "DataProviderScheme": "dataproviderscheme"}
    seen = set()
    for path in sorted(glob.glob(os.path.join(shared, "**/*.xml"), recursive=True)):
        if os.path.getsize(path) > 20 << 20:
            continue
        try:
            for _, el in ET.iterparse(path):
                kind = kinds.get(local(el.tag))
                if kind and el.get("id") and el.get("agencyID"):
                    key = (kind, el.get("agencyID"), el.get("id"), el.get("version", "1.0"))
                    if key not in seen:
                        seen.add(key)
                        yield key
                el.clear()
        except ET.ParseError:
            continue


def built(shared):
    """Query forms over the shared structure ids: each resource with all its path parts and
    parameters, the data and availability forms for each dataflow (PER_KIND of each kind)."""
    out, per_kind = [], {}
    for kind, ag, i, ver in structures(shared):
        per_kind[kind] = per_kind.get(kind, 0) + 1
        if per_kind[kind] > PER_KIND:
            continue
        out += ["/%s/%s/%s/%s" % (kind, ag, i, ver),
                "/%s/%s/%s/latest?detail=allstubs" % (kind, ag, i),
                "/%s/%s/%s?references=children&detail=referencepartial" % (kind, ag, i),
                "/%s/all/%s/all?references=all" % (kind, i)]
        if kind == "dataflow":
            flow = "%s,%s,%s" % (ag, i, ver)
            out += ["/data/%s" % flow,
                    "/data/%s/all?startPeriod=2015&endPeriod=2020-Q3&detail=serieskeysonly" % flow,
                    "/data/%s/A..+M.?lastNObservations=1&dimensionAtObservation=AllDimensions" % i,
                    "/data/%s/all/all?updatedAfter=2024-01-01T00:00:00Z&format=csv" % flow,
                    "/data/%s/A.%%2B.x?includeHistory=true&firstNObservations=2" % i,
                    "/availableconstraint/%s/all/all/all?mode=available&references=all" % flow,
                    "/availableconstraint/%s/.A./%s/FREQ?startPeriod=2020" % (flow, ag)]
        if kind == "codelist":
            out.append("/codelist/%s/%s/%s/A+B?detail=allcompletestubs" % (ag, i, ver))
    return out


def write(folder, texts):
    os.makedirs(folder, exist_ok=True)
    keep = {open(os.path.join(folder, f), "rb").read() for f in os.listdir(folder)}
    added = 0
    for t in texts:
        b = t.encode()
        if b in keep:
            continue
        keep.add(b)
        with open(os.path.join(folder, "seed-%s" % hashlib.sha1(b).hexdigest()[:12]), "wb") as f:
            f.write(b)
        added += 1
    return added


def main():
    top = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.path.join(top, "../shared"))
    ap.add_argument("--max", type=int, default=400, help="targets kept, tests' first")
    a = ap.parse_args()
    urls, seen = [], set()
    for u in list(from_cases(top)) + list(from_scripts(top)) + built(os.path.join(a.shared, "data")):
        u = u if u.startswith("/rest") else "/rest" + u
        if u not in seen and len(u) < 4096:
            seen.add(u)
            urls.append(u)
    urls = urls[:a.max]
    corpus = os.path.join(top, "tests/fuzz/corpus")
    n_target = write(os.path.join(corpus, "rest_target"), urls)
    below = [u[len("/rest/"):] for u in urls if u.startswith("/rest/")]
    n_query = write(os.path.join(corpus, "rest_query"), below)
    print("%d targets: %d new seeds in rest_target, %d in rest_query" % (len(urls), n_target,
                                                                         n_query))


if __name__ == "__main__":
    main()
