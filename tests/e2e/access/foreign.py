"""What the access tests share: the demo SDG dataflow's providers (FAO has no agreement,
ILO a constrained one, UNSD an open one), structure messages with another agency's
agreements and constraints, and the checks that the providers' uploads answer as the demo's
own rules say."""
import re

from harness import check

HEAD = ("DATAFLOW,FREQ,REPORTING_TYPE,SERIES,REF_AREA,SEX,AGE,URBANISATION,"
        "INCOME_WEALTH_QUANTILE,EDUCATION_LEV,OCCUPATION,CUST_BREAKDOWN,COMPOSITE_BREAKDOWN,"
        "DISABILITY_STATUS,ACTIVITY,PRODUCT,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,UNIT_MULT,"
        "OBS_STATUS\n")


def row(series, area="566", year="2023"):
    return (HEAD + "SDMXD:DF_SDG(1.0),A,G,%s,%s,_T,_T,_T,_T,_T,_T,_T,_Z,_T,_T,_T,%s,1.5,"
            "PERCENT,0,A\n" % (series, area, year)).encode()


def message(*artefacts):
    """A Structure message of artefacts (SDMX-ML 2.1 elements), each in its container."""
    order = ("Dataflow", "ContentConstraint", "ProvisionAgreement")
    containers = {"Dataflow": "Dataflows", "ContentConstraint": "Constraints",
                  "ProvisionAgreement": "ProvisionAgreements"}
    body = ""
    for kind in order:
        mine = [a for a in artefacts if a.startswith("<str:%s " % kind)]
        if mine:
            body += "<str:%s>%s</str:%s>" % (containers[kind], "".join(mine), containers[kind])
    return ("""<?xml version="1.0"?>
<mes:Structure xmlns:mes="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" """
            """xmlns:str="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure" """
            """xmlns:com="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">
<mes:Header><mes:ID>EVIL</mes:ID><mes:Test>false</mes:Test>"""
            """<mes:Prepared>2024-01-01T00:00:00</mes:Prepared><mes:Sender id="EVIL"/></mes:Header>
<mes:Structures>%s</mes:Structures></mes:Structure>""" % body).encode()


def agreement(agency, pa_id, flow_agency, flow_id, provider):
    return ("""<str:ProvisionAgreement agencyID="%s" id="%s" version="1.0">"""
            """<com:Name xml:lang="en">%s</com:Name><str:StructureUsage><Ref agencyID="%s" id="%s" """
            """version="1.0" class="Dataflow" package="datastructure"/></str:StructureUsage>"""
            """<str:DataProvider><Ref agencyID="SDMXD" maintainableParentID="DATA_PROVIDERS" """
            """maintainableParentVersion="1.0" id="%s" class="DataProvider" package="base"/>"""
            """</str:DataProvider></str:ProvisionAgreement>"""
            % (agency, pa_id, pa_id, flow_agency, flow_id, provider))


def attachment(cls, agency, ident, package):
    return ("""<str:%s><Ref agencyID="%s" id="%s" version="1.0" class="%s" package="%s"/></str:%s>"""
            % (cls, agency, ident, cls, package, cls))


def constraint(agency, cc_id, attachments, series="NOT_A_SERIES", dim="SERIES"):
    return ("""<str:ContentConstraint agencyID="%s" id="%s" version="1.0" """
            """type="Allowed"><com:Name xml:lang="en">%s</com:Name><str:ConstraintAttachment>%s"""
            """</str:ConstraintAttachment><str:CubeRegion include="true"><com:KeyValue id="%s">"""
            """<com:Value>%s</com:Value></com:KeyValue></str:CubeRegion></str:ContentConstraint>"""
            % (agency, cc_id, cc_id, "".join(attachments), dim, series))


DF_SDG = attachment("Dataflow", "SDMXD", "DF_SDG", "datastructure")
DSD_SDG = attachment("DataStructure", "SDMXD", "DSD_SDG", "datastructure")
PA_UNSD = attachment("ProvisionAgreement", "SDMXD", "PA_SDG_UNSD", "registry")
EVIL_FLOW = ("""<str:Dataflow agencyID="EVIL" id="DF_MINE" version="1.0">"""
             """<com:Name xml:lang="en">mine</com:Name><str:Structure><Ref agencyID="SDMXD" """
             """id="DSD_SDG" version="1.0" class="DataStructure" package="datastructure"/>"""
             """</str:Structure></str:Dataflow>""")
