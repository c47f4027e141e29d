"""Issue 10, robustness: SDMX-CSV with labels=both is written straight into the answer, cell by
cell, as the plain form is (it kept every labelled cell in the request's arena until the
answer ended: 1.4 MB -> 120 MB for one 788 MB download). Its bytes are those of before: the
digests below were taken from the build before the change (commit 6a9396d) for the demo
dataflows, whole, in English and French (names with commas are quoted cells)."""
import hashlib

from harness import Server, check, done

CSV = "application/vnd.sdmx.data+csv;version=1.0.0;labels=both"
EXPECTED = [
    ("/data/DF_MIGRANT_STOCK", "en", 2420679,
     "c06350942208d324059661b7dbba4f3f99ef5f83c54e6a5daf5bf98e4dab89c1"),
    ("/data/DF_MIGRANT_STOCK", "fr", 2815759,
     "f66f9b4120d5ecb6409e93857172b46c0c7bbf8488e975e76989bf52a3f34045"),
    ("/data/DF_SDG", "en", 18936982,
     "92d2a055fb646985313ee74a77b4f3394a10f7a9d749c76e81f0bc765761a857"),
    ("/data/DF_DIGITAL_ECONOMY", "en", 2904258,
     "4d3f0a7c891a887e4308dcb3c4fb4033d5c80213be53346be3d80fa4178fa945"),
]


def main():
    with Server() as srv:
        srv.start()
        quoted = 0
        for path, lang, size, digest in EXPECTED:
            st, h, body = srv.request("GET", path, headers={"Accept": CSV, "Accept-Language": lang},
                                      timeout=300)
            check(st == 200, "%s (%s) answered %d" % (path, lang, st))
            check(b": " in body, "%s (%s): labelled" % (path, lang))
            quoted += b'"' in body
            check(len(body) == size and hashlib.sha256(body).hexdigest() == digest,
                  "%s (%s): %d bytes, sha256 %s; before: %d bytes, %s" % (
                      path, lang, len(body), hashlib.sha256(body).hexdigest(), size, digest))
        check(quoted > 0, "some answer has quoted cells")
    done()


if __name__ == "__main__":
    main()
