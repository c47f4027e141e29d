"""One event loop shares itself between large answers and small ones: clients that read a large
answer as fast as the loopback allows get it chunk by chunk, each chunk built at the loop's
next turn, so that small queries on other connections are answered while those downloads are
in flight (h2o finishes a write to a fast reader at once, and building the next chunk from
that completion held the loop until every such download had ended)."""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from harness import Server, check, done  # noqa: E402

with Server(demo_data=True) as srv:
    srv.start("--threads", "1")
    status, _, body = srv.get("/data/DF_SDG")
    check(status == 200 and len(body) > 1000000, "a large answer: %d, %d bytes" % (
        status, len(body)))
    big = len(body)

    stop = threading.Event()
    spans, bad = [], []  # (start, end) of each download

    def downloader():
        while not stop.is_set() and len(spans) < 2000:
            t0 = time.time()
            st, _, b = srv.get("/data/DF_SDG", timeout=60)
            if st != 200 or abs(len(b) - big) > 16:
                bad.append((st, len(b)))
            spans.append((t0, time.time()))

    threads = [threading.Thread(target=downloader) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    probes = []
    t_end = time.time() + 4
    while time.time() < t_end:
        t0 = time.time()
        srv.probe("/dataflow/SDMXD/DF_SDG/1.0", timeout=10.0)
        probes.append((t0, time.time()))
    stop.set()
    for t in threads:
        t.join(120)
    check(not bad, "every large answer whole: %s" % bad[:5])
    # a probe answered inside one download's time: the loop served it mid-stream
    inside = sum(1 for p0, p1 in probes if any(s0 < p0 and p1 < s1 for s0, s1 in spans))
    print("probes: %d, answered while a download was streaming: %d; downloads: %d" % (
        len(probes), inside, len(spans)))
    # held, a probe waited for every download in flight to end: fewer small answers than large
    # ones (the build before this change: 44 probes against 205 downloads); shared, many more
    check(len(probes) > len(spans) and inside > len(probes) // 2,
          "small answers given while large ones stream on the one loop: %d probes (%d inside a "
          "download) against %d downloads" % (len(probes), inside, len(spans)))

done()
