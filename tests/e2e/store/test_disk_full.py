"""A full disk is an error, not a crash: on a small tmpfs filled until little room is left,
`sdmxd load` exits 1 saying there is no space left (no signal), an upload over HTTP gets
507 with an SDMX error, the server goes on serving, the store is exactly as before, and the
space a failed write took is given back; once room is made, an upload succeeds.

Needs root (mount -t tmpfs); skipped otherwise.
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import Server, check, demo, done, sdmx_error, skip  # noqa: E402

TMPFS_MB = 40
LEFT = 256 << 10  # room left on the disk: less than the demo SDG data needs, more than nothing
FLOW = "SDMXD,DF_SDG,1.0"
DATA = demo("data/sdg.xml")  # 4 MB, thousands of observations: several MB of store
CODELIST = b"""<?xml version="1.0"?>
<mes:Structure xmlns:mes="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
 xmlns:str="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
 xmlns:com="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">
<mes:Header><mes:ID>FULL</mes:ID><mes:Test>false</mes:Test>
<mes:Prepared>2024-01-01T00:00:00</mes:Prepared><mes:Sender id="T"/></mes:Header>
<mes:Structures><str:Codelists>
<str:Codelist agencyID="SDMXD" id="CL_DISK_FULL" version="1.0">
<com:Name xml:lang="en">Written on a full disk</com:Name>
%s
</str:Codelist></str:Codelists></mes:Structures></mes:Structure>
""" % b"\n".join(b'<str:Code id="C%d"><com:Name xml:lang="en">code %d</com:Name></str:Code>' % (i, i)
                 for i in range(8000))  # some 600 kB stored: more than the room left


def free_bytes(path):
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def mount_tmpfs():
    mnt = tempfile.mkdtemp(prefix="sdmxd-full-")
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%dm" % TMPFS_MB, "tmpfs", mnt],
                       capture_output=True)
    if p.returncode != 0:
        os.rmdir(mnt)
        skip("cannot mount a tmpfs (needs root): %s" % p.stderr.decode(errors="replace").strip())
    return mnt


def fill(mnt, leave):
    """A dummy file that takes all the room but `leave` bytes."""
    path = os.path.join(mnt, "filler")
    with open(path, "wb") as f:
        size = free_bytes(mnt) - leave
        os.posix_fallocate(f.fileno(), 0, size)
    return path


def main():
    mnt = mount_tmpfs()
    srv = None
    try:
        db = os.path.join(mnt, "db")
        srv = Server(demo_data=False, db=db)
        structures = sorted(os.path.join(demo("structures"), f)
                            for f in os.listdir(demo("structures"))
                            if f.startswith("0") and f.endswith(".xml"))
        srv.load(*structures)
        token = srv.token("--provider", "SDMXD:DATA_PROVIDERS(1.0).UNSD")
        agency = srv.token("--agency", "SDMXD")
        data_file = os.path.join(db, "data.mdb")
        size0 = os.path.getsize(data_file)
        check(size0 < (TMPFS_MB << 20),
              "data.mdb is %d bytes long on a %d MB disk: its size is not what it holds" % (
                  size0, TMPFS_MB))

        filler = fill(mnt, LEFT)
        before = srv.dump()
        room = free_bytes(mnt)

        # sdmxd load: exit 1 with the reason, no signal; with several amounts of room left, as
        # the disk may stop a write at its first page or halfway through a batch of pages
        for leave in (LEFT, 0, 40 << 10, (1 << 20) + (12 << 10)):
            os.unlink(filler)
            filler = fill(mnt, leave)
            room = free_bytes(mnt)
            p = srv.load(DATA, expect=None)
            err = p.stderr.decode(errors="replace")
            check(p.returncode == 1,
                  "load with %d bytes left exited %d (negative: killed by signal %d), not 1: %s" % (
                      leave, p.returncode, -p.returncode, err[-1000:]))
            check("no space left on device" in err.lower(),
                  "load with %d bytes left does not say why: %r" % (leave, err))
            check(srv.dump() == before, "the store changed after a load that failed for lack of "
                  "space (%d bytes left)" % leave)
            check(os.path.getsize(data_file) == size0,
                  "data.mdb grew from %d to %d bytes after the failed load" % (
                      size0, os.path.getsize(data_file)))
            check(free_bytes(mnt) >= room, "the failed load kept disk space: %d bytes free, %d "
                  "before" % (free_bytes(mnt), room))
        os.unlink(filler)
        filler = fill(mnt, LEFT)
        room = free_bytes(mnt)

        # an upload over HTTP: 507 with an SDMX error; the server goes on
        srv.start()
        with open(DATA, "rb") as f:
            body = f.read()
        status, headers, answer = srv.upload(FLOW, token, body)
        code, text = sdmx_error(answer)
        check(status == 507, "upload on a full disk answered %d, not 507: %r" % (
            status, answer[:500]))
        check(code == 503, "the SDMX error code is %r, not 503: %s" % (code, text[:300]))
        check("no space left on device" in text.lower(), "the error does not say why: %s" % text)
        status, _, answer = srv.upload(FLOW, token, body, accept="application/xml")
        code, text = sdmx_error(answer)
        check(status == 507 and code == 503, "SDMX-ML: %d, code %r: %s" % (status, code, text[:300]))
        check(srv.alive(), "the server died on a full disk:\n%s" % srv.log_text())
        srv.probe()
        status, _, _ = srv.get("/data/%s" % FLOW)
        check(status == 404, "a data query after the failed uploads answered %d, not 404" % status)
        check(srv.dump() == before, "the store changed after uploads that failed for lack of space")
        check(free_bytes(mnt) >= room,
              "the failed uploads kept disk space: %d bytes free, %d before" % (
                  free_bytes(mnt), room))

        # a structure submission: 507 with an SDMX error
        status, _, answer = srv.request("POST", "/structure", body=CODELIST, headers={
            "Content-Type": "application/xml", "Authorization": "Bearer " + agency})
        check(status == 507, "structure submission on a full disk answered %d, not 507: %r" % (
            status, answer[:500]))
        code, text = sdmx_error(answer)
        check(code == 503 and "no space left" in text.lower(),
              "the submission's answer does not say why: %r" % answer[:1000])
        check(srv.dump() == before, "the store changed after a failed structure submission")
        srv.probe()

        # room again: the same upload is stored, and read back
        os.unlink(filler)
        status, _, answer = srv.upload(FLOW, token, body)
        check(status == 201, "upload after space was freed answered %d: %r" % (
            status, answer[:500]))
        status, _, answer = srv.get("/data/%s" % FLOW, headers={"Accept": "text/csv"})
        check(status == 200 and answer.count(b"\n") > 1000,
              "the data uploaded once space was back does not read back (%d)" % status)
        status, _, answer = srv.request("POST", "/structure", body=CODELIST, headers={
            "Content-Type": "application/xml", "Authorization": "Bearer " + agency})
        check(status == 201, "structure submission with room answered %d: %r" % (
            status, answer[:500]))
        srv.probe()
        srv.stop()
    finally:
        try:
            if srv is not None:
                srv.close()  # fails the test if the server died of a signal
        finally:
            subprocess.run(["umount", mnt], capture_output=True)
            os.rmdir(mnt)
    done()


if __name__ == "__main__":
    main()
