#!/usr/bin/env python3
"""Deterministic benchmark data for sdmxd (issue 5: benchmarks at real scale).

Writes, for the demo structures of demo/structures/ (codes read from there, through
demo/data/gen_data.py), three data sets, each as SDMX-ML 2.1 StructureSpecificData,
SDMX-ML 2.1 GenericData and SDMX-CSV 1.0:

  sdg.{ss.xml,generic.xml,csv}       SDMXD:DF_SDG(1.0): 50 series x 254 areas x 2000-2023,
                                     breakdowns (SEX, AGE, URBANISATION, quantiles, education,
                                     occupation, activity, disability, product...) on part of
                                     the series; about 2.5 million observations
  sdg_update.ss.xml                  the same keys for 1% of the SDG series, every value changed
                                     (and one observation for 2024 added): the updatedAfter step
  migrant.{ss.xml,generic.xml,csv}   SDMXD:DF_MIGRANT_STOCK(1.0): 232 destinations x 232 origins
                                     x 3 sexes x 7 years, sparse
  digital.{ss.xml,generic.xml,csv}   SDMXD:DF_DIGITAL_ECONOMY(1.0): 31 indicators x 200
                                     economies x 15 years, with gaps
  manifest.json                      observation and series counts, sizes, and keys that exist
                                     (for the point queries)

THE VALUES ARE SYNTHETIC (simple random walks around plausible levels), fixed seed: two runs
write identical bytes. Every code is checked against its codelist and against the allowed
content constraints of demo/structures/05_registry.xml before anything is written.

Usage: gen_bench.py [--out DIR] [--small] [--update-share 0.01]
Standard library only.
"""

import argparse
import json
import math
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, os.pardir, os.pardir))
sys.dont_write_bytecode = True     # nothing written into the repository (no __pycache__)
sys.path.insert(0, os.path.join(REPO, "demo", "data"))
import gen_data as gd  # noqa: E402  (the demo generator: structures, codelists, constraints)

SEED = 5_2026_11_22
AG, V = "SDMXD", "1.0"
PREPARED = "2026-11-22T00:00:00Z"

NS_MES = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
NS_COM = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"
NS_SS = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific"
NS_GEN = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"


def xq(v):
    """Attribute-value escaping (the values we write are plain, but comments are not)."""
    if any(c in v for c in '&<>"'):
        v = v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return v


def cq(v):
    """SDMX-CSV cell quoting (RFC 4180)."""
    if any(c in v for c in ',"\r\n'):
        return '"' + v.replace('"', '""') + '"'
    return v