EVIL_OWN = attachment("Dataflow", "EVIL", "DF_MINE", "datastructure")

ATTACKS = [
    # a provider without an agreement gets one for SDMXD's dataflow
    ("agreement for a foreign dataflow",
     message(agreement("EVIL", "PA_FAO", "SDMXD", "DF_SDG", "FAO")),
     "EVIL:PA_FAO(1.0)"),
    # a constrained provider gets a second agreement, without its constraint
    ("second agreement for a constrained provider",
     message(agreement("EVIL", "PA_ILO_OPEN", "SDMXD", "DF_SDG", "ILO")),
     "EVIL:PA_ILO_OPEN(1.0)"),
    # a constraint that blocks every provider of SDMXD's dataflow
    ("constraint on a foreign dataflow",
     message(constraint("EVIL", "CC_BLOCK", [DF_SDG])), "EVIL:CC_BLOCK(1.0)"),
    ("constraint on a foreign DSD",
     message(constraint("EVIL", "CC_BLOCK_DSD", [DSD_SDG])), "EVIL:CC_BLOCK_DSD(1.0)"),
    ("constraint on a foreign agreement",
     message(constraint("EVIL", "CC_BLOCK_PA", [PA_UNSD])), "EVIL:CC_BLOCK_PA(1.0)"),
    # its own dataflow (allowed) and, in the same constraint, a foreign one (not)
    ("constraint on its own dataflow and a foreign one",
     message(EVIL_FLOW, constraint("EVIL", "CC_BOTH", [EVIL_OWN, DF_SDG])),
     "EVIL:CC_BOTH(1.0)"),
]


def expect_uploads(srv, tokens, what):
    """The providers' uploads answer as the demo's own agreements and constraints say."""
    fao, ilo, unsd = tokens
    st, _, body = srv.upload("SDMXD,DF_SDG,1.0", fao, row("SI_POV_DAY1"), ctype="text/csv",
                             query="?dryRun=true")
    check(st == 403, "%s: FAO (no agreement) answered %d, not 403: %s" % (what, st, body[:300]))
    check(b"no provision agreement links data provider FAO" in body,
          "%s: FAO's 403 says why: %s" % (what, body[:300]))
    st, _, body = srv.upload("SDMXD,DF_SDG,1.0", ilo, row("SI_POV_DAY1"), ctype="text/csv",
                             query="?dryRun=true")
    check(st == 400 and b"CC_PA_SDG_ILO" in body,
          "%s: ILO outside its constraint answered %d: %s" % (what, st, body[:300]))
    st, _, body = srv.upload("SDMXD,DF_SDG,1.0", ilo, row("SI_POV_EMP1"), ctype="text/csv",
                             query="?dryRun=true")
    check(st == 200, "%s: ILO inside its constraint answered %d: %s" % (what, st, body[:300]))
    st, _, body = srv.upload("SDMXD,DF_SDG,1.0", unsd, row("SI_POV_DAY1"), ctype="text/csv",
                             query="?dryRun=true")
    check(st == 200, "%s: UNSD's valid row answered %d: %s" % (what, st, body[:300]))


def partial_freq(srv, flow="SDMXD/DF_SDG"):
    """The CL_FREQ codes that referencepartial shows for a dataflow (the SDG one)."""
    st, _, body = srv.get("/dataflow/%s/1.0?references=descendants&detail=referencepartial" % flow)
    check(st == 200, "referencepartial answered %d" % st)
    text = body.decode()
    at = text.find('id="CL_FREQ"')
    check(at >= 0, "referencepartial shows CL_FREQ")
    end = text.find("</str:Codelist>", at)
    return sorted(re.findall(r'<str:Code [^>]*\bid="([^"]+)"', text[at:end]))


def provider_tokens(srv):
    return tuple(srv.token("--provider", "SDMXD:DATA_PROVIDERS(1.0).%s" % p)
                 for p in ("FAO", "ILO", "UNSD"))
