#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Generator for the sdmxd demonstration data sets.

Writes, next to this script, three SDMX-ML 2.1 StructureSpecificData messages,
one per demonstration dataflow defined in ../structures/:

  sdg.xml              SDMXD:DF_SDG(1.0)              on SDMXD:DSD_SDG(1.0)
  migrant_stock.xml    SDMXD:DF_MIGRANT_STOCK(1.0)    on SDMXD:DSD_MIGRANT_STOCK(1.0)
  digital_economy.xml  SDMXD:DF_DIGITAL_ECONOMY(1.0)  on SDMXD:DSD_DIGITAL_ECONOMY(1.0)

THE VALUES ARE SYNTHETIC.  They come from simple models (a development score
and a population figure per country, logistic or log-linear curves over time,
deterministic pseudo-random noise) so that they have plausible magnitudes,
trends and gaps; they are not statistics of any country and must not be used
as such.  No third-party data is copied.

The codes (series, areas, units, ...) are read from the structure messages in
../structures/, and before writing, every key and attribute is checked against
the DSDs (codelists, mandatory attributes at their attachment level) and the
allowed content constraints of 05_registry.xml.

Standard library only.  Deterministic: a fixed seed per data set, stable
ordering and fixed number formatting, so two runs give identical bytes.

Usage: python3 gen_data.py [--check-only]
Load:  sdmxd load --db DB demo/structures/0*.xml
       sdmxd load --db DB demo/data/*.xml
"""

import math
import os
import random
import sys
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
STRUCT_DIR = os.path.join(HERE, os.pardir, "structures")
PREPARED = "2024-06-01T00:00:00Z"
AG = "SDMXD"
V = "1.0"

NS_STR = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure}"
NS_COM = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common}"


# ==========================================================================
# Structures: codelists, DSDs and constraints read from ../structures/
# ==========================================================================
class Structures:
    def __init__(self, directory):
        self.codelists = {}     # id -> {code: {"parent": p, "ann": {type: title}}}
        self.dsds = {}          # id -> dict(dims, time, attrs, groups)
        self.flows = {}         # id -> dsd id
        self.constraints = []   # (attach class, attach id, [(include, {dim: set}, time range)])
        for fn in sorted(os.listdir(directory)):
            if fn.startswith("0") and fn.endswith(".xml"):
                self._read(ET.parse(os.path.join(directory, fn)).getroot())

    def _read(self, root):
        for cl in root.iter(NS_STR + "Codelist"):
            codes = {}
            for c in cl.findall(NS_STR + "Code"):
                p = c.find(NS_STR + "Parent/Ref")
                ann = {}
                for a in c.iter(NS_COM + "Annotation"):
                    ann[a.findtext(NS_COM + "AnnotationType")] = a.findtext(NS_COM + "AnnotationTitle")
                codes[c.get("id")] = {"parent": p.get("id") if p is not None else None, "ann": ann}
            self.codelists[cl.get("id")] = codes
        for d in root.iter(NS_STR + "DataStructure"):
            dsd = {"dims": [], "time": None, "attrs": [], "groups": {}}
            for el in d.iter():
                tag = el.tag.replace(NS_STR, "")
                enum = el.find("%sLocalRepresentation/%sEnumeration/Ref" % (NS_STR, NS_STR))
                cl = enum.get("id") if enum is not None else None
                if tag == "Dimension" and el.get("id"):
                    dsd["dims"].append((el.get("id"), cl))
                elif tag == "TimeDimension":
                    dsd["time"] = el.get("id")
                elif tag == "Group" and el.get("id"):
                    dsd["groups"][el.get("id")] = [r.get("id") for r in el.iter("Ref")]
                elif tag == "Attribute":
                    rel = el.find(NS_STR + "AttributeRelationship")
                    level = "dataset"
                    for c in rel:
                        t = c.tag.replace(NS_STR, "")
                        if t == "PrimaryMeasure":
                            level = "obs"
                        elif t in ("Dimension", "AttachmentGroup"):
                            level = "series"
                        elif t == "Group":
                            level = "group"
                    dsd["attrs"].append({"id": el.get("id"), "codelist": cl, "level": level,
                                         "mandatory": el.get("assignmentStatus") == "Mandatory"})
            self.dsds[d.get("id")] = dsd
        for f in root.iter(NS_STR + "Dataflow"):
            r = f.find(NS_STR + "Structure/Ref")
            if r is not None:
                self.flows[f.get("id")] = r.get("id")
        for cc in root.iter(NS_STR + "ContentConstraint"):
            if cc.get("type") != "Allowed":
                continue
            att = cc.find(NS_STR + "ConstraintAttachment")
            refs = list(att.iter("Ref"))
            if not refs:
                continue
            regions = []
            for reg in cc.iter(NS_STR + "CubeRegion"):
                inc = reg.get("include", "true") == "true"
                vals, trange = {}, None
                for kv in reg:
                    vs = [v.text for v in kv.findall(NS_COM + "Value")]
                    tr = kv.find(NS_COM + "TimeRange")
                    if tr is not None:
                        s = tr.find(NS_COM + "StartPeriod")
                        e = tr.find(NS_COM + "EndPeriod")
                        trange = (s.text if s is not None else None, e.text if e is not None else None)
                    elif vs:
                        vals[kv.get("id")] = set(vs)
                regions.append((inc, vals, trange))
            self.constraints.append((refs[0].get("class"), refs[0].get("id"), regions))

    def codes(self, cl):
        return self.codelists[cl]

    def annotation(self, cl, code, atype):
        return self.codelists[cl][code]["ann"].get(atype)


# ==========================================================================
# Deterministic helpers
# ==========================================================================
def sigmoid(z):
    if z < -60:
        return 0.0
    if z > 60:
        return 1.0
    return 1.0 / (1.0 + math.exp(-z))


def fmt(v, dec):
    """Plain decimal, no exponent, no negative zero."""
    s = "%.*f" % (dec, v)
    if float(s) == 0.0:
        s = "%.*f" % (dec, 0.0)
    return s


def sub_rng(seed, *parts):
    """An independent, reproducible generator for one (data set, key) pair."""
    h = seed
    for p in parts:
        for ch in str(p):
            h = (h * 1000003 + ord(ch)) % (1 << 61)
        h = (h * 1000003 + 7) % (1 << 61)
    return random.Random(h)


# ==========================================================================
# Synthetic country profiles: M49 code -> (development score proxy on an
# HDI-like 0..1 scale, population in millions).  Rough magnitudes only, used
# to shape the synthetic values; not statistics.
# ==========================================================================
PROFILES = """
012 .74 44|818 .73 107|504 .68 37|788 .73 12|729 .51 46|434 .72 7
231 .49 120|404 .60 54|834 .55 63|800 .55 46|646 .55 13|108 .43 12|450 .50 29
454 .51 20|508 .46 32|894 .57 19|716 .56 16|706 .38 17|728 .38 11|480 .80 1.3
024 .59 33|120 .58 27|180 .48 95|178 .59 5.7|148 .39 17|140 .40 5|266 .71 2.3
072 .71 2.6|516 .62 2.5|710 .71 60|426 .51 2.2|748 .60 1.2
204 .52 13|854 .45 22|384 .55 27|288 .63 32|324 .47 13|430 .48 5|466 .41 21
478 .54 4.6|562 .39 25|566 .54 210|686 .51 17|694 .46 8.4|768 .54 8.5|270 .50 2.5
032 .84 45|068 .69 12|076 .76 213|152 .86 19|170 .75 51|218 .74 18|600 .72 7
604 .76 33|858 .83 3.5|862 .69 28|484 .76 128|320 .63 17|340 .62 10|222 .67 6.3
558 .66 6.6|188 .81 5.1|591 .81 4.3|192 .76 11|214 .76 11|332 .54 11|388 .71 2.8
780 .81 1.4|124 .93 38|840 .92 332
156 .77 1410|392 .92 125|410 .93 52|496 .74 3.3|360 .71 274|458 .80 33|608 .70 111
764 .80 70|704 .73 97|116 .59 17|418 .61 7.4|104 .59 54|702 .94 5.7|356 .64 1400
586 .54 225|050 .66 168|524 .60 30|144 .78 22|004 .48 40|364 .77 86|398 .81 19
860 .73 34|417 .70 6.7|762 .68 9.8|795 .74 6.1|682 .87 35|784 .91 9.4|634 .86 2.7
414 .83 4.3|512 .82 4.5|048 .88 1.5|368 .69 42|400 .72 11|422 .71 5.5|760 .58 21
792 .84 84|376 .92 9.3|887 .45 32|268 .80 3.7|051 .76 2.8|031 .75 10
276 .94 83|250 .90 68|826 .93 67|380 .89 59|724 .90 47|620 .86 10|528 .94 17.5
056 .93 11.6|040 .92 9|756 .96 8.7|752 .94 10.4|578 .96 5.4|208 .95 5.9|246 .94 5.5
372 .95 5|616 .88 38|203 .89 10.5|348 .85 9.7|642 .82 19|100 .80 6.9|643 .82 144
804 .77 44|112 .80 9.4|498 .77 2.6|300 .89 10.4|191 .86 4|688 .80 6.8|008 .79 2.8
233 .89 1.3|428 .86 1.9|440 .88 2.8|703 .85 5.4|705 .92 2.1|442 .93 0.6
036 .95 26|554 .94 5.1|598 .56 10|242 .73 0.9|090 .56 0.7
"""


def parse_profiles():
    prof = {}
    for chunk in PROFILES.replace("\n", "|").split("|"):
        chunk = chunk.strip()
        if not chunk:
            continue
        code, hdi, pop = chunk.split()
        prof[code] = (min(1.0, max(0.0, (float(hdi) - 0.35) / 0.62)), float(pop))
    return prof


class Geo:
    """The CL_AREA tree and the country profiles."""

    def __init__(self, st):
        area = st.codes("CL_AREA")
        self.parent = {c: v["parent"] for c, v in area.items()}
        parents = set(p for p in self.parent.values() if p)
        self.countries = [c for c in area if c not in parents]
        self.prof = parse_profiles()
        bad = [c for c in self.prof if c not in area or c in parents]
        if bad:
            raise SystemExit("profiles name codes that are not countries of CL_AREA: %s" % bad)
        self.codes = list(self.prof)          # stable order (as written above)

    def ancestors(self, c):
        out = []
        p = self.parent.get(c)
        while p:
            out.append(p)
            p = self.parent.get(p)
        return out

    def subregion(self, c):
        return self.parent[c]

    def members(self, region):
        return [c for c in self.codes if region in self.ancestors(c)]

    def dev(self, c):
        return self.prof[c][0]

    def pop(self, c):
        return self.prof[c][1]


# ==========================================================================
# SDMX-ML StructureSpecificData writer
# ==========================================================================
def q(v):
    return escape(str(v), {'"': "&quot;"})


class DataWriter:
    def __init__(self, flow, msg_id):
        self.flow = flow
        self.lines = []
        ns1 = ("urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=%s:%s(%s):ObsLevelDim:TIME_PERIOD"
               % (AG, flow, V))
        sid = "%s_%s_%s" % (AG, flow, V.replace(".", "_"))
        L = self.lines
        L.append('<?xml version="1.0" encoding="UTF-8"?>')
        L.append('<message:StructureSpecificData'
                 ' xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"'
                 ' xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"'
                 ' xmlns:ss="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific"'
                 ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
                 ' xmlns:ns1="%s">' % q(ns1))
        L.append('  <message:Header>')
        L.append('    <message:ID>%s</message:ID>' % q(msg_id))
        L.append('    <message:Test>false</message:Test>')
        L.append('    <message:Prepared>%s</message:Prepared>' % PREPARED)
        L.append('    <message:Sender id="%s"/>' % AG)
        L.append('    <message:Structure structureID="%s" namespace="%s" dimensionAtObservation="TIME_PERIOD">'
                 % (q(sid), q(ns1)))
        L.append('      <common:StructureUsage><Ref agencyID="%s" id="%s" version="%s"/></common:StructureUsage>'
                 % (AG, q(flow), V))
        L.append('    </message:Structure>')
        L.append('    <message:DataSetAction>Information</message:DataSetAction>')
        L.append('    <message:DataSetID>%s</message:DataSetID>' % q(flow))
        L.append('  </message:Header>')
        self.sid = sid

    def dataset(self, attrs):
        a = "".join(' %s="%s"' % (k, q(v)) for k, v in attrs)
        self.lines.append('  <message:DataSet ss:dataScope="Dataflow" xsi:type="ns1:DataSetType"'
                          ' ss:structureRef="%s" ss:action="Information"%s>' % (q(self.sid), a))

    def series(self, key, attrs, obs):
        a = "".join(' %s="%s"' % (k, q(v)) for k, v in list(key) + list(attrs))
        self.lines.append('    <Series%s>' % a)
        for o in obs:
            self.lines.append('      <Obs%s/>' % "".join(' %s="%s"' % (k, q(v)) for k, v in o))
        self.lines.append('    </Series>')

    def getvalue(self):
        return "\n".join(self.lines + ['  </message:DataSet>', '</message:StructureSpecificData>']) + "\n"


# ==========================================================================
# Checker: every key and attribute against the DSD and allowed constraints
# ==========================================================================
class Checker:
    def __init__(self, st, flow):
        self.st = st
        self.flow = flow
        self.dsd_id = st.flows[flow]
        self.dsd = st.dsds[self.dsd_id]
        self.regions = []
        for cls, aid, regs in st.constraints:
            if (cls == "Dataflow" and aid == flow) or (cls == "DataStructure" and aid == self.dsd_id):
                self.regions.extend(regs)
        self.errors = []
        self.nobs = 0
        self.seen = set()

    def err(self, msg):
        if len(self.errors) < 50:
            self.errors.append(msg)

    def check_series(self, key, sattrs, obs, dsattrs):
        kd = dict(key)
        dims = [d for d, _ in self.dsd["dims"]]
        if list(kd) != dims:
            self.err("%s: key dimensions %s, DSD has %s" % (self.flow, list(kd), dims))
        tkey = tuple(kd.get(d) for d in dims)
        if tkey in self.seen:
            self.err("%s: duplicate series %s" % (self.flow, ".".join(tkey)))
        self.seen.add(tkey)
        for d, cl in self.dsd["dims"]:
            if cl and kd.get(d) not in self.st.codes(cl):
                self.err("%s: %s=%s not in %s" % (self.flow, d, kd.get(d), cl))
        for inc, vals, trange in self.regions:
            hit = all(kd.get(d) in vs for d, vs in vals.items() if d != self.dsd["time"])
            if inc and not hit:
                bad = [(d, kd.get(d)) for d, vs in vals.items() if kd.get(d) not in vs]
                self.err("%s: %s outside the allowed region %s" % (self.flow, ".".join(tkey), bad))
            if not inc and vals and all(kd.get(d) in vs for d, vs in vals.items()):
                self.err("%s: %s in an excluded region" % (self.flow, ".".join(tkey)))
        sa = dict(sattrs)
        periods = set()
        for o in obs:
            self.nobs += 1
            od = dict(o)
            t = od.get("TIME_PERIOD")
            if t in periods:
                self.err("%s: duplicate period %s in %s" % (self.flow, t, ".".join(tkey)))
            periods.add(t)
            if not (t and t.isdigit() and len(t) == 4):
                self.err("%s: bad period %r" % (self.flow, t))
            if kd.get("FREQ", "A") != "A":
                self.err("%s: FREQ %s" % (self.flow, kd.get("FREQ")))
            for inc, vals, trange in self.regions:
                if trange and inc:
                    s, e = trange
                    if (s and t < s) or (e and t > e):
                        self.err("%s: period %s outside %s" % (self.flow, t, trange))
            v = od.get("OBS_VALUE")
            try:
                float(v)
            except (TypeError, ValueError):
                self.err("%s: value %r" % (self.flow, v))
            if v is not None and ("e" in v or "E" in v or v.startswith("-0.") and float(v) == 0):
                self.err("%s: value %r not a plain decimal" % (self.flow, v))
            for a in self.dsd["attrs"]:
                where = {"obs": od, "series": sa, "dataset": dsattrs}.get(a["level"])
                if where is None:
                    continue
                val = where.get(a["id"])
                if a["mandatory"] and val is None:
                    self.err("%s: mandatory %s missing (%s level) in %s"
                             % (self.flow, a["id"], a["level"], ".".join(tkey)))
                if val is not None and a["codelist"] and val not in self.st.codes(a["codelist"]):
                    self.err("%s: %s=%s not in %s" % (self.flow, a["id"], val, a["codelist"]))
            known = set(dims) | {self.dsd["time"], "OBS_VALUE"} | {a["id"] for a in self.dsd["attrs"]}
            for k in od:
                if k not in known:
                    self.err("%s: unknown observation attribute %s" % (self.flow, k))
        for k in sa:
            if k not in {a["id"] for a in self.dsd["attrs"] if a["level"] == "series"}:
                self.err("%s: %s is not a series attribute" % (self.flow, k))


class Output:
    """Collects series, checks them and renders the message."""

    def __init__(self, st, flow, msg_id, dsattrs=()):
        self.w = DataWriter(flow, msg_id)
        self.chk = Checker(st, flow)
        self.dsattrs = dict(dsattrs)
        self.w.dataset(list(dsattrs))
        self.nseries = 0

    def series(self, key, sattrs, obs):
        if not obs:
            return
        self.chk.check_series(key, sattrs, obs, self.dsattrs)
        self.w.series(key, sattrs, obs)
        self.nseries += 1


# ==========================================================================
# SDG
# ==========================================================================
SDG_SEED = 20240601
YEARS = list(range(2000, 2024))

# Synthetic models.  kind: logit (lo + (hi-lo) * sigmoid(z)) or log
# (exp-interpolation between lo and hi by sigmoid(z)), with
#   z = b * (dev - m) + trend * (year - 2011.5) + sd * country effect.
# cov: annual (y0, y1, max late start, gap probability) | survey (y0, y1) |
#      years [list] ; n: countries (min, max); sex: (zF, zM) offsets or None;
# ages: [(AGE, value multiplier)]; nature; dec: decimals; agg: mean | sum | None
SDG_SERIES = [
    dict(id="SI_POV_DAY1", kind="logit", lo=0.1, hi=92, b=-12, m=0.33, trend=-0.09, sd=0.8,
         cov=("survey", 2000, 2022), n=(60, 75), dec=1, nature="C", ages=[("_T", 1)]),
    dict(id="SI_POV_NAHC", kind="logit", lo=2, hi=80, b=-6, m=0.3, trend=-0.05, sd=0.6,
         cov=("survey", 2000, 2022), n=(45, 60), dec=1, nature="C", agg=None),
    dict(id="SI_COV_BENFTS", kind="logit", lo=1, hi=100, b=9, m=0.55, trend=0.05, sd=0.8,
         cov=("years", [2010, 2015, 2016, 2020, 2023], 0.8), n=(45, 60), dec=1, nature="C",
         sex=(-0.25, 0.15)),
    dict(id="SN_ITK_DEFC", kind="logit", lo=2.5, hi=60, b=-8, m=0.3, trend=-0.05, sd=0.7,
         cov=("annual", 2001, 2022, 0, 0.0), n=(55, 70), dec=1, nature="M"),
    dict(id="SH_STA_STNT", kind="logit", lo=1, hi=60, b=-7, m=0.35, trend=-0.04, sd=0.5,
         cov=("survey", 2000, 2022), n=(50, 65), dec=1, nature="C", sex=(-0.12, 0.10),
         ages=[("Y0T4", 1)]),
    dict(id="SH_STA_MORT", kind="log", d0=1100, d1=3, trend=-0.04, sd=0.4,
         cov=("annual", 2000, 2020, 0, 0.0), n=(60, 75), dec=0, nature="E", bounds=0.35),
    dict(id="SH_STA_BRTC", kind="logit", lo=5, hi=100, b=10, m=0.25, trend=0.09, sd=0.8,
         cov=("survey", 2000, 2023), n=(50, 65), dec=1, nature="C"),
    dict(id="SH_DYN_MORT", kind="log", d0=220, d1=2.5, trend=-0.045, sd=0.3,
         cov=("annual", 2000, 2022, 0, 0.0), n=(45, 55), dec=1, nature="E", sex=(-0.12, 0.10),
         ages=[("Y0T4", 1)], bounds=0.2),
    dict(id="SH_DYN_NMRT", kind="log", d0=50, d1=1.5, trend=-0.03, sd=0.3,
         cov=("annual", 2000, 2022, 0, 0.0), n=(50, 60), dec=1, nature="E"),
    dict(id="SH_HIV_INCD", kind="log", d0=2.5, d1=0.03, trend=-0.06, sd=0.9,
         reg={"018": 2.2, "014": 1.3, "017": 0.6, "011": 0.3, "029": 0.5},
         cov=("annual", 2000, 2023, 3, 0.05), n=(26, 32), dec=2, nature="M", sex=(0.25, -0.25),
         ages=[("_T", 1), ("Y15T24", 1.3)]),
    dict(id="SH_TBS_INCD", kind="log", d0=450, d1=4, trend=-0.025, sd=0.5, reg={"018": 1.0},
         cov=("annual", 2000, 2022, 0, 0.0), n=(55, 70), dec=0, nature="E"),
    dict(id="SH_STA_TRAF", kind="log", d0=32, d1=4, trend=-0.015, sd=0.25,
         cov=("years", [2000, 2005, 2010, 2015, 2019, 2021], 0.95), n=(65, 80), dec=1, nature="E",
         sex=(-0.8, 0.35)),
    dict(id="SP_DYN_ADKL", kind="log", d0=190, d1=4, trend=-0.03, sd=0.4, reg={"005": 0.6, "013": 0.6},
         cov=("annual", 2000, 2022, 5, 0.25), n=(55, 70), dec=1, nature="C", sexonly="F",
         ages=[("Y15T19", 1)]),
    dict(id="SH_ACS_UNHC", kind="logit", lo=15, hi=92, b=7, m=0.4, trend=0.05, sd=0.3,
         cov=("years", [2000, 2005, 2010, 2015, 2017, 2019, 2021], 1.0), n=(70, 80), dec=0,
         nature="M"),
    dict(id="SE_TOT_CPLR", kind="logit", lo=5, hi=100, b=9, m=0.3, trend=0.06, sd=0.7,
         cov=("survey", 2000, 2022), n=(45, 60), dec=1, nature="C", sex=(-0.15, 0.05)),
    dict(id="SP_DYN_MRBF18", kind="logit", lo=0.5, hi=80, b=-6, m=0.35, trend=-0.03, sd=0.6,
         cov=("survey", 2000, 2022), n=(45, 55), dec=1, nature="C", sexonly="F",
         ages=[("Y20T24", 1)]),
    dict(id="SG_GEN_PARL", kind="logit", lo=1, hi=55, b=2, m=0.5, trend=0.05, sd=0.8,
         cov=("annual", 2000, 2023, 0, 0.0), n=(60, 75), dec=1, nature="C", sexonly="F"),
    dict(id="IT_MOB_OWN", kind="logit", lo=20, hi=99.5, b=8, m=0.3, trend=0.12, sd=0.5,
         cov=("annual", 2010, 2023, 4, 0.45), n=(40, 50), dec=1, nature="C", sex=(-0.35, 0.2)),
    dict(id="SH_H2O_SAFE", kind="logit", lo=3, hi=100, b=10, m=0.45, trend=0.05, sd=0.6,
         cov=("annual", 2000, 2022, 4, 0.05), n=(50, 65), dec=1, nature="E"),
    dict(id="SH_SAN_SAFE", kind="logit", lo=2, hi=100, b=10, m=0.5, trend=0.06, sd=0.7,
         cov=("annual", 2000, 2022, 4, 0.05), n=(50, 65), dec=1, nature="E"),
    dict(id="EG_ELC_ACCS", kind="logit", lo=0, hi=100, b=11, m=0.25, trend=0.12, sd=0.8,
         cov=("annual", 2000, 2022, 0, 0.0), n=(65, 80), dec=1, nature="E"),
    dict(id="EG_EGY_CLEAN", kind="logit", lo=0, hi=100, b=11, m=0.35, trend=0.07, sd=0.8,
         cov=("annual", 2000, 2021, 0, 0.0), n=(55, 70), dec=1, nature="M"),
    dict(id="EG_FEC_RNEW", kind="logit", lo=0.5, hi=97, b=-7, m=0.45, trend=0.02, sd=1.0,
         cov=("annual", 2000, 2021, 0, 0.0), n=(55, 70), dec=1, nature="E"),
    dict(id="NY_GDP_PCAP", kind="growth", cov=("annual", 2001, 2023, 0, 0.02), n=(60, 75), dec=2,
         nature="C"),
    dict(id="SL_TLF_UEM", kind="log", d0=6, d1=6, trend=-0.005, sd=0.45, cap=70, reg={"018": 1.2, "015": 0.5},
         cov=("annual", 2000, 2023, 6, 0.15), n=(40, 50), dec=1, nature="C", sex=(0.1, -0.08),
         ages=[("Y_GE15", 1), ("Y15T24", 2.3)]),
    dict(id="SL_TLF_NEET", kind="logit", lo=3, hi=50, b=-4, m=0.5, trend=-0.01, sd=0.5,
         cov=("annual", 2005, 2023, 6, 0.35), n=(40, 50), dec=1, nature="C", sex=(0.35, -0.3),
         ages=[("Y15T24", 1)]),
    dict(id="FB_ATM_TOTL", kind="log", d0=0.8, d1=90, trend=0.04, sd=0.4,
         cov=("annual", 2004, 2022, 2, 0.05), n=(60, 75), dec=2, nature="C"),
    dict(id="FB_BNK_ACCSS", kind="logit", lo=3, hi=99.8, b=9, m=0.45, trend=0.1, sd=0.6,
         cov=("years", [2011, 2014, 2017, 2021], 0.95), n=(70, 80), dec=1, nature="C",
         sex=(-0.3, 0.2), ages=[("Y_GE15", 1)]),
    dict(id="EN_ATM_CO2", kind="co2", cov=("annual", 2000, 2021, 0, 0.0), n=(60, 75), dec=2,
         nature="E", agg="sum", mult="6"),
    dict(id="IT_USE_ii99", kind="logit", lo=0, hi=99, b=7, m=0.65, trend=0.22, sd=0.5,
         cov=("annual", 2000, 2023, 0, 0.05), n=(70, 80), dec=1, nature="E"),
    dict(id="AG_LND_FRST", kind="forest", cov=("annual", 2000, 2020, 0, 0.0), n=(60, 75), dec=2, noise=0.002,
         nature="C"),
    dict(id="VC_IHR_PSRC", kind="log", d0=10, d1=0.8, trend=-0.015, sd=0.6,
         reg={"013": 1.4, "005": 1.1, "029": 1.2, "018": 1.3},
         cov=("annual", 2000, 2022, 8, 0.3), n=(45, 55), dec=2, nature="C", sex=(-1.3, 0.2)),
    dict(id="SG_REG_BRTH", kind="logit", lo=2, hi=100, b=10, m=0.3, trend=0.05, sd=0.8,
         cov=("survey", 2000, 2022), n=(40, 50), dec=1, nature="C", ages=[("Y0T4", 1)]),
    dict(id="SL_EMP_EARN", kind="earn", cov=("annual", 2008, 2023, 4, 0.4), n=(40, 45), dec=2, noise=0.01,
         nature="C", sex=(-0.15, 0.05), agg=None),
]

# currencies with many units to the dollar (order of magnitude of the synthetic rate)
HIGH_DENOMINATION = {"360": 4, "704": 4, "364": 4, "418": 4, "410": 3, "116": 3, "324": 3,
                     "600": 3, "170": 3, "800": 3, "834": 3, "108": 3, "152": 2, "392": 2,
                     "566": 2, "404": 2, "050": 2, "586": 2, "144": 2, "356": 1, "643": 1}

SDG_AGGREGATES = ["001", "202", "015", "419", "021", "142", "030", "034", "150", "009"]


class SdgModel:
    def __init__(self, geo):
        self.geo = geo

    def effect(self, sid, c):
        return sub_rng(SDG_SEED, "eff", sid, c).gauss(0, 1)

    def lcu(self, c):
        """Synthetic units of local currency per US dollar."""
        r = sub_rng(SDG_SEED, "lcu", c)
        return math.exp(r.uniform(-0.5, 2.5)) * 10 ** HIGH_DENOMINATION.get(c, 0)

    def cycle(self, y):
        """A business cycle common to all economies (growth model)."""
        return sub_rng(SDG_SEED, "cycle", y).gauss(0, 0.6)

    def region_offset(self, s, c):
        reg = s.get("reg")
        if not reg:
            return 0.0
        for a in self.geo.ancestors(c):
            if a in reg:
                return reg[a]
        return 0.0

    def base(self, s, d, e, y, zoff=0.0):
        k = s["kind"]
        t = y - 2011.5
        if k == "logit":
            z = s["b"] * (d - s["m"]) + s["trend"] * t + s["sd"] * e + zoff
            return s["lo"] + (s["hi"] - s["lo"]) * sigmoid(z)
        if k == "log":
            # log-linear in the development score: d0 at dev 0, d1 at dev 1
            lv = math.log(s["d0"]) + (math.log(s["d1"]) - math.log(s["d0"])) * d
            return math.exp(lv + s["trend"] * t + s["sd"] * e + zoff)
        scale = math.exp(zoff)     # sex offsets of the other models act multiplicatively
        if k == "growth":
            g = 1.0 + 3.0 * (1 - d) + 0.6 * e + self.cycle(y)
            shock = {2001: -0.8, 2008: -1.0, 2009: -4.5 * d - 1.0, 2015: -0.6, 2020: -6.0,
                     2021: 4.5, 2022: 0.8, 2023: -0.5}.get(y, 0.0)
            return g + shock
        if k == "co2":
            # tonnes per capita rising for developing, falling for developed economies
            pc = (0.1 + 12.0 * d ** 3.5) * math.exp(0.35 * e)
            pc *= math.exp((0.045 * (1 - d) - 0.015 * d) * t)
            return pc * scale
        if k == "forest":
            f = 2 + 70 * sigmoid(1.4 * e + 0.3)
            return max(0.1, f * (1 + (-0.004 * (1 - d) + 0.002 * d) * t))
        if k == "earn":
            usd = 0.4 + 30 * d ** 2.5
            return usd * math.exp(0.03 * t) * math.exp(0.2 * e) * scale
        raise ValueError(k)

    def value(self, s, c, y, zoff=0.0, rng=None, pop=None):
        d = self.geo.dev(c)
        v = self.base(s, d, self.effect(s["id"], c), y, zoff + self.region_offset(s, c))
        if s["kind"] == "co2":
            v *= self.geo.pop(c) if pop is None else pop
        if s["kind"] == "earn":
            v *= self.lcu(c)
        if rng is not None:
            if s["kind"] == "growth":
                v += rng.gauss(0, 1.8)
            else:
                v *= math.exp(rng.gauss(0, 0.02))
        return v


def clamp_value(s, v):
    if s["kind"] == "logit":
        v = min(max(v, s["lo"]), s["hi"])
        v = min(v, 100.0)
    if "cap" in s:
        v = min(v, s["cap"])
    if s["kind"] not in ("growth",):
        v = max(v, 0.0)
    return v


def coverage_years(s, rng):
    cov = s["cov"]
    if cov[0] == "annual":
        _, y0, y1, late, gap = cov
        start = y0 + rng.randint(0, late)
        end = y1 - (rng.randint(0, 2) if gap > 0 else 0)
        return [y for y in range(start, end + 1) if rng.random() >= gap]
    if cov[0] == "survey":
        _, y0, y1 = cov
        y = y0 + rng.randint(0, 5)
        out = []
        while y <= y1:
            out.append(y)
            y += rng.choice((2, 3, 3, 4, 5, 5, 6))
        return out
    if cov[0] == "years":
        _, ys, p = cov
        return [y for y in ys if rng.random() < p]
    raise ValueError(cov)


def sdg_breakdowns(s):
    """[(SEX, AGE, z offset, value multiplier)] for the series."""
    ages = s.get("ages", [("_T", 1)])
    out = []
    for age, mult in ages:
        if s.get("sexonly"):
            out.append((s["sexonly"], age, 0.0, mult))
        elif s.get("sex"):
            out.append(("_T", age, None, mult))       # total computed from F and M
            out.append(("F", age, s["sex"][0], mult))
            out.append(("M", age, s["sex"][1], mult))
        else:
            out.append(("_T", age, 0.0, mult))
    return out


SDG_DIMS = ["FREQ", "REPORTING_TYPE", "SERIES", "REF_AREA", "SEX", "AGE", "URBANISATION",
            "INCOME_WEALTH_QUANTILE", "EDUCATION_LEV", "OCCUPATION", "CUST_BREAKDOWN",
            "COMPOSITE_BREAKDOWN", "DISABILITY_STATUS", "ACTIVITY", "PRODUCT"]


def sdg_key(rt, sid, area, sex="_T", age="_T", urb="_T"):
    vals = {"FREQ": "A", "REPORTING_TYPE": rt, "SERIES": sid, "REF_AREA": area, "SEX": sex,
            "AGE": age, "URBANISATION": urb, "COMPOSITE_BREAKDOWN": "_Z"}
    return [(d, vals.get(d, "_T")) for d in SDG_DIMS]


def obs_status(rng, y, last):
    r = rng.random()
    if y == last and y >= 2022 and r < 0.35:
        return "P"
    if r < 0.06:
        return "E"
    return "A"


def gen_sdg(st, geo):
    model = SdgModel(geo)
    out = Output(st, "DF_SDG", "SDMXD_DF_SDG_DEMO", [("DATA_LAST_UPDATE", "2024-06-01")])
    allowed = set(geo.codes)
    series_codes = st.codes("CL_SERIES")

    def emit(rt, s, area, sex, age, urb, pts, nature, status_rng):
        """pts: [(year, value, bound)]"""
        unit = st.annotation("CL_SERIES", s["id"], "DEFAULT_UNIT_MEASURE")
        obs = []
        last = pts[-1][0] if pts else None
        for y, v, bnd in pts:
            o = [("TIME_PERIOD", str(y)), ("OBS_VALUE", fmt(v, s["dec"])),
                 ("OBS_STATUS", obs_status(status_rng, y, last)), ("NATURE", nature)]
            if bnd:
                o.append(("LOWER_BOUND", fmt(v * (1 - bnd), s["dec"])))
                o.append(("UPPER_BOUND", fmt(v * (1 + bnd), s["dec"])))
            obs.append(o)
        out.series(sdg_key(rt, s["id"], area, sex, age, urb),
                   [("UNIT_MEASURE", unit), ("UNIT_MULT", s.get("mult", "0"))], obs)

    def country_points(s, c, years, zoff, mult, rng, sexed):
        pts = []
        for y in years:
            if zoff is None:      # total as the mean of female and male values
                f = clamp_value(s, model.value(s, c, y, s["sex"][0]))
                m = clamp_value(s, model.value(s, c, y, s["sex"][1]))
                v = 0.5 * (f + m) * mult
            else:
                v = model.value(s, c, y, zoff) * mult
            if s["kind"] == "growth":
                v += rng.gauss(0, 0.8 + 1.5 * (1 - model.geo.dev(c)))
            elif s["kind"] == "logit":      # noise in logit space: none at the bounds
                lo, hi = s["lo"], s["hi"]
                p = min(max((v - lo) / (hi - lo), 1e-9), 1 - 1e-9)
                v = lo + (hi - lo) * sigmoid(math.log(p / (1 - p)) + rng.gauss(0, 0.06))
            else:
                v *= math.exp(rng.gauss(0, s.get("noise", 0.015)))
            v = clamp_value(s, v)
            pts.append((y, v, s.get("bounds") if sexed is None else None))
        return pts

    for s in SDG_SERIES:
        if s["id"] not in series_codes:
            raise SystemExit("series %s not in CL_SERIES" % s["id"])
        rng = sub_rng(SDG_SEED, "pick", s["id"])
        n = rng.randint(*s["n"])
        if s["cov"][0] == "annual":
            # annual series: fewer countries, and gaps (not every country every year)
            n = min(n, 40 + n % 16)
            s = dict(s, cov=s["cov"][:4] + (max(s["cov"][4], 0.2),))
        pool = sorted(allowed)
        rng.shuffle(pool)
        chosen = sorted(pool[:n])
        for c in chosen:
            crng = sub_rng(SDG_SEED, "cov", s["id"], c)
            years = coverage_years(s, crng)
            if not years:
                continue
            nature = s["nature"]
            if nature == "C" and crng.random() < 0.15:
                nature = "CA"
            for sex, age, zoff, mult in sdg_breakdowns(s):
                vrng = sub_rng(SDG_SEED, "val", s["id"], c, sex, age)
                pts = country_points(s, c, years, zoff, mult, vrng, None if sex == "_T" else sex)
                emit("G", s, c, sex, age, "_T", pts, nature, vrng)
        # regional aggregates: population-weighted (or summed) noise-free model values
        if s.get("agg", "mean") is None:
            continue
        y0, y1 = s["cov"][1], s["cov"][2]
        if s["cov"][0] == "years":
            agg_years = s["cov"][1]
        else:
            agg_years = list(range(y0, y1 + 1))
        arng = sub_rng(SDG_SEED, "aggregates", s["id"])
        regions = ["001"] + sorted(arng.sample(SDG_AGGREGATES[1:], 2 if s.get("sex") else 4))
        for reg in regions:
            mem = geo.members(reg)
            if not mem:
                continue
            for sex, age, zoff, mult in sdg_breakdowns(s):
                pts = []
                for y in agg_years:
                    tot, wsum = 0.0, 0.0
                    for c in mem:
                        if zoff is None:
                            v = 0.5 * (clamp_value(s, model.value(s, c, y, s["sex"][0])) +
                                       clamp_value(s, model.value(s, c, y, s["sex"][1])))
                        else:
                            v = clamp_value(s, model.value(s, c, y, zoff))
                        w = geo.pop(c)
                        tot += v if s.get("agg") == "sum" else v * w
                        wsum += w
                    v = tot if s.get("agg") == "sum" else tot / wsum
                    pts.append((y, clamp_value(s, v * mult), None))
                srng = sub_rng(SDG_SEED, "agg", s["id"], reg, sex, age)
                emit("G", s, reg, sex, age, "_T", pts, "G", srng)

    # National (REPORTING_TYPE N) figures of two national statistical offices:
    # Ghana (the keys of the GSS provision agreement) and Kenya.
    byid = {s["id"]: s for s in SDG_SERIES}
    national = [
        ("288", "SH_DYN_MORT", [("_T", "Y0T4", "_T", None), ("F", "Y0T4", "_T", -0.12),
                                ("M", "Y0T4", "_T", 0.10)], [2003, 2008, 2014, 2017, 2022]),
        ("288", "EG_ELC_ACCS", [("_T", "_T", "_T", 0.0), ("_T", "_T", "U", 1.6),
                                ("_T", "_T", "R", -1.3)], [2000, 2005, 2010, 2015, 2017, 2019, 2021]),
        ("288", "SL_TLF_UEM", [("_T", "Y_GE15", "_T", 0.0), ("_T", "Y15T24", "_T", 0.0)],
         [2006, 2013, 2015, 2017, 2021, 2022]),
        ("404", "SI_POV_NAHC", [("_T", "_T", "_T", 0.0)], [2006, 2016, 2019, 2021, 2022]),
        ("404", "SH_DYN_MORT", [("_T", "Y0T4", "_T", 0.0)], [2003, 2008, 2014, 2022]),
        ("404", "SE_TOT_CPLR", [("_T", "_T", "_T", 0.0)], [2009, 2014, 2019, 2022]),
        ("404", "EG_ELC_ACCS", [("_T", "_T", "_T", 0.0)], list(range(2009, 2023))),
        ("404", "IT_MOB_OWN", [("_T", "_T", "_T", 0.0)], [2015, 2017, 2019, 2020, 2021, 2022]),
        ("404", "SL_TLF_UEM", [("_T", "Y_GE15", "_T", 0.0)], list(range(2015, 2023))),
    ]
    for area, sid, bds, years in national:
        s = byid[sid]
        for sex, age, urb, zoff in bds:
            rng = sub_rng(SDG_SEED, "nat", area, sid, sex, age, urb)
            mult = 2.3 if (sid == "SL_TLF_UEM" and age == "Y15T24") else 1.0
            pts = []
            for y in years:
                if zoff is None:
                    v = 0.5 * (clamp_value(s, model.value(s, area, y, s["sex"][0])) +
                               clamp_value(s, model.value(s, area, y, s["sex"][1])))
                else:
                    v = model.value(s, area, y, zoff)
                v = clamp_value(s, v * mult * math.exp(rng.gauss(0.03, 0.04)))
                pts.append((y, v, None))
            emit("N", s, area, sex, age, urb, pts, "C", rng)
    return out


# ==========================================================================
# International migrant stock
# ==========================================================================
MIG_SEED = 19902024
MIG_YEARS = [1990, 1995, 2000, 2005, 2010, 2015, 2020, 2024]

MIG_DEST = ("840 276 682 826 250 643 124 036 724 380 784 792 356 586 764 398 710 400 414 458 "
            "756 528 752 040 056 392 410 702 554 634 512 384 032 152 484 170 604 800 231 364").split()
MIG_ORIG = ("484 356 156 643 586 050 608 760 804 616 792 862 004 704 170 360 818 504 012 566 "
            "144 524 320 222 192 214 332 604 068 076 410 642 380 620 826 276 250 300 398 860 "
            "417 762 368 364 887 706 728 729 231 180 716 508 404 288 686 466 854 112 688 008").split()

# Well-known corridors get a larger synthetic weight: (origin, destination, weight, onset year)
MIG_CORRIDORS = [
    ("484", "840", 60, 0), ("356", "784", 40, 0), ("643", "804", 0, 0), ("804", "643", 25, 0),
    ("760", "792", 45, 2012), ("586", "682", 25, 0), ("356", "682", 25, 0), ("050", "356", 30, 0),
    ("004", "364", 25, 0), ("004", "586", 30, 0), ("862", "170", 35, 2016), ("862", "604", 15, 2017),
    ("398", "643", 25, 0), ("860", "643", 12, 0), ("762", "643", 10, 0), ("417", "643", 8, 0),
    ("156", "840", 20, 0), ("356", "840", 20, 0), ("608", "840", 18, 0), ("704", "840", 12, 0),
    ("192", "840", 12, 0), ("222", "840", 12, 0), ("214", "840", 10, 0), ("320", "840", 8, 0),
    ("792", "276", 25, 0), ("616", "276", 18, 0), ("760", "276", 12, 2013), ("642", "276", 10, 0),
    ("356", "826", 12, 0), ("616", "826", 12, 2004), ("586", "826", 10, 0), ("012", "250", 25, 0),
    ("504", "250", 20, 0), ("620", "250", 10, 0), ("504", "724", 15, 0), ("642", "724", 10, 2002),
    ("642", "380", 12, 2002), ("008", "380", 8, 0), ("804", "616", 25, 2014), ("728", "800", 15, 2013),
    ("180", "800", 8, 0), ("706", "231", 8, 0), ("728", "231", 10, 2013), ("854", "384", 20, 0),
    ("466", "384", 12, 0), ("068", "032", 10, 0), ("600", "032", 0, 0), ("604", "152", 10, 0),
    ("862", "152", 8, 2016), ("068", "152", 5, 0), ("716", "710", 15, 0), ("508", "710", 10, 0),
    ("156", "410", 12, 0), ("704", "410", 6, 0), ("156", "392", 10, 0), ("410", "392", 8, 0),
    ("608", "392", 5, 0), ("360", "458", 15, 0), ("050", "458", 8, 0), ("156", "702", 6, 0),
    ("458", "702", 12, 0), ("356", "634", 10, 0), ("050", "634", 6, 0), ("356", "414", 10, 0),
    ("818", "414", 8, 0), ("818", "682", 12, 0), ("887", "682", 10, 0), ("050", "784", 12, 0),
    ("586", "784", 12, 0), ("368", "400", 6, 0), ("760", "400", 15, 2012), ("818", "400", 8, 0),
    ("826", "036", 15, 0), ("156", "036", 10, 0), ("356", "036", 10, 0), ("826", "554", 8, 0),
    ("156", "124", 10, 0), ("356", "124", 10, 0), ("608", "124", 8, 0), ("826", "124", 6, 0),
    ("368", "364", 4, 0), ("276", "756", 10, 0), ("380", "756", 8, 0), ("620", "756", 6, 0),
    ("792", "528", 6, 0), ("504", "528", 6, 0), ("760", "752", 6, 2013), ("368", "752", 5, 0),
    ("792", "040", 5, 0), ("276", "040", 6, 0), ("688", "040", 5, 0), ("504", "056", 6, 0),
    ("250", "056", 6, 0), ("524", "356", 8, 0), ("144", "784", 4, 0), ("524", "784", 4, 0),
    ("566", "826", 4, 0), ("288", "826", 3, 0), ("686", "250", 4, 0), ("484", "124", 2, 0),
    ("170", "724", 5, 0), ("862", "724", 3, 2016), ("076", "840", 4, 0), ("076", "392", 3, 0),
    ("112", "643", 4, 0), ("764", "410", 0, 0), ("729", "682", 5, 0), ("404", "826", 2, 0),
    ("332", "840", 6, 0), ("332", "214", 0, 0), ("706", "826", 2, 0), ("300", "276", 5, 0),
    ("380", "032", 3, 0), ("724", "032", 0, 0), ("004", "276", 3, 2015), ("716", "826", 2, 0),
]


def gen_migration(st, geo):
    out = Output(st, "DF_MIGRANT_STOCK", "SDMXD_DF_MIGRANT_STOCK_DEMO")
    corr = {(o, d): (w, on) for o, d, w, on in MIG_CORRIDORS if w > 0}
    dims = ["REF_AREA", "COUNTERPART_AREA", "SEX", "AGE"]

    for d in MIG_DEST:
        dtotals = {y: [0.0, 0.0] for y in MIG_YEARS}   # F, M of the listed origins
        drng = sub_rng(MIG_SEED, "dest", d)
        attract = (0.3 + 1.5 * geo.dev(d) ** 2) * geo.pop(d) ** 0.5 * math.exp(drng.gauss(0, 0.3))
        dfem = drng.uniform(0.40, 0.53) if d not in ("682", "784", "634", "414", "512") else 0.28
        for o in MIG_ORIG:
            if o == d:
                continue
            rng = sub_rng(MIG_SEED, "pair", d, o)
            same_sub = geo.subregion(o) == geo.subregion(d)
            same_reg = geo.ancestors(o)[-2:-1] == geo.ancestors(d)[-2:-1]
            w, onset = corr.get((o, d), (0, 0))
            prox = 6.0 if same_sub else 2.5 if same_reg else 1.0
            if w == 0:
                p = 0.15 * prox * (0.6 + attract / 20.0)
                if rng.random() >= min(p, 0.8):
                    continue
                size = 600.0 * prox * attract * geo.pop(o) ** 0.3 * math.exp(rng.gauss(0, 0.7))
            else:
                size = 80000.0 * w * math.exp(rng.gauss(0, 0.25))
            growth = rng.gauss(0.25, 0.35)       # log change per decade
            fem = min(0.7, max(0.2, dfem + rng.gauss(0, 0.05)))
            first = onset or (MIG_YEARS[0] if rng.random() < 0.85 else rng.choice(MIG_YEARS[1:5]))
            obs_t, obs_f, obs_m = [], [], []
            for y in MIG_YEARS:
                if y < first:
                    continue
                if onset:
                    # displacement: rapid build-up after the onset year
                    v = size * min(1.0, (y - onset + 2) / 10.0)
                else:
                    v = size * math.exp(growth * (y - 2020) / 10.0)
                v *= math.exp(rng.gauss(0, 0.05))
                t = int(round(v))
                if t < 5:
                    continue
                f = int(round(t * min(0.8, max(0.15, fem + rng.gauss(0, 0.01)))))
                m = t - f
                st_ = "E" if (y == 2024 or rng.random() < 0.08) else "A"
                obs_t.append([("TIME_PERIOD", str(y)), ("OBS_VALUE", str(t)), ("OBS_STATUS", st_)])
                obs_f.append([("TIME_PERIOD", str(y)), ("OBS_VALUE", str(f)), ("OBS_STATUS", st_)])
                obs_m.append([("TIME_PERIOD", str(y)), ("OBS_VALUE", str(m)), ("OBS_STATUS", st_)])
                dtotals[y][0] += f
                dtotals[y][1] += m
            for sex, obs in (("_T", obs_t), ("F", obs_f), ("M", obs_m)):
                key = list(zip(dims, (d, o, sex, "_T")))
                out.series(key, [("UNIT_MEASURE", "NUMBER"), ("UNIT_MULT", "0")], obs)
        # all countries of origin (World): listed origins plus the others
        other = 1.0 + drng.uniform(0.25, 0.9)
        obs = {"_T": [], "F": [], "M": []}
        for y in MIG_YEARS:
            f = int(round(dtotals[y][0] * other + 500))
            m = int(round(dtotals[y][1] * other + 500))
            s_ = "E" if y == 2024 else "A"
            for sex, v in (("_T", f + m), ("F", f), ("M", m)):
                obs[sex].append([("TIME_PERIOD", str(y)), ("OBS_VALUE", str(v)), ("OBS_STATUS", s_)])
        for sex in ("_T", "F", "M"):
            key = list(zip(dims, (d, "001", sex, "_T")))
            out.series(key, [("UNIT_MEASURE", "NUMBER"), ("UNIT_MULT", "0")], obs[sex])
    return out


# ==========================================================================
# Digital economy
# ==========================================================================
DE_SEED = 20102023
DE_YEARS = list(range(2010, 2024))

DE_ECONOMIES = ("840 124 484 076 032 152 170 604 188 214 276 250 826 380 724 528 056 040 756 752 "
                "578 208 246 372 616 203 348 642 643 804 792 376 682 784 634 156 392 410 356 360 "
                "458 608 764 704 702 586 050 144 036 554 710 566 404 288 818 504 231 800 686 398").split()

# id: (unit, unit multiplier, kind, params, coverage)
#   kind share: logit percent with b (dev effect), m, trend, lo, hi
#   kind size:  value = scale * pop^0.6 * dev^p * exp(g * (year - 2016.5)), in the unit
# coverage: (share of economies reporting, min year, gap probability)
DE_INDICATORS = [
    ("ICT_SECTOR_VA_SH", "PERCENT", "0", "share", dict(lo=1, hi=12, b=3, m=0.7, trend=0.03), (0.55, 2010, 0.2), 2),
    ("ICT_SECTOR_EMP_SH", "PERCENT", "0", "share", dict(lo=0.5, hi=6, b=3, m=0.7, trend=0.02), (0.55, 2010, 0.2), 2),
    ("ICT_GOODS_EXP", "USD_MN", "0", "size", dict(scale=6000, p=3.0, g=0.05, sd=0.9), (0.95, 2010, 0.02), 1),
    ("ICT_GOODS_IMP", "USD_MN", "0", "size", dict(scale=13000, p=2.5, g=0.05, sd=0.5), (0.95, 2010, 0.02), 1),
    ("ICT_GOODS_EXP_SH", "PERCENT", "0", "share", dict(lo=0.05, hi=40, b=2, m=1.2, trend=0.01, sd=1.0), (0.95, 2010, 0.02), 2),
    ("ICT_GOODS_IMP_SH", "PERCENT", "0", "share", dict(lo=2, hi=35, b=1, m=0.6, trend=0.01, sd=0.6), (0.95, 2010, 0.02), 2),
    ("ICT_SERV_EXP", "USD_MN", "0", "size", dict(scale=3300, p=3.5, g=0.09, sd=0.8), (0.85, 2010, 0.05), 1),
    ("ICT_SERV_IMP", "USD_MN", "0", "size", dict(scale=2400, p=3.0, g=0.07, sd=0.5), (0.85, 2010, 0.05), 1),
    ("ICT_SERV_EXP_SH", "PERCENT", "0", "share", dict(lo=0.5, hi=60, b=2, m=1.2, trend=0.04, sd=0.8), (0.85, 2010, 0.05), 2),
    ("DDS_EXP", "USD_MN", "0", "size", dict(scale=24500, p=3.5, g=0.07, sd=0.6), (0.85, 2010, 0.05), 1),
    ("DDS_IMP", "USD_MN", "0", "size", dict(scale=15700, p=3.0, g=0.06, sd=0.5), (0.85, 2010, 0.05), 1),
    ("DDS_EXP_SH", "PERCENT", "0", "share", dict(lo=5, hi=85, b=4, m=0.7, trend=0.03, sd=0.7), (0.85, 2010, 0.05), 2),
    ("DDS_IMP_SH", "PERCENT", "0", "share", dict(lo=10, hi=75, b=3, m=0.6, trend=0.03, sd=0.5), (0.85, 2010, 0.05), 2),
    ("BUS_COMPUTER", "PERCENT", "0", "share", dict(lo=20, hi=100, b=9, m=0.45, trend=0.06), (0.55, 2010, 0.4), 1),
    ("BUS_INTERNET", "PERCENT", "0", "share", dict(lo=10, hi=100, b=9, m=0.5, trend=0.08), (0.55, 2010, 0.4), 1),
    ("BUS_WEB", "PERCENT", "0", "share", dict(lo=5, hi=95, b=7, m=0.65, trend=0.06), (0.5, 2010, 0.45), 1),
    ("BUS_BROADBAND", "PERCENT", "0", "share", dict(lo=5, hi=100, b=8, m=0.55, trend=0.09), (0.5, 2010, 0.45), 1),
    ("BUS_ORDERS_RECV", "PERCENT", "0", "share", dict(lo=2, hi=45, b=5, m=0.8, trend=0.06), (0.45, 2010, 0.5), 1),
    ("BUS_ORDERS_PLACED", "PERCENT", "0", "share", dict(lo=3, hi=75, b=5, m=0.75, trend=0.07), (0.45, 2010, 0.5), 1),
    ("ECOM_B2C_INDEX", "INDEX", "0", "share", dict(lo=5, hi=97, b=8, m=0.6, trend=0.06, sd=0.4), (1.0, 2014, 0.03), 1),
    ("ECOM_B2B_SALES", "USD", "9", "size", dict(scale=330, p=3.5, g=0.06, sd=0.5), (0.25, 2012, 0.5), 1),
    ("ECOM_B2C_SALES", "USD", "9", "size", dict(scale=40, p=3.5, g=0.12, sd=0.5), (0.25, 2012, 0.5), 1),
    ("IND_ONLINE_PURCH", "PERCENT", "0", "share", dict(lo=0.5, hi=90, b=9, m=0.75, trend=0.15), (0.65, 2010, 0.3), 1),
    ("HH_COMPUTER", "PERCENT", "0", "share", dict(lo=1, hi=95, b=9, m=0.6, trend=0.04), (0.8, 2010, 0.2), 1),
    ("HH_INTERNET", "PERCENT", "0", "share", dict(lo=1, hi=99, b=9, m=0.6, trend=0.16), (0.8, 2010, 0.2), 1),
    ("IND_INTERNET", "PERCENT", "0", "share", dict(lo=1, hi=99, b=8, m=0.6, trend=0.18), (1.0, 2010, 0.03), 1),
    ("MOB_BB_SUBS", "PER_100_POP", "0", "share", dict(lo=0.5, hi=160, b=6, m=0.6, trend=0.3, sd=0.5), (1.0, 2010, 0.04), 1),
    ("FIX_BB_SUBS", "PER_100_POP", "0", "share", dict(lo=0.01, hi=48, b=10, m=0.75, trend=0.08), (1.0, 2010, 0.04), 2),
    ("INT_BANDWIDTH", "BIT_S_PER_USER", "0", "size1", dict(scale=60000, p=2.0, g=0.25, sd=0.7), (0.9, 2010, 0.08), 0),
    ("SECURE_SERVERS", "PER_1M_POP", "0", "size1", dict(scale=12000, p=4.0, g=0.25, sd=0.6), (0.95, 2010, 0.03), 1),
    ("SECURE_SERVERS", "NUMBER", "0", "servers", dict(), (0.95, 2010, 0.03), 0),
]


def gen_digital(st, geo):
    out = Output(st, "DF_DIGITAL_ECONOMY", "SDMXD_DF_DIGITAL_ECONOMY_DEMO")
    ind_codes = st.codes("CL_DE_INDICATOR")

    def eff(ind, c):
        return sub_rng(DE_SEED, "eff", ind, c).gauss(0, 1)

    def model(ind, kind, p, c, y):
        d = max(geo.dev(c), 0.05)
        t = y - 2016.5
        e = eff(ind, c)
        if kind == "share":
            z = p["b"] * (d - p["m"]) + p["trend"] * t + p.get("sd", 0.6) * e
            return p["lo"] + (p["hi"] - p["lo"]) * sigmoid(z)
        if kind == "size":
            return p["scale"] * geo.pop(c) ** 0.6 * d ** p["p"] * math.exp(p["g"] * t + p["sd"] * e)
        if kind == "size1":   # per user / per capita quantities
            return p["scale"] * d ** p["p"] * math.exp(p["g"] * t + p["sd"] * e)
        if kind == "servers":
            per_m = model("SECURE_SERVERS", "size1", DE_INDICATORS[-2][4], c, y)
            return per_m * geo.pop(c)
        raise ValueError(kind)

    for ind, unit, mult, kind, p, cov, dec in DE_INDICATORS:
        if ind not in ind_codes:
            raise SystemExit("indicator %s not in CL_DE_INDICATOR" % ind)
        share, ymin, gap = cov
        for c in DE_ECONOMIES:
            rng = sub_rng(DE_SEED, "cov", ind, c)
            # business surveys and detailed statistics: more often from richer economies
            prob = share if share >= 0.9 else min(1.0, share * (0.5 + geo.dev(c)))
            if rng.random() >= prob:
                continue
            start = ymin + (rng.randint(0, 4) if gap >= 0.2 else 0)
            end = 2023 - (1 if ind.startswith(("BUS_", "ICT_SECTOR", "ECOM_B2")) else 0) \
                - rng.randint(0, 1)
            obs = []
            vrng = sub_rng(DE_SEED, "val", ind, unit, c)
            for y in range(start, end + 1):
                if rng.random() < gap:
                    continue
                v = model(ind, kind, p, c, y)
                if kind == "share":     # noise in logit space between the bounds
                    lo, hi = p["lo"], p["hi"]
                    q_ = min(max((v - lo) / (hi - lo), 1e-9), 1 - 1e-9)
                    v = lo + (hi - lo) * sigmoid(math.log(q_ / (1 - q_)) + vrng.gauss(0, 0.07))
                    if unit == "PERCENT":
                        v = min(v, 100.0)
                else:
                    v *= math.exp(vrng.gauss(0, 0.03))
                o = [("TIME_PERIOD", str(y)), ("OBS_VALUE", fmt(v, dec))]
                r = vrng.random()
                if y == end and y >= 2022 and r < 0.3:
                    o.append(("OBS_STATUS", "P"))
                elif r < 0.05:
                    o.append(("OBS_STATUS", "E"))
                elif r < 0.06 and y > start:
                    o.append(("OBS_STATUS", "B"))
                    o.append(("COMMENT_OBS", "Break in series: change of survey methodology."))
                else:
                    o.append(("OBS_STATUS", "A"))
                obs.append(o)
            key = [("INDICATOR", ind), ("REF_AREA", c), ("UNIT_MEASURE", unit)]
            out.series(key, [("UNIT_MULT", mult)], obs)
    return out


# ==========================================================================
def main(argv):
    check_only = "--check-only" in argv
    st = Structures(STRUCT_DIR)
    geo = Geo(st)
    jobs = [("sdg.xml", gen_sdg), ("migrant_stock.xml", gen_migration),
            ("digital_economy.xml", gen_digital)]
    failed = False
    for fn, gen in jobs:
        out = gen(st, geo)
        if out.chk.errors:
            failed = True
            sys.stderr.write("%s: %d problem(s)\n" % (fn, len(out.chk.errors)))
            for e in out.chk.errors:
                sys.stderr.write("  %s\n" % e)
            continue
        text = out.w.getvalue()
        if not check_only:
            with open(os.path.join(HERE, fn), "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
        print("%-20s %6d series %7d observations %9d bytes%s"
              % (fn, out.nseries, out.chk.nobs, len(text.encode("utf-8")),
                 " (checked only)" if check_only else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