# ==========================================================================
# One data set written as three files at once
# ==========================================================================
class Cube:
    def __init__(self, st, outdir, name, flow, dsattrs=(), formats=("ss", "generic", "csv"),
                 action="Information"):
        self.st = st
        self.flow = flow
        self.dsd = st.dsds[st.flows[flow]]
        self.dims = [d for d, _ in self.dsd["dims"]]
        self.attrs = [a["id"] for a in self.dsd["attrs"]]      # DSD order, as the server writes CSV
        self.level = {a["id"]: a["level"] for a in self.dsd["attrs"]}
        self.dsattrs = list(dsattrs)
        self.nseries = 0
        self.nobs = 0
        self.used = {d: set() for d in self.dims}                # codes used, checked at the end
        self.used_attr = {a: set() for a in self.attrs}
        self.files = {}
        self.paths = {}
        self.dfname = "%s:%s(%s)" % (AG, flow, V)
        for f in formats:
            ext = {"ss": "ss.xml", "generic": "generic.xml", "csv": "csv"}[f]
            p = os.path.join(outdir, "%s.%s" % (name, ext))
            self.paths[f] = p
            # SDMX-CSV 1.0 follows RFC 4180: CRLF line ends (as sdmxd writes it)
            self.files[f] = open(p, "w", encoding="utf-8", newline="\r\n" if f == "csv" else "\n",
                                 buffering=1 << 20)
        sid = "%s_%s_%s" % (AG, flow, V.replace(".", "_"))
        msgid = "BENCH_%s_%s" % (name.upper(), flow)
        head = ('<message:Header><message:ID>%s</message:ID><message:Test>false</message:Test>'
                '<message:Prepared>%s</message:Prepared><message:Sender id="%s"/>'
                '<message:Structure structureID="%s" dimensionAtObservation="TIME_PERIOD">'
                '<common:StructureUsage><Ref agencyID="%s" id="%s" version="%s"/></common:StructureUsage>'
                '</message:Structure></message:Header>\n' % (msgid, PREPARED, AG, sid, AG, flow, V))
        if "ss" in self.files:
            a = "".join(' %s="%s"' % (k, xq(v)) for k, v in self.dsattrs)
            self.files["ss"].write(
                '<?xml version="1.0" encoding="UTF-8"?>\n<message:StructureSpecificData '
                'xmlns:message="%s" xmlns:common="%s" xmlns:ss="%s" xmlns:xsi="%s" '
                'xmlns:ns1="urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=%s:%s(%s):ObsLevelDim:TIME_PERIOD">\n'
                '%s<message:DataSet ss:dataScope="Dataflow" xsi:type="ns1:DataSetType" '
                'ss:structureRef="%s" ss:action="%s"%s>\n'
                % (NS_MES, NS_COM, NS_SS, NS_XSI, AG, flow, V, head, sid, action, a))
        if "generic" in self.files:
            a = ""
            if self.dsattrs:
                a = "<generic:Attributes>%s</generic:Attributes>\n" % "".join(
                    '<generic:Value id="%s" value="%s"/>' % (k, xq(v)) for k, v in self.dsattrs)
            self.files["generic"].write(
                '<?xml version="1.0" encoding="UTF-8"?>\n<message:GenericData '
                'xmlns:message="%s" xmlns:common="%s" xmlns:generic="%s">\n'
                '%s<message:DataSet structureRef="%s" action="%s">\n%s'
                % (NS_MES, NS_COM, NS_GEN, head, sid, action, a))
        if "csv" in self.files:
            self.files["csv"].write(",".join(["DATAFLOW"] + self.dims + ["TIME_PERIOD", "OBS_VALUE"] +
                                             self.attrs) + "\n")
            self.dscells = dict(self.dsattrs)

    def series(self, key, sattrs, obs):
        """key: codes in DSD order; sattrs: [(id, value)]; obs: [(period, value, [(id, value)])]"""
        if not obs:
            return
        self.nseries += 1
        self.nobs += len(obs)
        for d, c in zip(self.dims, key):
            self.used[d].add(c)
        for k, v in sattrs:
            self.used_attr[k].add(v)
        f = self.files
        if "ss" in f:
            parts = ['<Series %s%s>' % (" ".join('%s="%s"' % kv for kv in zip(self.dims, key)),
                                         "".join(' %s="%s"' % (k, xq(v)) for k, v in sattrs))]
            for t, v, oa in obs:
                parts.append('<Obs TIME_PERIOD="%s" OBS_VALUE="%s"%s/>'
                             % (t, v, "".join(' %s="%s"' % (k, xq(x)) for k, x in oa)))
            parts.append("</Series>\n")
            f["ss"].write("".join(parts))
        if "generic" in f:
            parts = ['<generic:Series><generic:SeriesKey>%s</generic:SeriesKey>'
                     % "".join('<generic:Value id="%s" value="%s"/>' % kv for kv in zip(self.dims, key))]
            if sattrs:
                parts.append('<generic:Attributes>%s</generic:Attributes>'
                             % "".join('<generic:Value id="%s" value="%s"/>' % (k, xq(v)) for k, v in sattrs))
            parts.append("\n")
            for t, v, oa in obs:
                a = ""
                if oa:
                    a = "<generic:Attributes>%s</generic:Attributes>" % "".join(
                        '<generic:Value id="%s" value="%s"/>' % (k, xq(x)) for k, x in oa)
                parts.append('<generic:Obs><generic:ObsDimension value="%s"/><generic:ObsValue value="%s"/>%s'
                             '</generic:Obs>\n' % (t, v, a))
            parts.append("</generic:Series>\n")
            f["generic"].write("".join(parts))
        if "csv" in f:
            base = self.dfname + "," + ",".join(key) + ","
            cells = dict(self.dscells)
            cells.update(sattrs)
            rows = []
            for t, v, oa in obs:
                c = dict(cells)
                c.update(oa)
                rows.append(base + t + "," + v + "," + ",".join(cq(c.get(a, "")) for a in self.attrs) + "\n")
            f["csv"].write("".join(rows))

    def obs_attrs_used(self, obs):
        for _, _, oa in obs:
            for k, v in oa:
                self.used_attr[k].add(v)

    def close(self):
        if "ss" in self.files:
            self.files["ss"].write("</message:DataSet></message:StructureSpecificData>\n")
        if "generic" in self.files:
            self.files["generic"].write("</message:DataSet></message:GenericData>\n")
        for f in self.files.values():
            f.close()

    def check(self):
        """Every code used is in its codelist and in the allowed content constraints."""
        errors = []
        regions = []
        for cls, aid, regs in self.st.constraints:
            if (cls == "Dataflow" and aid == self.flow) or \
               (cls == "DataStructure" and aid == self.st.flows[self.flow]):
                regions.extend(regs)
        for d, cl in self.dsd["dims"]:
            codes = self.st.codes(cl) if cl else None
            for c in self.used[d]:
                if codes is not None and c not in codes:
                    errors.append("%s: %s=%s not in %s" % (self.flow, d, c, cl))
                for inc, vals, _ in regions:
                    if d in vals and inc and c not in vals[d]:
                        errors.append("%s: %s=%s outside the allowed region" % (self.flow, d, c))
                    if d in vals and not inc and len(vals) == 1 and c in vals[d]:
                        errors.append("%s: %s=%s in an excluded region" % (self.flow, d, c))
        for a in self.dsd["attrs"]:
            if a["codelist"]:
                for v in self.used_attr[a["id"]]:
                    if v not in self.st.codes(a["codelist"]):
                        errors.append("%s: %s=%s not in %s" % (self.flow, a["id"], v, a["codelist"]))
        return errors


