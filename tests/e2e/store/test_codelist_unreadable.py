"""Issue 10, robustness: a codelist that cannot be read is an error, not "any code". A store is
copied here without the codelist its DSD names (as a damaged or partly restored store would
be); a load into it is refused whole (over HTTP it would be a 500: the store's fault), naming the codelist and the dimension, both for a code
the codelist never had (it was stored: any code passed) and for one it has; nothing is
stored."""
import os
import subprocess

from harness import SDMXD, Server, check, done
from gen_dsd import csv, message


def without(db, key, dest):
    """A copy of the store db without the artefact whose LMDB key is key."""
    dump = subprocess.run(["mdb_dump", "-a", db], capture_output=True, text=True,
                          timeout=60).stdout.splitlines()
    out, database, skip, dropped = [], None, False, 0
    for line in dump:
        if skip:
            skip = False
            continue
        if line.startswith("database="):
            database = line[len("database="):]
        if database == "art" and line == " " + key.hex():
            skip, dropped = True, dropped + 1
            continue
        out.append(line)
    check(dropped == 1, "the codelist was in the store's dump")
    os.makedirs(dest)
    p = subprocess.run(["mdb_load", "-f", "/dev/stdin", dest], input="\n".join(out) + "\n",
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, "mdb_load: %s" % p.stderr[-400:])


def main():
    with Server(demo_data=False) as srv:
        path = srv.path("s.xml")
        with open(path, "w") as f:
            f.write(message("DSD_CL", []))
        srv.load(path)
        damaged = srv.path("damaged")
        without(srv.db, b"\x08T\x00CL_A\x001.0", damaged)  # kind 8: codelist, T:CL_A(1.0)
        for code in ("Z", "X"):
            data = srv.path("%s.csv" % code)
            with open(data, "w") as f:
                f.write(csv("DSD_CL", [], [(code, "2020", "1")]))
            p = subprocess.run([SDMXD, "load", "--db", damaged, data], capture_output=True,
                               timeout=60)
            err = p.stderr.decode(errors="replace")
            check(p.returncode == 1, "code %s: the load exited %d: %s" % (code, p.returncode, err))
            check("Codelist T:CL_A(1.0)" in err and "for A" in err and "cannot be read" in err,
                  "code %s: the error names the codelist and dimension: %s" % (code, err[-500:]))
        srv.db = damaged
        srv.start()
        st, _, body = srv.get("/data/T,DSD_CL_DF/all?format=csv")
        check(st == 404, "nothing was stored (%d): %s" % (st, body[:200]))
    done()


if __name__ == "__main__":
    main()
