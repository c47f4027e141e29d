"""--keep-final: the official SDG DSD and Ghana's national DSD in one store (issue 10).

Both carry SDMX:CL_FREQ(2.0), CL_OBS_STATUS(2.1) and CL_UNIT_MULT(1.1) as final codelists of
the same id and version with other content (the SDG DSD 1.0 export cut some descriptions and
lost characters), so without the option the second is refused (test_final_diff.py). With it,
the stored final codelist is kept, the message's copy is not stored, and the load notes each
one with its differences; the rest of the message is stored, and data loads against it. A
difference in codes counts like any other: with SDG DSD 1.4 stored first, Ghana's CL_AGE(1.1)
adds a code that the kept codelist lacks, so the Ghana data using that code is refused by
validation, naming the code, while the other goals load."""
from harness import Server, check, done, shared

SDG10 = shared("sdg/SDG_DSD_1.0.xml")
SDG14 = shared("sdg/SDG_DSD_1.4.xml")
GHANA = shared("sdg/national/ghana/GSS_DSD_SDG_1.2.xml")
GOAL = shared("sdg/national/ghana/Goal_%d.xml")
KEPT = ["SDMX:CL_FREQ(2.0)", "SDMX:CL_OBS_STATUS(2.1)", "SDMX:CL_UNIT_MULT(1.1)"]


def notes_of(p):
    err = p.stderr.decode(errors="replace")
    return [l for l in err.splitlines() if "final in the store with other content" in l]


def unit_mult(s):
    st, _, body = s.get("/codelist/SDMX/CL_UNIT_MULT/1.1")
    check(st == 200, "CL_UNIT_MULT(1.1) is served: %d" % st)
    return body.decode()


# the SDG DSD first: Ghana's copies of the three codelists are noted, the stored ones kept
with Server(demo_data=False) as s:
    s.load(SDG10)
    p = s.load(GHANA, flags=("--keep-final",))
    notes = notes_of(p)
    for cl in KEPT:
        check(any(cl in n for n in notes), "the load notes %s as kept: %r" % (cl, notes))
    check(len(notes) == 3, "three codelists kept, no other: %r" % notes)
    check("10^2" in p.stderr.decode(errors="replace"),
          "the notes say how the copies differ (10^2 against the stored text)")
    for g in (1, 4, 8, 17):
        p = s.load(GOAL % g, flags=("--dataflow", "GSS:DF_SDG(1.2)"))
        check(b"observations into Dataflow GSS:DF_SDG(1.2)" in p.stdout, "Goal %d loads" % g)
    s.start()
    check("10^2" not in unit_mult(s), "the stored (SDG DSD 1.0) CL_UNIT_MULT is the one served")
    st, _, body = s.get("/datastructure/GSS/SDG/1.2")
    check(st == 200, "Ghana's DSD is stored beside the SDG DSD")
    st, _, body = s.get("/datastructure/IAEG-SDGs/SDG/1.0")
    check(st == 200, "the SDG DSD is still there")

# Ghana first: the SDG DSD's damaged copies are the ones noted, Ghana's kept
with Server(demo_data=False) as s:
    s.load(GHANA)
    p = s.load(SDG10, flags=("--keep-final",))
    check(len(notes_of(p)) == 3, "the other order keeps the same three: %r" % notes_of(p))
    s.start()
    check("10^2" in unit_mult(s), "Ghana's CL_UNIT_MULT, stored first, is kept")

# a real difference in codes: the kept codelist decides what data may say
with Server(demo_data=False) as s:
    s.load(SDG14)
    p = s.load(GHANA, flags=("--keep-final",))
    check(any("IAEG-SDGs:CL_AGE(1.1)" in n for n in notes_of(p)), "CL_AGE(1.1) is kept as stored")
    check(b"'_L_GH_Y_GE11': added" in p.stderr, "the note names the code Ghana's copy adds")
    p = s.load(GOAL % 4, flags=("--dataflow", "GSS:DF_SDG(1.2)"), expect=1)
    check(b"_L_GH_Y_GE11 is not a code of Codelist IAEG-SDGs:CL_AGE(1.1)" in p.stderr,
          "data with that code is refused, naming it")
    p = s.load(GOAL % 1, flags=("--dataflow", "GSS:DF_SDG(1.2)"))
    check(b"observations into" in p.stdout, "data within the kept codes loads")

# the server does not take it: a submission that would change a final artefact is refused
with Server(demo_data=False) as s:
    p = s.run("serve", "--db", s.db, "--keep-final", timeout=10)
    check(p.returncode == 2 and b"--keep-final is an option of load" in p.stderr,
          "serve --keep-final is refused: %r" % p.stderr)

done()