# ==========================================================================
# SDG
# ==========================================================================
SDG_YEARS = list(range(2000, 2024))

# Breakdown schemes: lists of {dimension: code} combinations (the first one is the total).
SEX3 = ["_T", "F", "M"]


def product(dim_a, codes_a, dim_b, codes_b):
    return [{dim_a: a, dim_b: b} for a in codes_a for b in codes_b]


ACTIVITIES = ["_T", "AGR", "IND", "SER", "ISIC4_A", "ISIC4_B", "ISIC4_C", "ISIC4_D", "ISIC4_E",
              "ISIC4_F", "ISIC4_G", "ISIC4_H", "ISIC4_I", "ISIC4_J", "ISIC4_K", "ISIC4_L",
              "ISIC4_M", "ISIC4_N", "ISIC4_O", "ISIC4_P", "ISIC4_Q", "ISIC4_R", "ISIC4_S"]

SCHEMES = {
    "total": [{}],
    "sex": [{"SEX": s} for s in SEX3],
    "sex_age": product("SEX", SEX3, "AGE", ["_T", "Y0T14", "Y15T24", "Y25T64", "Y_GE65", "Y15T64",
                                            "Y_GE15"]),
    "sex_age_urb": [dict(a, URBANISATION=u) for a in
                    product("SEX", SEX3, "AGE", ["_T", "Y0T14", "Y15T24", "Y25T64", "Y_GE65"])
                    for u in ("_T", "U", "R")],
    "sex_urb": product("SEX", SEX3, "URBANISATION", ["_T", "U", "R"]),
    "sex_quint": product("SEX", SEX3, "INCOME_WEALTH_QUANTILE",
                         ["_T", "Q1", "Q2", "Q3", "Q4", "Q5", "B40", "R60"]),
    "sex_edu": product("SEX", SEX3, "EDUCATION_LEV",
                       ["_T", "ISCED11_0", "ISCED11_1", "ISCED11_2", "ISCED11_3", "ISCED11_4", "ISCED11_5T8"]),
    "sex_occ": product("SEX", SEX3, "OCCUPATION",
                       ["_T", "ISCO08_1", "ISCO08_2", "ISCO08_3", "ISCO08_4", "ISCO08_5", "ISCO08_6",
                        "ISCO08_7", "ISCO08_8", "ISCO08_9", "ISCO08_0"]),
    "activity": [{"ACTIVITY": a} for a in ACTIVITIES],
    "sex_activity": product("SEX", SEX3, "ACTIVITY", ACTIVITIES),
    "sex_dis": product("SEX", SEX3, "DISABILITY_STATUS", ["_T", "PD", "PWD"]),
    "product": [{"PRODUCT": p} for p in
                ["_T", "MF1", "MF2", "MF3", "MF4", "CPC2_1_111", "CPC2_1_112", "CPC2_1_113",
                 "AGG_AGR", "AGG_IND", "AGG_TXT", "AGG_CLTH", "AGG_OIL", "AGG_ARMS"]],
    "cust": [{"CUST_BREAKDOWN": c} for c in ["_T", "SPD_256K_2M", "SPD_2M_10M", "SPD_GE10M"]],
    "sex_comp": product("SEX", SEX3, "COMPOSITE_BREAKDOWN", ["_Z", "DOMCARE", "DOM", "CARE"]),
}

