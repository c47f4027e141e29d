"""What the store tests share: the demo SDG data split by data provider, messages built from
it, and the store's answers read back as comparable data.

The demo's provision agreements (demo/structures/05_registry.xml) limit ILO and WHO to seven
and eight SERIES codes with REPORTING_TYPE G; UNSD's has no constraint.
"""
import csv
import io
import os
import re
import subprocess

from harness import check, demo

FLOW = "SDMXD,DF_SDG,1.0"
SCHEME = "SDMXD:DATA_PROVIDERS(1.0)"
ILO_SERIES = {"SI_POV_EMP1", "SI_COV_BENFTS", "IC_GEN_MGTL", "SL_EMP_EARN", "SL_TLF_UEM",
              "SL_TLF_NEET", "SL_EMP_RCOST"}
WHO_SERIES = {"SP_ACS_BSRVH2O", "SH_STA_MORT", "SH_TBS_INCD", "SH_STA_TRAF", "SH_ACS_UNHC",
              "SH_H2O_SAFE", "SH_SAN_SAFE", "EG_EGY_CLEAN"}
DIMS = ("FREQ", "REPORTING_TYPE", "SERIES", "REF_AREA", "SEX", "AGE", "URBANISATION",
        "INCOME_WEALTH_QUANTILE", "EDUCATION_LEV", "OCCUPATION", "CUST_BREAKDOWN",
        "COMPOSITE_BREAKDOWN", "DISABILITY_STATUS", "ACTIVITY", "PRODUCT")

_ATTR = re.compile(r'([A-Za-z_][\w.:-]*)="([^"]*)"')


class Series:
    """One series of the demo data: its key (dimension -> code), series attributes, and its
    observations (attribute dicts with TIME_PERIOD and OBS_VALUE)."""

    def __init__(self, attrs, obs):
        self.key = {d: attrs[d] for d in DIMS}
        self.attrs = {k: v for k, v in attrs.items() if k not in DIMS}
        self.obs = obs

    def key_text(self):
        return ".".join(self.key[d] for d in DIMS)

    def owner(self):
        """Whose series it is in these tests: ILO, WHO (their constraints) or the operator."""
        if self.key["REPORTING_TYPE"] == "G" and self.key["SERIES"] in ILO_SERIES:
            return "ILO"
        if self.key["REPORTING_TYPE"] == "G" and self.key["SERIES"] in WHO_SERIES:
            return "WHO"
        return None


def demo_series():
    """Every series of demo/data/sdg.xml, in file order."""
    with open(demo("data/sdg.xml"), encoding="utf-8") as f:
        text = f.read()
    out = []
    for m in re.finditer(r"<Series ([^>]*)>(.*?)</Series>", text, re.S):
        attrs = dict(_ATTR.findall(m.group(1)))
        obs = [dict(_ATTR.findall(o)) for o in re.findall(r"<Obs ([^>]*?)/>", m.group(2))]
        out.append(Series(attrs, obs))
    check(len(out) > 3000, "the demo SDG data has its series (%d)" % len(out))
    return out


def _attrs(d):
    return " ".join('%s="%s"' % (k, v) for k, v in d.items())


def message(body, action="Append", flat=False):
    """A structure-specific SDMX-ML 2.1 message for DF_SDG around body (Series or Obs
    elements), with the data set action given."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<message:StructureSpecificData '
            'xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" '
            'xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common" '
            'xmlns:ss="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific">'
            '<message:Header><message:ID>T</message:ID><message:Test>false</message:Test>'
            '<message:Prepared>2024-01-01T00:00:00</message:Prepared><message:Sender id="T"/>'
            '<message:Structure structureID="S" dimensionAtObservation="%s"><common:StructureUsage>'
            '<Ref agencyID="SDMXD" id="DF_SDG" version="1.0"/></common:StructureUsage>'
            '</message:Structure></message:Header>'
            '<message:DataSet ss:structureRef="S" ss:action="%s">\n%s</message:DataSet>'
            '</message:StructureSpecificData>\n'
            % ("AllDimensions" if flat else "TIME_PERIOD", action, body)).encode()


def series_xml(series, obs=None):
    """Series elements for series (each with its observations, or with obs(s) instead)."""
    parts = []
    for s in series:
        o = s.obs if obs is None else obs(s)
        parts.append("<Series %s %s>%s</Series>\n" % (
            _attrs(s.key), _attrs(s.attrs), "".join("<Obs %s/>" % _attrs(x) for x in o)))
    return "".join(parts)


def key_xml(s, inner=""):
    """A Series element with the key of s alone (no attributes) around inner."""
    return "<Series %s>%s</Series>\n" % (_attrs(s.key), inner)


def write(tmp, name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def observations(server, path="/data/%s?format=csv" % FLOW):
    """The answer to path (SDMX-CSV) as {(series key, period): row}; {} for a 404."""
    status, _, body = server.get(path)
    if status == 404:
        return {}
    check(status == 200, "GET %s: %d %s" % (path, status, body[:300]))
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    out = {}
    for r in rows:
        key = ".".join(r[d] for d in DIMS)
        out[(key, r["TIME_PERIOD"])] = tuple(sorted(r.items()))
    return out


def changes_entries(db):
    """The number of entries of the store's change log (mdb_stat of the changes table)."""
    p = subprocess.run(["mdb_stat", "-s", "changes", db], capture_output=True, timeout=60)
    check(p.returncode == 0, "mdb_stat: %s" % p.stderr.decode(errors="replace"))
    m = re.search(rb"Entries: (\d+)", p.stdout)
    check(m is not None, "mdb_stat prints the entries: %s" % p.stdout)
    return int(m.group(1))
