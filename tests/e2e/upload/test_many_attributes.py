"""Issue 10, robustness: attributes past the 64th take part in the mandatory check. A DSD
generated here has 70 observation attributes, the 70th mandatory: data without it is
refused naming it (it was let through), data with it loads. A DSD with more than 64
mandatory attributes (the masks' width) refuses data with a clear error instead of checking
only the first 64."""
from harness import Server, check, done
from gen_dsd import attribute, csv, message

N = 70
NAMES = ["AT%02d" % i for i in range(1, N + 1)]


def write(srv, name, text):
    path = srv.path(name)
    with open(path, "w") as f:
        f.write(text)
    return path


def main():
    with Server(demo_data=False) as srv:
        srv.load(write(srv, "wide.xml", message(
            "DSD_WIDE", [attribute(a, mandatory=(a == NAMES[-1])) for a in NAMES])))
        # every attribute but the mandatory 70th given
        given = NAMES[:-1]
        row = ("X", "2020", "1.5") + tuple("v" for _ in given)
        p = srv.load(write(srv, "missing.csv", csv("DSD_WIDE", given, [row])), expect=1)
        err = p.stderr.decode(errors="replace")
        check("the mandatory attribute %s has no value" % NAMES[-1] in err,
              "the missing 70th attribute is reported: %s" % err[-600:])
        # the 70th alone, empty: still missing
        p = srv.load(write(srv, "empty.csv", csv("DSD_WIDE", [NAMES[-1]], [("X", "2020", "1", "")])),
                     expect=1)
        check("the mandatory attribute %s has no value" % NAMES[-1] in p.stderr.decode(),
              "an empty value is no value: %s" % p.stderr.decode()[-400:])
        # with it, the data loads
        srv.load(write(srv, "full.csv", csv("DSD_WIDE", NAMES,
                                            [("X", "2020", "1.5") + tuple("v" for _ in NAMES)])))
        # 65 mandatory attributes: refused with a reason, not checked in part
        srv.load(write(srv, "many.xml", message(
            "DSD_MAND", [attribute(a, mandatory=True) for a in NAMES[:65]], with_common=False)))
        p = srv.load(write(srv, "mand.csv", csv("DSD_MAND", NAMES[:65],
                                                [("X", "2020", "1") + tuple("v" for _ in range(65))])),
                     expect=1)
        err = p.stderr.decode(errors="replace")
        check("DSD_MAND" in err and "more than 64 mandatory attributes" in err,
              "more mandatory attributes than the masks hold: %s" % err[-600:])
        srv.start()
        st, _, body = srv.get("/data/T,DSD_WIDE_DF/all?format=csv")
        lines = body.decode().strip().splitlines()
        check(st == 200 and len(lines) == 2 and lines[0].endswith("," + NAMES[-1]),
              "only the complete row was stored: %s" % body[:300])
        st, _, _ = srv.get("/data/T,DSD_MAND_DF/all?format=csv")
        check(st == 404, "nothing stored for DSD_MAND (%d)" % st)
    done()


if __name__ == "__main__":
    main()