# series -> (scheme, coverage: annual|survey, decimals, base level, nature)
SDG_PLAN = {
    "SI_POV_DAY1": ("sex_age_urb", "survey", 1), "SI_POV_EMP1": ("sex_age", "annual", 1),
    "SI_POV_NAHC": ("sex_urb", "survey", 1), "SI_COV_BENFTS": ("sex_dis", "annual", 1),
    "SP_ACS_BSRVH2O": ("sex_quint", "survey", 1), "SN_ITK_DEFC": ("total", "annual", 1),
    "SH_STA_STNT": ("sex_quint", "survey", 1), "SH_STA_MORT": ("total", "annual", 0),
    "SH_STA_BRTC": ("sex_quint", "survey", 1), "SH_DYN_MORT": ("sex", "annual", 1),
    "SH_DYN_IMRT": ("sex", "annual", 1), "SH_DYN_NMRT": ("total", "annual", 1),
    "SH_HIV_INCD": ("sex_age", "annual", 2), "SH_TBS_INCD": ("total", "annual", 0),
    "SH_STA_TRAF": ("sex", "annual", 1), "SP_DYN_ADKL": ("total", "annual", 1),
    "SH_ACS_UNHC": ("total", "survey", 0), "SE_TOT_PRFL": ("sex_quint", "survey", 1),
    "SE_TOT_CPLR": ("sex_quint", "survey", 1), "SE_PRE_PARTN": ("sex_age_urb", "annual", 1),
    "SP_DYN_MRBF18": ("sex_urb", "survey", 1), "SL_DOM_TSPD": ("sex_comp", "survey", 1),
    "SG_GEN_PARL": ("total", "annual", 1), "IC_GEN_MGTL": ("sex_activity", "annual", 1),
    "IT_MOB_OWN": ("sex_age", "annual", 1), "SH_H2O_SAFE": ("sex_age_urb", "annual", 1),
    "SH_SAN_SAFE": ("sex_age_urb", "annual", 1), "ER_H2O_WUEYST": ("activity", "annual", 2),
    "ER_H2O_STRESS": ("total", "annual", 1), "EG_ELC_ACCS": ("sex_age_urb", "annual", 1),
    "EG_EGY_CLEAN": ("sex_urb", "annual", 1), "EG_FEC_RNEW": ("total", "annual", 1),
    "NY_GDP_PCAP": ("total", "annual", 2), "SL_EMP_EARN": ("sex_activity", "annual", 2),
    "SL_TLF_UEM": ("sex_age_urb", "annual", 1), "SL_TLF_NEET": ("sex_age_urb", "annual", 1),
    "FB_ATM_TOTL": ("total", "annual", 2), "FB_BNK_ACCSS": ("sex_edu", "survey", 1),
    "EN_ATM_CO2": ("activity", "annual", 2), "IT_MOB_2GNTWK": ("total", "annual", 1),
    "IT_MOB_4GNTWK": ("total", "annual", 1), "SL_EMP_RCOST": ("sex_occ", "survey", 1),
    "SM_POP_REFG_OR": ("total", "annual", 1), "AG_LND_FRST": ("total", "annual", 2),
    "ER_PTD_TERR": ("total", "annual", 1), "VC_IHR_PSRC": ("sex_age", "annual", 2),
    "SG_REG_BRTH": ("sex_urb", "survey", 1), "GC_GOB_TAXD": ("product", "annual", 1),
    "IT_NET_BBP": ("cust", "annual", 2), "IT_USE_ii99": ("sex_age", "annual", 1),
}

