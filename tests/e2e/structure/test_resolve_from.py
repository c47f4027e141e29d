"""Issue 10: real agency answers often come without the codelists their DSD uses. With
--resolve-from URL the missing references are fetched (references=children) from an SDMX
REST API, here a second sdmxd on loopback holding the codelists, and stored with the message,
for `sdmxd load` and for the server's structure submissions alike; the fetched artefacts are
the registry's, byte for byte. With --lenient what is still missing is stored as external
stubs, said at load, and every data validation that could not check codes against a stub
says so ("codes of ... not checked ...: external stub"). A dead port, an answer that is not
HTTP, not SDMX, a redirect, an oversized or a slow one are clear errors, and nothing is
stored."""
import re
import socket
import threading
import time

from harness import Server, check, done, shared

SDG = shared("sdg/SDG_DSD_1.0.xml")
DEMO = shared("samples/sdmx-ml-2.1/demography/demography.xml")
DEMO_XS = shared("samples/sdmx-ml-2.1/demography/demography_xs.xml")


def dsd_only(src, dst):
    """The message src with its DataStructures alone: a DSD without its codelists and
    concept schemes, as agencies often publish it."""
    text = open(src, encoding="utf-8").read()
    m = re.search(r"<(\w+):DataStructures>.*?</\1:DataStructures>", text, re.S)
    mes = re.search(r"<(\w+):Structures>", text).group(1)
    head = text[:text.index("<%s:Structures>" % mes)]
    with open(dst, "w", encoding="utf-8") as f:
        f.write("%s<%s:Structures>%s</%s:Structures></%s:Structure>\n" % (
            head, mes, m.group(0), mes, mes))
    return dst


def urns(body, tag):
    return sorted(re.findall(rb'<str:%s [^>]*urn="([^"]+)"' % tag.encode(), body))


def codelist_texts(body):
    return sorted(re.findall(rb"<str:Codelist .*?</str:Codelist>", body, re.S))


class Fake:
    """A loopback server answering every connection with answer(conn), in a thread."""

    def __init__(self, answer):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.answer = answer
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        self.sock.settimeout(0.2)
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                conn.settimeout(20)
                conn.recv(65536)
                self.answer(conn)
            except OSError:
                pass
            finally:
                conn.close()

    def close(self):
        self.stop = True
        self.thread.join(5)
        self.sock.close()

    @property
    def url(self):
        return "http://127.0.0.1:%d/rest" % self.port


def slow(conn):
    conn.sendall(b"HTTP/1.0 200 OK\r\n")
    time.sleep(13)  # past the fetch's 10 s deadline


def huge(conn):
    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/xml\r\n\r\n<x>")
    chunk = b" " * (1 << 20)
    for _ in range(70):
        conn.sendall(chunk)


CATEGORISATION = """<?xml version="1.0" encoding="UTF-8"?>
<mes:Structure xmlns:mes="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
    xmlns:str="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
    xmlns:com="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">
 <mes:Header><mes:ID>CAT</mes:ID><mes:Test>false</mes:Test>
  <mes:Prepared>2024-01-01T00:00:00</mes:Prepared><mes:Sender id="X"/></mes:Header>
 <mes:Structures><str:Categorisations>
  <str:Categorisation id="CAT1" agencyID="SDG" version="1.0"><com:Name xml:lang="en">x</com:Name>
   <str:Source><Ref id="DF_X" agencyID="SDG" version="1.0" class="Dataflow"
     package="datastructure"/></str:Source>
   <str:Target><Ref id="C1" maintainableParentID="CS_X" maintainableParentVersion="1.0"
     agencyID="SDG" class="Category" package="categoryscheme"/></str:Target>
  </str:Categorisation></str:Categorisations></mes:Structures></mes:Structure>
"""

DATAFLOW = """<?xml version="1.0" encoding="UTF-8"?>
<mes:Structure xmlns:mes="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
    xmlns:str="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
    xmlns:com="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">
 <mes:Header><mes:ID>DF</mes:ID><mes:Test>false</mes:Test>
  <mes:Prepared>2024-01-01T00:00:00</mes:Prepared><mes:Sender id="X"/></mes:Header>
 <mes:Structures><str:Dataflows>
  <str:Dataflow id="DF_SDG_X" agencyID="SDMXD" version="1.0"><com:Name xml:lang="en">x</com:Name>
   <str:Structure><Ref id="SDG" agencyID="IAEG-SDGs" version="1.0" class="DataStructure"
     package="datastructure"/></str:Structure>
  </str:Dataflow></str:Dataflows></mes:Structures></mes:Structure>
"""

