#!/usr/bin/python3
"""Every message file under ../shared/data, against the table of docs/conformance.md.

The table says, for each file, what is loaded before it (other files of the table, and
`sdmxd load` flags), whether it loads or is refused, and for a refusal a part of the message
that says why. For each file this starts a fresh store, loads what comes before, loads the file
with `sdmxd load`, and checks the result; for a data file that loads, it starts the server on
the store and reads the data back in every format (SDMX-ML generic and structure-specific,
SDMX-CSV, SDMX-JSON): every format holds the same observations, and they are those of the
file (the periods and values of its observations, counted). Files under ../shared/data missing
from the table, and rows naming files that do not exist, fail the check.

  shared_files.py --sdmxd PATH --shared DIR [--draft] [--only SUBSTRING]

--draft prints the table rows as the files behave now (for writing the table, never for
checking it).
"""
import argparse
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))

from lxml import etree  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TABLE = os.path.join(HERE, "..", "..", "docs", "conformance.md")
MESSAGE_EXT = (".xml", ".json", ".csv")
FORMATS = {
    "generic": "application/vnd.sdmx.genericdata+xml;version=2.1",
    "structurespecific": "application/vnd.sdmx.structurespecificdata+xml;version=2.1",
    "csv": "application/vnd.sdmx.data+csv;version=1.0.0",
    "json": "application/vnd.sdmx.data+json;version=1.0.0",
}


def message_files(data):
    out = []
    for root, dirs, files in os.walk(data):
        rel = os.path.relpath(root, data)
        if rel == "schemas" or rel.startswith("schemas" + os.sep):
            continue
        for f in files:
            if f.endswith(MESSAGE_EXT):
                out.append(os.path.normpath(os.path.join(rel, f)))
    return sorted(out)


def read_table(path):
    """Rows of the table: dict(file, after=[files], flags=[...], result, message, why)."""
    rows = {}
    for line in open(path, encoding="utf-8"):
        if not line.startswith("| `"):
            continue
        cells = [c.strip().replace("\x00", "\\|")
                 for c in line.strip().strip("|").replace("\\|", "\x00").split("|")]
        if len(cells) != 5:
            raise SystemExit("docs/conformance.md: a row of %d cells: %s" % (len(cells), line))
        f, after, result, message, why = cells
        f = f.strip("`")
        deps, flags = [], []
        for item in re.findall(r"`([^`]*)`", after):
            if item.startswith("--"):
                flags.extend(item.split(" ", 1))
            else:
                deps.append(item)
        rows[f] = dict(file=f, after=deps, flags=flags, result=result,
                       message=message.strip("`").replace("\\|", "|"), why=why)
    return rows