SDG_AGGREGATES = ["001", "002", "009", "019", "142", "150", "202", "419", "021", "015"]
NATIONAL = ["288", "404", "566", "710", "356", "076", "484", "360", "608", "704",
            "050", "586", "231", "834", "800", "716", "894", "454", "024", "508"]
BOUNDED = {"SH_STA_MORT", "SH_HIV_INCD", "SH_TBS_INCD", "SH_DYN_MORT", "SH_DYN_NMRT", "VC_IHR_PSRC"}


def sdg_areas(st, geo):
    allowed = None
    excluded = set()
    for cls, aid, regs in st.constraints:
        for inc, vals, _ in regs:
            if cls == "Dataflow" and aid == "DF_SDG" and inc and "REF_AREA" in vals:
                allowed = vals["REF_AREA"]
            if cls == "DataStructure" and aid == "DSD_SDG" and not inc and "REF_AREA" in vals:
                excluded |= vals["REF_AREA"]
    leaves = sorted(c for c in geo.countries if c in allowed and c not in excluded)
    return leaves, [a for a in SDG_AGGREGATES if a in allowed]


def gen_sdg(st, geo, outdir, small, update_share):
    leaves, aggs = sdg_areas(st, geo)
    series_ids = list(st.codes("CL_SERIES"))
    if small:
        leaves, aggs = leaves[:5], aggs[:1]
        series_ids = series_ids[:6]
    areas = leaves + aggs
    units = {s: st.annotation("CL_SERIES", s, "DEFAULT_UNIT_MEASURE") for s in series_ids}
    cube = Cube(st, outdir, "sdg", "DF_SDG", [("DATA_LAST_UPDATE", "2026-11-22")])
    upd = Cube(st, outdir, "sdg_update", "DF_SDG", [("DATA_LAST_UPDATE", "2026-11-23")],
               formats=("ss",))
    dims = cube.dims
    total = {"FREQ": "A", "SEX": "_T", "AGE": "_T", "URBANISATION": "_T",
             "INCOME_WEALTH_QUANTILE": "_T", "EDUCATION_LEV": "_T", "OCCUPATION": "_T",
             "CUST_BREAKDOWN": "_T", "COMPOSITE_BREAKDOWN": "_Z", "DISABILITY_STATUS": "_T",
             "ACTIVITY": "_T", "PRODUCT": "_T"}
    upd_rng = random.Random(SEED + 99)
    sample = {}
    n_upd_obs = 0
    for si, sid in enumerate(series_ids):
        scheme, cov, dec = SDG_PLAN.get(sid, ("sex", "annual", 1))
        combos = SCHEMES[scheme]
        rng = random.Random(SEED * 1000 + si)
        level = math.exp(rng.uniform(0, 5))
        trend = rng.gauss(0, 0.03)
        p_area = rng.uniform(0.75, 0.97)
        mult = "6" if sid == "EN_ATM_CO2" else "0"
        sattrs = [("UNIT_MEASURE", units[sid]), ("UNIT_MULT", mult)]
        pct = units[sid] == "PERCENT"
        for area in areas:
            is_agg = area in aggs
            if not is_agg and rng.random() >= p_area:
                continue
            # years of this series in this area
            if cov == "annual":
                start = 2000 + (rng.randint(0, 8) if rng.random() < 0.4 else 0)
                end = 2023 - rng.randint(0, 2)
                gap = 0.0 if is_agg else rng.choice((0.0, 0.05, 0.1, 0.25))
                years = [y for y in range(start, end + 1) if rng.random() >= gap]
            else:
                y = 2000 + rng.randint(0, 4)
                years = []
                while y <= 2023:
                    years.append(y)
                    y += rng.choice((1, 2, 3, 3, 4, 5))
            if not years:
                continue
            alevel = level * math.exp(rng.gauss(0, 0.6))
            if pct:
                alevel = rng.uniform(2, 95)
            nature = "G" if is_agg else rng.choice(("C", "C", "C", "CA", "E", "M"))
            rtypes = ["G"]
            if area in NATIONAL and rng.random() < 0.5:
                rtypes.append("N")
            for rt in rtypes:
                for ci, combo in enumerate(combos):
                    if ci and not is_agg and rng.random() < 0.15:
                        continue                     # not every breakdown everywhere
                    if rt == "N" and ci:
                        continue                     # national figures: totals only
                    k = dict(total, **combo)
                    k["REPORTING_TYPE"] = rt
                    k["SERIES"] = sid
                    k["REF_AREA"] = area
                    key = [k[d] for d in dims]
                    v = alevel * (1.0 if ci == 0 else math.exp(rng.gauss(0, 0.3)))
                    obs = []
                    last = years[-1]
                    for y in years:
                        if ci and rng.random() < 0.08:
                            continue                 # breakdowns are less complete
                        v *= math.exp(trend + rng.gauss(0, 0.02))
                        if pct:
                            v = min(v, 100.0)
                        r = rng.random()
                        status = "P" if (y == last and y >= 2022 and r < 0.3) else \
                            "E" if r < 0.06 else "M" if r < 0.07 else "A"
                        oa = [("OBS_STATUS", status), ("NATURE", "N" if rt == "N" else nature)]
                        if sid in BOUNDED and ci == 0:
                            oa.append(("UPPER_BOUND", "%.*f" % (dec, v * 1.2)))
                            oa.append(("LOWER_BOUND", "%.*f" % (dec, v * 0.8)))
                        if r > 0.998:
                            oa.append(("COMMENT_OBS", 'Break in series, "new survey" methodology'))
                        obs.append(("%d" % y, "%.*f" % (dec, v), oa))
                    if not obs:
                        continue
                    cube.obs_attrs_used(obs)
                    cube.series(key, sattrs, obs)
                    if "series" not in sample and scheme == "sex_age_urb" and area == "288" and ci == 0:
                        sample.update(series=".".join(key), series_obs=len(obs))
                    if "first" not in sample and ci == 0 and rt == "G":
                        sample["first"] = (".".join(key), sid, area)
                    if upd_rng.random() < update_share:
                        # 1% of the series: every value revised by +1%, and a 2024 figure added
                        nobs = [(t, "%.*f" % (dec, float(x) * 1.01 + 10 ** -dec), oa) for t, x, oa in obs]
                        if obs[-1][0] == "2023":
                            nobs.append(("2024", nobs[-1][1], [("OBS_STATUS", "P"), ("NATURE", "M")]))
                        upd.series(key, sattrs, nobs)
                        n_upd_obs += len(nobs)
    cube.close()
    upd.close()
    errs = cube.check() + upd.check()
    first = sample.pop("first")
    if "series" not in sample:        # --small: the first total series written
        sample["series"] = first[0]
    sample["country"] = "288" if "288" in areas else first[2]
    sample["series_code"] = "SI_POV_DAY1" if "SI_POV_DAY1" in series_ids else first[1]
    return cube, upd, errs, sample


