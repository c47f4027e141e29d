"""Hostile data and structure messages: elements nested where they do not belong, values
missing, XML that libxml2 refuses, text that is not UTF-8. Each gets a 400 SDMX syntax error
(code 140) that says what and where, the server stays up for other clients, the store is
unchanged, `sdmxd load` and `sdmxd validate` exit 1 with the message, and every error body
is well-formed JSON or XML even where it quotes bytes that are not."""
import json
import os
import re
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from harness import Server, check, demo, done, sdmx_error  # noqa: E402

from lxml import etree  # noqa: E402

FLOW = "SDMXD,DF_MIGRANT_STOCK,1.0"
MES = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
GEN = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic"
COM = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"
AREAS = ["840", "484", "156", "356", "276"]


def generic_flat(n_obs, poison=""):
    """A flat generic message for the migrant stock dataflow with n_obs observations; poison
    goes inside the last observation, after its key (where the reader's key values live)."""
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<message:GenericData xmlns:message="%s" xmlns:generic="%s" xmlns:common="%s">\n'
            '<message:Header><message:ID>HOSTILE</message:ID><message:Test>false</message:Test>'
            '<message:Prepared>2024-01-01T00:00:00Z</message:Prepared>'
            '<message:Sender id="TEST"/>\n'
            '<message:Structure structureID="S" dimensionAtObservation="AllDimensions">'
            '<common:StructureUsage><Ref agencyID="SDMXD" id="DF_MIGRANT_STOCK" version="1.0"/>'
            '</common:StructureUsage></message:Structure></message:Header>\n'
            '<message:DataSet structureRef="S">\n' % (MES, GEN, COM))
    obs = []
    for i in range(n_obs):
        extra = poison if i == n_obs - 1 else ""
        obs.append(
            '<generic:Obs><generic:ObsKey>'
            '<generic:Value id="REF_AREA" value="%s"/>'
            '<generic:Value id="COUNTERPART_AREA" value="%s"/>'
            '<generic:Value id="SEX" value="_T"/><generic:Value id="AGE" value="_T"/>'
            '<generic:Value id="TIME_PERIOD" value="%d"/></generic:ObsKey>%s'
            '<generic:ObsValue value="%d"/>'
            '<generic:Attributes><generic:Value id="OBS_STATUS" value="A"/></generic:Attributes>'
            '</generic:Obs>\n'
            % (AREAS[i % 5], AREAS[(i // 5) % 5], 1000 + i // 25, extra, i))
    return (head + "".join(obs) + "</message:DataSet></message:GenericData>\n").encode()


NESTED = ('<generic:Group><generic:GroupKey>'
          '<generic:Value id="REF_AREA" value="%s"/></generic:GroupKey></generic:Group>'
          % ("X" * 200))


def error_of(status, body, what):
    check(status == 400, "%s: status %d, not 400: %r" % (what, status, body[:300]))
    code, text = sdmx_error(body)
    check(code == 140, "%s: SDMX code %r, not 140 (syntax): %s" % (what, code, text[:300]))
    return text


def well_formed(body, ctype, what):
    """The body parses as what it says it is."""
    if "json" in ctype:
        try:
            json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            check(False, "%s: the JSON error body does not parse (%s): %r" % (what, e, body[:300]))
    else:
        try:
            etree.fromstring(body)
        except etree.XMLSyntaxError as e:
            check(False, "%s: the XML error body does not parse (%s): %r" % (what, e, body[:300]))


srv = Server(demo_data=True)
try:
    tok = srv.token("--provider", "SDMXD:DATA_PROVIDERS(1.0).UN_DESA_PD")
    agency = srv.token("--agency", "SDMXD")
    srv.start()
    before = srv.dump()

    # 1. A Group inside a flat Obs, a Series inside one, an Obs inside an Obs: small, and past
    #    256 KiB, where the reader runs on a second thread. Dry run and real run alike.
    cases = [
        ("group-in-obs", generic_flat(40, NESTED)),
        ("group-in-obs-large", generic_flat(2500, NESTED)),
        ("series-in-obs", generic_flat(40, NESTED.replace("Group", "Series"))),
        ("obs-in-obs", generic_flat(3, '<generic:Obs><generic:ObsKey/></generic:Obs>')),
    ]
    check(len(cases[1][1]) > 256 * 1024, "the large message passes the relay threshold")
    for name, body in cases:
        for query in ("?dryRun=true", ""):
            for accept in ("application/json", "application/xml"):
                status, hdr, resp = srv.upload(FLOW, tok, body, query=query, accept=accept)
                text = error_of(status, resp, "%s%s (%s)" % (name, query, accept))
                well_formed(resp, hdr.get("content-type", ""), name)
                inner = "Series" if "series-in" in name else "Obs" if "obs-in" in name else "Group"
                check(re.search(r"generic:%s is not allowed inside generic:Obs" % inner, text),
                      "%s: the error says what is nested where: %s" % (name, text[:300]))
                check(re.search(r":\d+: generic:", text), "%s: with its line: %s" % (name, text))
        srv.probe()

    # the structure-specific reader: a Series and an Obs inside an Obs
    ss = open(demo("data/migrant_stock.xml"), encoding="utf-8").read()
    first = ss.index("<Obs ")
    ss_nested = (ss[:first] + '<Obs TIME_PERIOD="1980" OBS_VALUE="1"><Series REF_AREA="4">'
                 '<Obs TIME_PERIOD="1981" OBS_VALUE="2"/></Series></Obs>' + ss[first:]).encode()
    status, _, resp = srv.upload(FLOW, tok, ss_nested, query="?dryRun=true")
    text = error_of(status, resp, "structure-specific Series inside Obs")
    check("Series is not allowed inside Obs" in text, "structure-specific nesting: %s" % text)

    # 2. A generic Value, ObsValue or ObsDimension without its value
    no_value = [
        ("Value", generic_flat(30).replace(b'<generic:Value id="SEX" value="_T"/>',
                                           b'<generic:Value id="SEX"/>')),
        ("Value", generic_flat(2500).replace(b'<generic:Value id="OBS_STATUS" value="A"/>',
                                             b'<generic:Value id="OBS_STATUS"/>')),
        ("ObsValue", generic_flat(30).replace(b'<generic:ObsValue value="7"/>',
                                              b'<generic:ObsValue/>')),
    ]
    for name, body in no_value:
        status, _, resp = srv.upload(FLOW, tok, body, query="?dryRun=true")
        text = error_of(status, resp, "generic:%s without value" % name)
        check("generic:%s without its value attribute" % name in text,
              "the error names the element: %s" % text)
    srv.probe()

    # 3. XML that libxml2 refuses: its text, with line and column, in a 400
    lines = ss.split("\n")
    obs_line = next(i for i, l in enumerate(lines) if "<Obs " in l)
    dup = list(lines)
    dup[obs_line] = dup[obs_line].replace("<Obs ", '<Obs OBS_VALUE="2" ', 1)
    bad = ss.replace('REF_AREA="840"', 'REF_AREA="8\udcff40"', 1)
    hdr_line = next(i for i, l in enumerate(lines) if "<message:Structure " in l)
    libxml_cases = [
        ("duplicated attribute", "\n".join(dup).encode(), "Attribute OBS_VALUE redefined",
         obs_line + 1),
        ("invalid UTF-8", bad.encode("utf-8", "surrogateescape"), "not proper UTF-8",
         obs_line),
        ("truncated header", "\n".join(lines[:hdr_line + 2]).encode()[:-20], "", hdr_line + 2),
    ]
    for name, body, libxml_text, line in libxml_cases:
        for accept in ("application/json", "application/xml"):
            status, hdr, resp = srv.upload(FLOW, tok, body, query="?dryRun=true", accept=accept)
            text = error_of(status, resp, "data, %s" % name)
            well_formed(resp, hdr.get("content-type", ""), name)
            check(libxml_text in text, "data, %s: libxml2's text: %s" % (name, text[:400]))
            m = re.search(r"request body:(\d+):(\d+): ", text)
            check(m is not None, "data, %s: a line and column: %s" % (name, text[:400]))
            check(abs(int(m.group(1)) - line) <= 2,
                  "data, %s: line %s, near %d" % (name, m.group(1), line))
        path = srv.path("hostile-%s.xml" % name.replace(" ", "-"))
        with open(path, "wb") as f:
            f.write(body)
        p = srv.load(path, expect=1)
        err = p.stderr.decode("utf-8", errors="replace")
        check(libxml_text in err and re.search(r"\.xml:\d+:\d+: ", err),
              "sdmxd load, %s: libxml2's text with line and column: %s" % (name, err[:400]))
    srv.probe()

    # the same three in a structure submission
    st = open(demo("structures/01_common.xml"), encoding="utf-8").read()
    code_at = st.index("<str:Code ")
    id_at = st.index(' id="', code_at) + 5
    end_at = st.index(">", code_at)
    structure_cases = [
        ("duplicated attribute", (st[:end_at] + ' id="Z"' + st[end_at:]).encode(),
         "Attribute id redefined"),
        ("invalid UTF-8", (st[:id_at] + "A\udcff" + st[id_at:]).encode("utf-8", "surrogateescape"),
         "not proper UTF-8"),
        ("truncated header", st[:st.index("<mes:Sender") + 5].encode(), ""),
    ]
    for name, body, libxml_text in structure_cases:
        for accept in ("application/json", "application/xml"):
            status, hdr, resp = srv.request(
                "POST", "/structure", body=body,
                headers={"Authorization": "Bearer " + agency, "Content-Type": "application/xml",
                         "Accept": accept})
            text = error_of(status, resp, "structure, %s" % name)
            well_formed(resp, hdr.get("content-type", ""), name)
            check(libxml_text in text, "structure, %s: libxml2's text: %s" % (name, text[:400]))
            check(re.search(r"request body:\d+:\d+: ", text),
                  "structure, %s: a line and column: %s" % (name, text[:400]))
        path = srv.path("hostile-structure-%s.xml" % name.replace(" ", "-"))
        with open(path, "wb") as f:
            f.write(body)
        p = srv.load(path, expect=1)
        err = p.stderr.decode("utf-8", errors="replace")
        check(libxml_text in err and re.search(r"\.xml:\d+:\d+: ", err),
              "sdmxd load, structure, %s: libxml2's text with line and column: %s"
              % (name, err[:400]))

    # 4. sdmxd load and validate on the nested message: exit 1 with the message, no crash
    nested = srv.path("nested.xml")
    with open(nested, "wb") as f:
        f.write(generic_flat(2500, NESTED))
    for cmd in ("load", "validate"):
        p = srv.run(cmd, "--db", srv.db, nested)
        err = p.stderr.decode("utf-8", errors="replace") + p.stdout.decode("utf-8", "replace")
        check(p.returncode == 1, "sdmxd %s exited %d: %s" % (cmd, p.returncode, err[-1500:]))
        check("generic:Group is not allowed inside generic:Obs" in err,
              "sdmxd %s says why: %s" % (cmd, err[-1500:]))

    # 5. Error bodies that quote what is not UTF-8 or not XML text stay well-formed
    csv_head = "DATAFLOW,REF_AREA,COUNTERPART_AREA,SEX,AGE,TIME_PERIOD,OBS_VALUE\n"
    quoting = [
        ("a code", (csv_head + "SDMXD:DF_MIGRANT_STOCK(1.0),8\xff\x0140,484,_T,_T,2020,1\n")),
        ("the dataflow", (csv_head + "SDMXD:DF_\xfe\x02(1.0),840,484,_T,_T,2020,1\n")),
        ("a truncated character", (csv_head + "SDMXD:DF_MIGRANT_STOCK(1.0),840,484,_T,\xe2\x82,"
                                   "2020,1\n")),
    ]
    for name, body in quoting:
        for accept in ("application/json", "application/xml"):
            status, hdr, resp = srv.upload(FLOW, tok, body.encode("latin-1"), query="?dryRun=true",
                                           ctype="text/csv", accept=accept)
            check(status == 400, "CSV quoting %s: status %d" % (name, status))
            well_formed(resp, hdr.get("content-type", ""), "CSV quoting %s" % name)
            check("\ufffd".encode() in resp, "CSV quoting %s: U+FFFD stands for the bytes: %r"
                  % (name, resp[:400]))
    # an Accept header that is not UTF-8, quoted in a 406
    for path in ("/dataflow/SDMXD/DF_SDG/1.0", "/data/" + FLOW):
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        s.sendall(b"GET /rest" + path.encode() + b" HTTP/1.1\r\nHost: x\r\n"
                  b"Accept: application/\xff\xfex\r\nConnection: close\r\n\r\n")
        raw = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            raw += chunk
        s.close()
        head, _, body = raw.partition(b"\r\n\r\n")
        check(b" 406 " in head.split(b"\r\n")[0], "Accept not UTF-8: %r" % head[:200])
        ctype = re.search(rb"(?i)content-type: *([^\r\n]*)", head)
        if b"chunked" in head.lower():
            out, rest = b"", body
            while rest:
                size, _, rest = rest.partition(b"\r\n")
                n = int(size, 16)
                if n == 0:
                    break
                out, rest = out + rest[:n], rest[n + 2:]
            body = out
        well_formed(body, ctype.group(1).decode() if ctype else "", "Accept quoted in a 406")
    srv.probe()

    check(srv.dump() == before, "the store is unchanged by every refused message")
    check(srv.alive(), "the server is still running")
finally:
    srv.close()
done()
