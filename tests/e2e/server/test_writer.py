"""The writer thread: uploads and structure submissions are validated and written off the
event loops, so that readers are answered while a write runs, even with one event loop; writes
are done one at a time, in order; a client that goes away while its write waits or runs costs
the server nothing; past 64 waiting writes an upload is answered 503 with Retry-After; a
`sdmxd load` from the command line on the served store does not stall readers either."""
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from harness import SDMXD, Server, check, done, status_of, write_sdg_data  # noqa: E402

PROVIDER = "SDMXD:DATA_PROVIDERS(1.0).UNSD"
FLOW = "/rest/data/SDMXD,DF_SDG,1.0"
CSV_ALL = "/data/SDMXD,DF_SDG,1.0?format=csv"


def head(tok, length, method="POST", path=FLOW):
    return ("%s %s HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer %s\r\n"
            "Content-Type: application/xml\r\nAccept: application/json\r\n"
            "Content-Length: %d\r\n\r\n" % (method, path, tok, length)).encode()


def answer_of(sock, timeout=300):
    """(status, body) of an answer read off a raw socket (Content-Length bodies)."""
    status, data = status_of(sock, timeout)
    head_, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head_.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, body


def obs_count(srv):
    status, _, body = srv.get(CSV_ALL, timeout=60)
    check(status in (200, 404), "the CSV download answered %d" % status)
    return max(0, body.count(b"\n") - 1) if status == 200 else 0


def probes_during(srv, sock, paths):
    """Probes paths in turn until sock's answer arrives; (status of the answer, probes
    answered between the body's last byte and the answer)."""
    answered = []
    stop = threading.Event()

    def probe_loop():
        i = 0
        while not stop.is_set() and i < 100000:
            t0 = time.time()
            srv.probe(paths[i % len(paths)], timeout=10.0)
            answered.append(t0)
            i += 1

    t = threading.Thread(target=probe_loop)
    t.start()
    status, body = answer_of(sock)
    stop.set()
    t.join(60)
    return status, body, answered