# ==========================================================================
# Migrant stock: ~232 destinations x 232 origins x 3 sexes x 7 years, sparse
# ==========================================================================
MIG_YEARS = [1990, 1995, 2000, 2005, 2010, 2015, 2020]


def gen_migrant(st, geo, outdir, small):
    countries = sorted(geo.countries)[:232]
    if small:
        countries = countries[:10]
    cube = Cube(st, outdir, "migrant", "DF_MIGRANT_STOCK")
    rng = random.Random(SEED + 2)
    for d in countries:
        attract = math.exp(rng.gauss(0, 1))
        p = min(0.9, 0.12 + 0.15 * attract) if not small else 0.6
        for o in countries:
            if o == d or rng.random() >= p:
                continue
            size = 2000 * attract * math.exp(rng.gauss(0, 1.5))
            growth = rng.gauss(0.02, 0.04)
            fem = min(0.75, max(0.25, rng.gauss(0.48, 0.06)))
            first = MIG_YEARS[0] if rng.random() < 0.8 else rng.choice(MIG_YEARS[1:5])
            rows = {"_T": [], "F": [], "M": []}
            for y in MIG_YEARS:
                if y < first:
                    continue
                t = int(size * math.exp(growth * (y - 1990) + rng.gauss(0, 0.05)))
                if t < 5:
                    continue
                f = int(t * fem)
                status = "E" if rng.random() < 0.1 else "A"
                for sex, val in (("_T", t), ("F", f), ("M", t - f)):
                    rows[sex].append(("%d" % y, "%d" % val, [("OBS_STATUS", status)]))
            for sex in ("_T", "F", "M"):
                cube.obs_attrs_used(rows[sex])
                cube.series([d, o, sex, "_T"], [("UNIT_MEASURE", "NUMBER"), ("UNIT_MULT", "0")], rows[sex])
    cube.close()
    return cube, cube.check()