ABUSE = [
    ("not HTTP", lambda c: c.sendall(b"hello, this is not a web server\n"), "is not HTTP"),
    ("not SDMX", lambda c: c.sendall(b"HTTP/1.0 200 OK\r\n\r\n<html><body>hi</body></html>"),
     "is not a structure message that can be stored"),
    ("broken XML", lambda c: c.sendall(b"HTTP/1.0 200 OK\r\n\r\n<mes:Structure xmlns:mes="),
     "is not a structure message that can be stored"),
    ("a redirect", lambda c: c.sendall(b"HTTP/1.0 302 Found\r\nLocation: http://evil.example/"
                                       b"\r\n\r\n"), "redirects are not followed"),
    ("a server error", lambda c: c.sendall(b"HTTP/1.0 500 Oops\r\n\r\n"), "it answered 500"),
    ("chunked", lambda c: c.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                    b"5\r\n<mes:\r\n0\r\n\r\n"), "the answer is encoded"),
    ("oversized", huge, "larger than"),
    ("slow", slow, "no complete answer within 10 s"),
]

with Server(demo_data=False) as registry, Server(demo_data=False) as srv:
    registry.load(SDG, DEMO)
    registry.start()
    url = "http://127.0.0.1:%d/rest" % registry.port
    dsd = dsd_only(SDG, srv.path("sdg_dsd_only.xml"))

    # without the option: refused, as before
    p = srv.load(dsd, expect=1)
    check(b"unresolved reference" in p.stderr and b"CL_AREA" in p.stderr,
          "without --resolve-from the DSD alone is refused: %r" % p.stderr[-300:])

    # every way a registry can fail: a clear error, and the store as it was
    srv.load(DEMO)  # something stored, to see it stays so
    before = srv.dump()
    p = srv.load(dsd, flags=("--resolve-from", "http://127.0.0.1:1/rest"), expect=1)
    check(b"cannot connect to 127.0.0.1:1" in p.stderr and b"nothing was stored" in p.stderr,
          "a dead port: %r" % p.stderr[-300:])
    for what, answer, says in ABUSE:
        fake = Fake(answer)
        try:
            t0 = time.time()
            p = srv.load(dsd, flags=("--resolve-from", fake.url), expect=1)
            check(says.encode() in p.stderr and b"nothing was stored" in p.stderr,
                  "%s: %r" % (what, p.stderr[-400:]))
            check(time.time() - t0 < 30, "%s: the fetch ends in time" % what)
        finally:
            fake.close()
    check(srv.dump() == before, "nothing was stored by any failed resolution")
    for bad in ("https://registry.example/rest", "ftp://x/", "http://", "http://h:x/",
                "http://h/rest?q=1"):
        p = srv.run("load", "--db", srv.db, "--resolve-from", bad, dsd)
        check(p.returncode == 2 and b"--resolve-from" in p.stderr, "URL %s refused" % bad)

    # sdmxd load --resolve-from: the DSD and every codelist and concept scheme it needs
    p = srv.load(dsd, flags=("--resolve-from", url))
    check(b"was fetched from " + url.encode() + b"/codelist/IAEG-SDGs/CL_AREA/1.0" in p.stderr,
          "the load says what it fetched: %r" % p.stderr[:300])
    n = int(re.search(rb"(\d+) artefacts", p.stdout).group(1))
    check(n > 20, "the DSD and what it references: %d artefacts" % n)
    srv.start()
    q = "/datastructure/IAEG-SDGs/SDG/1.0?references=children"
    s1, _, mine = srv.get(q)
    s2, _, theirs = registry.get(q)
    check(s1 == 200 and s2 == 200, "both serve the DSD with its children")
    check(urns(mine, "Codelist") == urns(theirs, "Codelist") and len(urns(mine, "Codelist")) == 20,
          "the same 20 codelists as the registry")
    check(codelist_texts(mine) == codelist_texts(theirs), "the codelists identical, code for code")
    check(urns(mine, "ConceptScheme") == urns(theirs, "ConceptScheme"), "the same concept schemes")
    srv.stop()

    # a dataflow alone: its DSD comes with its children in one answer, one fetch
    flow = srv.path("flow.xml")
    with open(flow, "w", encoding="utf-8") as f:
        f.write(DATAFLOW)
    fresh = Server(demo_data=False)
    try:
        p = fresh.load(flow, flags=("--resolve-from", url))
        err = p.stderr.decode()
        asked = "%s/datastructure/IAEG-SDGs/SDG/1.0?references=children" % url
        check(err.count("was fetched from") == err.count("was fetched from " + asked) > 20,
              "every artefact came with the one answer for the DSD: %s" % err[:500])
        check(b"Codelist IAEG-SDGs:CL_AREA(1.0) was fetched" in p.stderr, "CL_AREA among them")
    finally:
        fresh.close()