def run_load(sdmxd, db, path, flags=()):
    p = subprocess.run([sdmxd, "load", "--db", db] + list(flags) + [path],
                       capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout, p.stderr


def first_reason(stderr, path):
    lines = [l for l in stderr.splitlines() if l.strip()]
    if not lines:
        return ""
    line = lines[0]
    # "FILE: rejected: FILE: reason" -> "reason"
    line = re.sub(r"^\S+: (rejected|not stored): ", "", line)
    # the file, named however (relative, absolute, "as SDMX-ML 2.1"), and a line number
    name = r"\S*" + re.escape(os.path.basename(path)) + r"( \(as SDMX-ML 2\.1\))?(:\d+)?: "
    line = re.sub(name, "", line)
    if len(lines) > 1 and lines[1].lstrip().startswith("- "):
        line += " | " + re.sub(name, "", lines[1].strip()[2:])
    return line.strip()


def source_obs(path):
    """(period, value) pairs of the observations of an SDMX-ML 2.1 data file, None when the file
    is not one (its values are then checked across formats only)."""
    try:
        tree = etree.parse(path, etree.XMLParser(resolve_entities=False, no_network=True,
                                                 huge_tree=True))
    except etree.XMLSyntaxError:
        return None
    root = tree.getroot()
    if not root.tag.endswith("}GenericData") and not root.tag.endswith("}StructureSpecificData") \
            and not root.tag.endswith("TimeSeriesData"):
        return None
    if "/v2_1/" not in root.tag:
        return None
    pairs = []
    if root.tag.endswith("GenericData") or root.tag.endswith("GenericTimeSeriesData"):
        structure = root.find("{*}Header/{*}Structure")
        at_obs = structure.get("dimensionAtObservation") if structure is not None else None
        for series in list(root.iter("{*}Series")) + [root.find("{*}DataSet")]:
            if series is None:
                continue
            key = dict((v.get("id"), v.get("value"))
                       for v in series.findall("{*}SeriesKey/{*}Value"))
            for obs in series.findall("{*}Obs"):
                dim = obs.find("{*}ObsDimension")
                okey = dict((v.get("id"), v.get("value")) for v in obs.findall("{*}ObsKey/{*}Value"))
                if okey:
                    period = okey.get("TIME_PERIOD")
                elif at_obs in (None, "TIME_PERIOD") and dim is not None:
                    period = dim.get("value")
                else:
                    period = key.get("TIME_PERIOD")
                val = obs.find("{*}ObsValue")
                pairs.append((period, val.get("value") if val is not None else None))
        return pairs
    # structure-specific: unqualified Series and Obs; the measure is OBS_VALUE in every DSD of
    # ../shared (another name: compared across formats only)
    for ds in root.iter("{*}DataSet"):
        for series in list(ds.iter("Series")) + [ds]:
            for obs in series.findall("Obs"):
                if "OBS_VALUE" not in obs.attrib and obs.attrib:
                    return None
                pairs.append((obs.get("TIME_PERIOD", series.get("TIME_PERIOD")),
                              obs.get("OBS_VALUE")))
    return pairs


def norm_value(v):
    if v is None or v == "" or v == "NaN":
        return None
    try:
        return repr(float(v))
    except ValueError:
        return v


def served_obs(srv, flow):
    """{format: sorted list of (key, period, value)} of the dataflow, read in every format."""
    out = {}
    for name, media in FORMATS.items():
        st, _, body = srv.request("GET", "/data/%s/all?dimensionAtObservation=TIME_PERIOD" % flow
                                  if False else "/data/%s" % flow, headers={"Accept": media},
                                  timeout=300)
        if st != 200:
            out[name] = "status %d: %s" % (st, body[:200])
            continue
        out[name] = sorted(PARSERS[name](body), key=repr)
    return out


def parse_generic(body):
    root = etree.fromstring(body)
    rows = []
    for series in root.iter("{*}Series"):
        key = tuple(sorted((v.get("id"), v.get("value"))
                           for v in series.find("{*}SeriesKey").iter("{*}Value")))
        for obs in series.iter("{*}Obs"):
            rows.append((key, obs.find("{*}ObsDimension").get("value"),
                         norm_value(obs.find("{*}ObsValue").get("value")
                                    if obs.find("{*}ObsValue") is not None else None)))
    return rows


def parse_ss(body):
    root = etree.fromstring(body)
    hdr = root.find("{*}Header/{*}Structure")
    rows = []
    for ds in root.iter("{*}DataSet"):
        for series in ds.iter("Series"):
            for obs in series.iter("Obs"):
                rows.append((series, obs))
    # the series attributes mixed with dimensions: keyed by the generic answer's dimensions
    return [("ss", o.get("TIME_PERIOD"), norm_value(o.get("OBS_VALUE"))) for s, o in rows] \
        if hdr is not None else []


def parse_csv(body):
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    return [("csv", r.get("TIME_PERIOD"), norm_value(r.get("OBS_VALUE"))) for r in rows]


def parse_json(body):
    doc = json.loads(body)
    data = doc.get("data", doc)
    struct = data["structure"]
    sdims = struct["dimensions"].get("series", [])
    odims = struct["dimensions"].get("observation", [])
    rows = []
    for ds in data["dataSets"]:
        for skey, s in ds.get("series", {}).items():
            for okey, o in s.get("observations", {}).items():
                period = odims[0]["values"][int(okey.split(":")[0])]["id"] if odims else None
                rows.append(("json", period, norm_value(o[0] if o else None)))
        for okey, o in ds.get("observations", {}).items():
            idx = [int(i) for i in okey.split(":")]
            period = None
            for d, i in zip(odims, idx):
                if d["id"] == "TIME_PERIOD":
                    period = d["values"][i]["id"]
            rows.append(("json", period, norm_value(o[0] if o else None)))
    del sdims
    return rows


# For --draft only: what a file of each folder is loaded after (the table is the reference).
DRAFT_AFTER = [
    ("samples/sdmx-ml-2.1/exr/ecb_exr_ng/", ["samples/sdmx-ml-2.1/exr/common/exr_common.xml",
                                           "samples/sdmx-ml-2.1/exr/ecb_exr_ng/ecb_exr_ng.xml"],
     ["--dataflow", "ECB:EXR_NG(1.0)"]),
    ("samples/sdmx-ml-2.1/exr/ecb_exr_rg/", ["samples/sdmx-ml-2.1/exr/common/exr_common.xml",
                                           "samples/sdmx-ml-2.1/exr/ecb_exr_rg/ecb_exr_rg.xml"],
     ["--dataflow", "ECB:EXR_RG(1.0)"]),
    ("samples/sdmx-ml-2.1/exr/ecb_exr_sg/", ["samples/sdmx-ml-2.1/exr/common/exr_common.xml",
                                           "samples/sdmx-ml-2.1/exr/ecb_exr_sg/ecb_exr_sg.xml"],
     ["--dataflow", "ECB:EXR_SG(1.0)"]),
    ("samples/sdmx-ml-2.1/demography/demography_xs", ["samples/sdmx-ml-2.1/common/common.xml",
                                                    "samples/sdmx-ml-2.1/demography/demography.xml"],
     ["--dataflow", "ESTAT:DEMOGRAPHY(1.0)"]),
    ("samples/sdmx-ml-2.1/demography/esms_", ["samples/sdmx-ml-2.1/common/common.xml",
                                            "samples/sdmx-ml-2.1/demography/esms.xml"], []),
    ("samples/sdmx-ml-2.1/demography/", ["samples/sdmx-ml-2.1/common/common.xml"], []),
    ("samples/sdmx-ml-2.1/query/response_esms_children", ["samples/sdmx-ml-2.1/common/common.xml",
                                                        "samples/sdmx-ml-2.1/demography/demography.xml"],
     []),
    ("sdg/national/ghana/Goal", ["sdg/national/ghana/GSS_DSD_SDG_1.2.xml"],
     ["--dataflow", "GSS:DF_SDG(1.2)"]),
    ("sdg/national/tajikistan/", ["sdg/SDG_DSD_1.0.xml"], ["--dataflow", "IAEG-SDGs:DF_SDG(1.0)"]),
    ("sdg/national/kenya/", ["sdg/SDG_DSD_1.0.xml"], []),
    ("sdg/open-sdg-tests/", ["sdg/SDG_DSD_1.0.xml"], ["--dataflow", "IAEG-SDGs:DF_SDG(1.0)"]),
]


def draft_row(f):
    for prefix, after, flags in DRAFT_AFTER:
        if f.startswith(prefix) and f not in after:
            return dict(file=f, after=after, flags=flags, result="?", message="", why="")
    return dict(file=f, after=[], flags=[], result="?", message="", why="")


STATS = {"read back": 0, "compared with the file": 0}

PARSERS = {"generic": parse_generic, "structurespecific": parse_ss, "csv": parse_csv,
           "json": parse_json}


def periods_values(rows):
    return sorted(((p, v) for _, p, v in rows), key=repr)


def check_file(args, row, data, tmp):
    """Problems with row (a list of strings; empty when the file behaves as the table says)."""
    from harness import Server
    f = row["file"]
    db = os.path.join(tmp, "db")
    shutil.rmtree(db, ignore_errors=True)
    for dep in row["after"]:
        rc, out, err = run_load(args.sdmxd, db, os.path.join(data, dep))
        if rc != 0:
            return ["%s: what comes before it, %s, did not load: %s" % (f, dep, err.strip()[:300])]
    path = os.path.join(data, f)
    rc, out, err = run_load(args.sdmxd, db, path, row["flags"])
    reason = first_reason(err, path)
    got = "loaded" if rc == 0 else "refused"
    if args.draft:
        return [(got, reason, out)]
    problems = []
    if got != row["result"]:
        problems.append("%s: %s, the table says %s: %s" % (f, got, row["result"], reason or out))
        return problems
    if got == "refused" and row["message"] not in reason:
        problems.append("%s: refused for another reason than the table's %r: %s" %
                        (f, row["message"], reason))
    m = re.search(r"observations? into (Dataflow \S+)", out)
    if got == "loaded" and m:
        flow = re.match(r"Dataflow ([^:]+):([^()]+)\(([^)]*)\)", m.group(1))
        ref = "%s,%s,%s" % flow.groups()
        with Server(demo_data=False, db=db) as srv:
            srv.start()
            served = served_obs(srv, ref)
        bad = [k for k, v in served.items() if isinstance(v, str)]
        for k in bad:
            problems.append("%s: read back as %s: %s" % (f, k, served[k]))
        if not bad:
            pv = {k: periods_values(v) for k, v in served.items()}
            base = pv["generic"]
            for k, v in pv.items():
                if v != base:
                    problems.append("%s: %s holds %d observations unlike generic's %d" %
                                    (f, k, len(v), len(base)))
            src = source_obs(path)
            STATS["read back"] += 1
            if src is not None:
                STATS["compared with the file"] += 1
                want = sorted(((p, norm_value(v)) for p, v in src), key=repr)
                if want != base:
                    problems.append("%s: the %d observations read back are not the file's %d" %
                                    (f, len(base), len(want)))
            if not base:
                problems.append("%s: loaded, but no observation is read back" % f)
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sdmxd", required=True)
    ap.add_argument("--shared", required=True)
    ap.add_argument("--draft", action="store_true")
    ap.add_argument("--only")
    args = ap.parse_args()
    data = os.path.join(args.shared, "data")
    files = message_files(data)
    rows = read_table(TABLE) if os.path.exists(TABLE) else {}
    problems = []
    if not args.draft:
        for f in files:
            if f not in rows:
                problems.append("%s: not in docs/conformance.md" % f)
        for f in rows:
            if f not in files:
                problems.append("%s: in docs/conformance.md, not under ../shared/data" % f)
    tmp = tempfile.mkdtemp(prefix="sdmxd-conf-")
    checked = 0
    try:
        for f in files:
            if args.only and args.only not in f:
                continue
            row = rows.get(f) or draft_row(f)
            if f not in rows and not args.draft:
                continue
            res = check_file(args, row, data, tmp)
            checked += 1
            if args.draft and isinstance(res[0], str):
                print("| `%s` | ? | ? | %s | |" % (f, res[0]))
            elif args.draft:
                got, reason, out = res[0]
                after = ", ".join(["`%s`" % d for d in row["after"]] +
                                  (["`%s`" % " ".join(row["flags"])] if row["flags"] else []))
                print("| `%s` | %s | %s | %s | %s |" % (
                    f, after, got, ("`%s`" % reason.replace("|", "\\|")) if got == "refused"
                    else "", row["why"] or out.strip().splitlines()[-1][len(os.path.join(data, f)) + 2:]
                    if out.strip() else ""))
            else:
                problems.extend(res)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.draft:
        return 0
    for p in problems:
        print("FAIL: " + p)
    print("%d data files read back in every format, %d of them compared with the file itself" %
          (STATS["read back"], STATS["compared with the file"]))
    print("%d files checked, %d problem(s)" % (checked, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