# ==========================================================================
# Digital economy: 31 indicators x 200 economies x 15 years
# ==========================================================================
DE_YEARS = list(range(2009, 2024))


def gen_digital(st, geo, outdir, small):
    economies = sorted(geo.countries)[:200]
    indicators = [(i[0], i[1], i[2], i[6]) for i in gd.DE_INDICATORS]   # id, unit, mult, decimals
    if small:
        economies, indicators = economies[:8], indicators[:5]
    cube = Cube(st, outdir, "digital", "DF_DIGITAL_ECONOMY")
    rng = random.Random(SEED + 3)
    for ind, unit, mult, dec in indicators:
        share = rng.uniform(0.5, 1.0)
        for c in economies:
            if rng.random() >= share:
                continue
            v = math.exp(rng.uniform(0, 6)) if unit != "PERCENT" else rng.uniform(1, 90)
            g = rng.gauss(0.05, 0.05)
            start = DE_YEARS[0] + (rng.randint(0, 5) if rng.random() < 0.3 else 0)
            obs = []
            for y in DE_YEARS:
                if y < start or rng.random() < 0.1:
                    continue
                v *= math.exp(g + rng.gauss(0, 0.03))
                if unit == "PERCENT":
                    v = min(v, 100.0)
                r = rng.random()
                oa = [("OBS_STATUS", "E" if r < 0.05 else "P" if (y == 2023 and r < 0.3) else "A")]
                if r > 0.995:
                    oa.append(("COMMENT_OBS", "Break in series: change of survey methodology."))
                obs.append(("%d" % y, "%.*f" % (dec, v), oa))
            cube.obs_attrs_used(obs)
            cube.series([ind, c, unit], [("UNIT_MULT", mult)], obs)
    cube.close()
    return cube, cube.check()


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="/tmp/sdmxd-bench/data")
    ap.add_argument("--small", action="store_true", help="a few thousand observations")
    ap.add_argument("--update-share", type=float, default=0.01,
                    help="share of the SDG series changed in sdg_update.ss.xml (default 0.01)")
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    t0 = time.time()
    st = gd.Structures(gd.STRUCT_DIR)
    geo = gd.Geo(st)
    sdg, upd, errs, sample = gen_sdg(st, geo, a.out, a.small, a.update_share)
    mig, e2 = gen_migrant(st, geo, a.out, a.small)
    dig, e3 = gen_digital(st, geo, a.out, a.small)
    errs += e2 + e3
    if errs:
        for e in errs[:50]:
            sys.stderr.write("gen_bench: %s\n" % e)
        return 1
    man = {"seed": SEED, "small": a.small, "sample": sample, "sets": {}}
    for name, c in (("sdg", sdg), ("sdg_update", upd), ("migrant", mig), ("digital", dig)):
        man["sets"][name] = {"flow": c.dfname, "series": c.nseries, "obs": c.nobs,
                             "files": {f: {"path": p, "bytes": os.path.getsize(p)}
                                       for f, p in c.paths.items()}}
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(man, f, indent=1, sort_keys=True)
    for name, s in man["sets"].items():
        print("%-11s %8d series %9d observations  %s" % (
            name, s["series"], s["obs"],
            "  ".join("%s %.1f MB" % (k, v["bytes"] / 1e6) for k, v in sorted(s["files"].items()))))
    print("generated in %.1f s into %s" % (time.time() - t0, a.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
