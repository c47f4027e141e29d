"""A custodian's upload over a slow link arrives whole: h2o's own request timeout (10 s for a
request's head and body together) cut such uploads off without an answer. Within
--request-timeout (120 s by default) the body may take its time; past it the connection is
closed, and other clients are served all along."""
import time

from harness import Server, check, demo, done

PROVIDER = "SDMXD:DATA_PROVIDERS(1.0).UN_DESA_PD"
FLOW = "/rest/data/SDMXD,DF_MIGRANT_STOCK,1.0?dryRun=true"


def slow_upload(srv, tok, body, seconds):
    """Sends body in pieces over about seconds; the answer's status line, or None."""
    s = srv.connect(timeout=30)
    s.sendall(("POST %s HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer %s\r\n"
               "Content-Type: application/xml\r\nContent-Length: %d\r\n\r\n"
               % (FLOW, tok, len(body))).encode())
    pieces = 24
    step = len(body) // pieces + 1
    try:
        for i in range(0, len(body), step):
            s.sendall(body[i:i + step])
            time.sleep(seconds / pieces)
            srv.probe()
        answer = s.recv(200)
    except OSError:
        answer = b""
    s.close()
    return answer.split(b"\r\n")[0] if answer else None


with open(demo("data/migrant_stock.xml"), "rb") as f:
    BODY = f.read()

with Server() as srv:
    tok = srv.token("--provider", PROVIDER)
    srv.start()
    status = slow_upload(srv, tok, BODY, 13)
    check(status == b"HTTP/1.1 200 OK", "an upload sent over 13 s is answered: %r" % status)
    srv.stop()
    srv.start("--request-timeout", "3")
    status = slow_upload(srv, tok, BODY, 6)
    check(status is None, "past --request-timeout the connection is closed: %r" % status)
    srv.probe()
done()
