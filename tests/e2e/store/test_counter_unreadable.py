"""Issue 10, robustness: a store counter that cannot be read is an error, not 0. A store is
copied here with its commit counter cut to 3 bytes (as a damaged store would have it): a load
into it and a query of it fail saying which counter, where they read commit 0 before (the
load then went on, and answers got the ETag of an empty store)."""
import os
import subprocess

from harness import SDMXD, Server, check, done, sdmx_error
from gen_dsd import csv, message


def damaged_copy(db, dest, counter="commit"):
    dump = subprocess.run(["mdb_dump", "-a", db], capture_output=True, text=True,
                          timeout=60).stdout.splitlines()
    out, database, cut, i = [], None, 0, 0
    while i < len(dump):
        line = dump[i]
        if line.startswith("database="):
            database = line[len("database="):]
        out.append(line)
        if database == "meta" and line == " " + counter.encode().hex():
            out.append(dump[i + 1][:7])  # " " and 3 bytes of the 8
            cut += 1
            i += 1
        i += 1
    check(cut == 1, "the %s counter was in the store's dump" % counter)
    os.makedirs(dest)
    p = subprocess.run(["mdb_load", "-f", "/dev/stdin", dest], input="\n".join(out) + "\n",
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, "mdb_load: %s" % p.stderr[-400:])


def main():
    with Server(demo_data=False) as srv:
        path = srv.path("s.xml")
        with open(path, "w") as f:
            f.write(message("DSD_C", []))
        srv.load(path)
        srv.db = srv.path("damaged")
        damaged_copy(srv.path("db"), srv.db)
        data = srv.path("d.csv")
        with open(data, "w") as f:
            f.write(csv("DSD_C", [], [("X", "2020", "1")]))
        p = subprocess.run([SDMXD, "load", "--db", srv.db, data], capture_output=True, timeout=60)
        err = p.stderr.decode(errors="replace")
        check(p.returncode == 1 and "counter commit has 3 bytes" in err,
              "the load fails on the counter (%d): %s" % (p.returncode, err[-400:]))
        srv.start()
        st, _, body = srv.get("/dataflow/T/DSD_C_DF")
        code, text = sdmx_error(body)
        check(st == 500 and "counter commit" in text, "a query: %d %s" % (st, body[:300]))
        srv.stop()
        # the data writer's counters of dataflows and series blocks: the first data of a store
        # reads both, the load fails naming the one it could not read (it took 0 before, and
        # would have numbered a dataflow or a series as one already made)
        for counter in ("flows", "blocks"):
            db = srv.path("damaged-" + counter)
            p = subprocess.run([SDMXD, "load", "--db", srv.path("first-" + counter), path],
                               capture_output=True, timeout=60)
            check(p.returncode == 0, "a fresh store for the %s counter" % counter)
            p = subprocess.run([SDMXD, "load", "--db", srv.path("first-" + counter), data],
                               capture_output=True, timeout=60)
            check(p.returncode == 0, "data makes the %s counter" % counter)
            other = srv.path("other.xml")
            with open(other, "w") as f:
                f.write(message("DSD_D", []))
            p = subprocess.run([SDMXD, "load", "--db", srv.path("first-" + counter), other],
                               capture_output=True, timeout=60)
            check(p.returncode == 0, "a second DSD, without data yet")
            damaged_copy(srv.path("first-" + counter), db, counter)
            more = srv.path("more.csv")
            with open(more, "w") as f:
                f.write(csv("DSD_C", [], [("Y", "2020", "2")]))
            p = subprocess.run([SDMXD, "load", "--db", db, more], capture_output=True, timeout=60)
            err = p.stderr.decode(errors="replace")
            if counter == "blocks":
                check(p.returncode == 1 and "counter blocks has 3 bytes" in err,
                      "a new series fails on the blocks counter (%d): %s" % (p.returncode,
                                                                          err[-400:]))
            else:
                check(p.returncode == 0, "the stored dataflow needs no new number: %s" % err[-300:])
                new = srv.path("new.csv")
                with open(new, "w") as f:
                    f.write(csv("DSD_D", [], [("X", "2020", "3")]))
                p = subprocess.run([SDMXD, "load", "--db", db, new], capture_output=True,
                                   timeout=60)
                err = p.stderr.decode(errors="replace")
                check(p.returncode == 1 and "counter flows has 3 bytes" in err,
                      "a new dataflow's data fails on the flows counter (%d): %s" % (
                          p.returncode, err[-400:]))
    done()


if __name__ == "__main__":
    main()