with Server(demo_data=True) as srv:
    tok = srv.token("--provider", PROVIDER)
    big = srv.path("big.xml")
    nbig = write_sdg_data(big, 50, 200)  # 240,000 observations, about 0.5 s to write
    with open(big, "rb") as f:
        BIG = f.read()
    small = srv.path("small.xml")
    nsmall = write_sdg_data(small, 2, 10, 3)
    with open(small, "rb") as f:
        SMALL = f.read()
    # one event loop: before the writer thread, it checked and wrote the upload itself and
    # answered nobody else until it was done
    srv.start("--threads", "1")
    before = obs_count(srv)

    s = srv.connect(timeout=60)
    s.sendall(head(tok, len(BIG)) + BIG)
    sent = time.time()
    status, body, answered = probes_during(
        srv, s, ["/dataflow/SDMXD/DF_SDG/1.0",
                 "/data/SDMXD,DF_SDG,1.0/A.G.SI_POV_DAY1.008...........?format=csv"])
    s.close()
    check(status == 201, "the large upload is accepted: %s" % status)
    during = [t for t in answered if t > sent]
    check(len(during) >= 5, "readers answered while the upload was checked and written on the "
          "one event loop: %d" % len(during))
    print("answers on the one loop while %d observations were written: %d" % (nbig, len(during)))
    added = json.loads(body)["observations"]["added"] if status == 201 else -1
    check(added > nbig * 0.9, "the upload's observations are new: %d of %d" % (added, nbig))
    after = obs_count(srv)
    check(after == before + added, "the upload is stored whole: %d + %d, now %d" % (
        before, added, after))

    # writes are done one at a time, in the order they came: a PUT of the small file sent
    # right behind a POST of the large one waits for it, then replaces only its own series
    s1 = srv.connect(timeout=60)
    s1.sendall(head(tok, len(BIG)) + BIG)
    s2 = srv.connect(timeout=60)
    time.sleep(0.05)
    s2.sendall(head(tok, len(SMALL), "PUT") + SMALL)
    st1, h1 = status_of(s1, timeout=300)
    st2, h2 = status_of(s2, timeout=300)
    s1.close()
    s2.close()
    check(st1 == 200 and st2 == 200, "two writes in a row: %s %s" % (st1, st2))
    check(obs_count(srv) == after, "nothing lost or doubled by two writes in a row: %d, "
          "then %d" % (after, obs_count(srv)))

    # a structure submission goes through the writer too
    agency_tok = srv.token("--agency", "SDMXD")
    with open(os.path.join(os.environ.get("REPO", "."), "demo/structures/02_sdg.xml"), "rb") as f:
        structures = f.read()
    status, _, body = srv.request("POST", "/structure", body=structures,
                                  headers={"Authorization": "Bearer " + agency_tok,
                                           "Content-Type": "application/xml"})
    check(status == 200 and b"Success" in body,
          "a structure submission is answered by the writer: %d %r" % (status, body[:200]))

    # a client that sends a large upload and goes away at once: the server carries on, and the
    # store holds all of the upload or none of it
    dump_before = obs_count(srv)
    variant = srv.path("variant.xml")
    write_sdg_data(variant, 50, 200, 11)
    with open(variant, "rb") as f:
        VARIANT = f.read()
    for _ in range(3):
        s = srv.connect(timeout=60)
        s.sendall(head(tok, len(VARIANT)) + VARIANT)
        s.close()
    srv.probe()
    # the next write comes after whatever those became
    s = srv.connect(timeout=60)
    s.sendall(head(tok, len(SMALL)) + SMALL)
    st, _ = status_of(s, timeout=300)
    s.close()
    check(st == 200, "a write after clients that went away: %s" % st)
    check(srv.alive(), "the server survived clients that left their writes")
    check(obs_count(srv) == dump_before, "their uploads changed existing observations only "
          "(%d observations)" % obs_count(srv))

    # 64 writes waiting at once at most: past them an upload is answered 503 with Retry-After.
    # Three large dry runs keep the writer busy (one running and two waiting, or all three
    # waiting while the writer, at its lower priority, has not yet been scheduled) while 72
    # small ones arrive: 61 of those are taken at least, and the rest refused.
    busy = []
    for _ in range(3):
        b = srv.connect(timeout=60)
        b.sendall(head(tok, len(BIG), "POST", FLOW + "?dryRun=true") + BIG)
        busy.append(b)
    time.sleep(0.1)
    waiting = []
    for _ in range(72):
        w = srv.connect(timeout=60)
        w.sendall(head(tok, len(SMALL), "POST", FLOW + "?dryRun=true") + SMALL)
        waiting.append(w)
    results = [status_of(w, timeout=300) for w in waiting]
    busy_status = [status_of(b, timeout=300)[0] for b in busy]
    for w in waiting + busy:
        w.close()
    refused = [hd for code, hd in results if code == 503]
    served = [code for code, _ in results if code == 200]
    check(busy_status == [200, 200, 200], "the dry runs the writer was busy with: %s" % busy_status)
    check(refused, "past the writer's queue, uploads are refused: %s" % [c for c, _ in results])
    check(all(b"retry-after" in hd.lower() for hd in refused), "503 says when to retry")
    check(len(served) >= 61 and len(served) + len(refused) == 72,
          "the waiting writes are taken: %d served, %d refused" % (len(served), len(refused)))
    check(obs_count(srv) == dump_before, "dry runs store nothing")

    # sdmxd load from the command line, on the store being served: readers go on
    other = srv.path("other.xml")
    write_sdg_data(other, 50, 275, 5)  # 330,000 observations
    p = subprocess.Popen([SDMXD, "load", "--db", srv.db, other], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    answered = 0
    while p.poll() is None and answered < 2000:
        srv.probe("/data/SDMXD,DF_SDG,1.0/A.G.SI_POV_DAY1.008...........?format=csv",
                  timeout=10.0)
        answered += 1
    out, err = p.communicate(timeout=300)
    check(p.returncode == 0, "the command-line load: %s" % err.decode(errors="replace")[-500:])
    check(answered >= 5, "readers answered while the command line loaded: %d" % answered)
    print("answers while the command line loaded: %d" % answered)
    srv.stop()

done()