with Server(demo_data=False) as registry, Server(demo_data=False) as srv:
    # the server's structure submissions resolve the same way
    registry.load(DEMO)
    registry.start()
    url = "http://127.0.0.1:%d/rest" % registry.port
    demo_dsd = open(dsd_only(DEMO, srv.path("demo_dsd_only.xml")), "rb").read()
    srv.load(DEMO_XS, expect=1)  # creates the store; refused (no structure)
    srv.start("--allow-writes", "--resolve-from", url)
    status, _, body = srv.request("POST", "/structure", body=demo_dsd,
                                  headers={"Content-Type": "application/xml"})
    check(status == 201, "a submission with --resolve-from: %d %r" % (status, body[:300]))
    status, _, body = srv.get("/codelist/ESTAT/CL_COUNTRY/1.0")
    check(status == 200 and b'<str:Code id="BE"' in body, "the fetched codelist is served")
    srv.stop()
    srv.load(DEMO_XS, flags=("--dataflow", "ESTAT:DEMOGRAPHY(1.0)"))
    srv.start()
    status, _, body = srv.get("/data/DEMOGRAPHY/A.BE.T.TFRNSI")
    check(status == 200 and b"1.82" in body, "data against the resolved DSD")
    srv.stop()

    # a registry that is gone: the submission is refused with a clear SDMX error
    registry.stop()
    srv.start("--allow-writes", "--resolve-from", url)
    other = demo_dsd.replace(b'id="DEMOGRAPHY"', b'id="DEMOGRAPHY2"')
    before = srv.dump()
    # a DSD that needs a codelist nobody has
    other = other.replace(b'id="CL_SEX"', b'id="CL_SEX_NEW"')
    status, _, body = srv.request("POST", "/structure", body=other,
                                  headers={"Content-Type": "application/xml"})
    check(status == 503 and b"cannot connect" in body, "registry gone: %d %r" % (status, body[:400]))
    check(srv.dump() == before, "nothing stored by the refused submission")
    srv.stop()

with Server(demo_data=False) as srv:
    # --lenient: stubs, said at load and in every validation report that used them
    dsd = dsd_only(DEMO, srv.path("demo_dsd_only.xml"))
    p = srv.load(dsd, flags=("--lenient",))
    err = p.stderr.decode()
    check("Codelist ESTAT:CL_COUNTRY(1.0) is neither in this message nor in the store: stored "
          "as an external stub" in err, "the load says what it stubbed: %s" % err[:400])
    check(b"10 artefacts" in p.stdout, "the DSD and nine stubs: %r" % p.stdout)
    for cmd in ("validate", "load"):
        p = srv.run(cmd, "--db", srv.db, "--dataflow", "ESTAT:DEMOGRAPHY(1.0)", DEMO_XS)
        err = p.stderr.decode()
        check(p.returncode == 0, "%s against stubs: %s" % (cmd, err[-400:]))
        check("codes of Codelist ESTAT:CL_COUNTRY(1.0) not checked for dimension COUNTRY: "
              "external stub" in err and "codes of ConceptScheme ESTAT:DEMO_MEASURES(1.0) not "
              "checked for dimension DEMO: external stub" in err,
              "%s says which checks could not run: %s" % (cmd, err[:600]))
    # one categorisation that points outside the message: its dataflow and category scheme
    cat = srv.path("categorisation.xml")
    with open(cat, "w", encoding="utf-8") as f:
        f.write(CATEGORISATION)
    before = srv.dump()
    p = srv.load(cat, expect=1)
    check(b"2 unresolved reference(s)" in p.stderr, "refused without --lenient")
    check(srv.dump() == before, "nothing stored by the refused categorisation")
    p = srv.load(cat, flags=("--lenient",))
    check(b"Dataflow SDG:DF_X(1.0) is neither" in p.stderr and
          b"CategoryScheme SDG:CS_X(1.0) is neither" in p.stderr and b"3 artefacts" in p.stdout,
          "the categorisation loads with two stubs: %r" % p.stderr[-400:])
    srv.start()
    status, _, body = srv.get("/dataflow/SDG/DF_X/1.0")
    check(status == 200 and b'isExternalReference="true"' in body, "the dataflow stub is served")
    status, _, body = srv.get("/codelist/ESTAT/CL_COUNTRY/1.0")
    check(status == 200 and b'isExternalReference="true"' in body, "the stub is served as one")
    status, _, body = srv.get("/data/DEMOGRAPHY?format=csv")
    check(status == 200 and body.count(b"\n") == 61, "the data is served")
    srv.stop()
done()
