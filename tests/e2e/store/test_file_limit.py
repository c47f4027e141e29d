"""A file size limit (RLIMIT_FSIZE, `ulimit -f`) that a load passes is reported as a store
without room (exit 1, the store as it was), not the process killed by SIGXFSZ."""
import os
import resource
import subprocess

from harness import SDMXD, Server, check, demo, done

STRUCTURES = ["01_common", "02_sdg", "03_migration", "04_digital_economy", "05_registry"]

with Server(demo_data=False) as srv:
    srv.load(*[demo("structures/%s.xml" % n) for n in STRUCTURES])
    limit = os.path.getsize(os.path.join(srv.db, "data.mdb")) + 65536
    before = srv.dump()
    p = subprocess.run([SDMXD, "load", "--db", srv.db, demo("data/sdg.xml")],
                       capture_output=True, timeout=300,
                       preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE,
                                                             (limit, limit)))
    err = p.stderr.decode(errors="replace")
    check(p.returncode == 1, "a load past the file size limit exits 1, not %d: %s" % (
        p.returncode, err[-500:]))
    check("no space left" in err, "it says why: %s" % err[-500:])
    check(srv.dump() == before, "the store is as it was")
    srv.load(demo("data/sdg.xml"))  # without the limit, it loads
done()
