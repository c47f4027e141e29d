"""The operator may load another agency's agreements and constraints for SDMXD's dataflow
(`sdmxd load` stores anything, and says so): they count for nothing, neither for uploads nor
for detail=referencepartial, while the agency's constraint on its own dataflow still counts
there and only there."""
from harness import Server, check, done
from foreign import (DF_SDG, DSD_SDG, EVIL_FLOW, EVIL_OWN, PA_UNSD, agreement, constraint,
                     expect_uploads, message, partial_freq, provider_tokens, row)


def main():
    # the operator loads the same foreign rules: stored, but they count for nothing
    with Server() as srv:
        tokens = provider_tokens(srv)
        srv.start()
        freq_before = partial_freq(srv)
        srv.stop()
        foreign = srv.path("foreign.xml")
        with open(foreign, "wb") as f:
            f.write(message(
                EVIL_FLOW,
                agreement("EVIL", "PA_FAO", "SDMXD", "DF_SDG", "FAO"),
                agreement("EVIL", "PA_ILO_OPEN", "SDMXD", "DF_SDG", "ILO"),
                constraint("EVIL", "CC_BLOCK", [DF_SDG, DSD_SDG, PA_UNSD, EVIL_OWN],
                           series="SI_POV_EMP1"),
                # on its own dataflow only, but that dataflow shares SDMXD's DSD
                constraint("EVIL", "CC_MINE", [EVIL_OWN], series="Q", dim="FREQ")))
        p = srv.load(foreign)
        err = p.stderr.decode(errors="replace")
        check("EVIL:PA_FAO(1.0)" in err and "does not count" in err,
              "load warns that the foreign agreement does not count: %s" % err)
        check("EVIL:CC_BLOCK(1.0)" in err, "load warns of the foreign constraint: %s" % err)
        srv.start()
        st, _, body = srv.get("/provisionagreement/EVIL/PA_FAO/1.0")
        check(st == 200, "the foreign agreement is stored (%d)" % st)
        st, _, body = srv.get("/contentconstraint/EVIL/CC_BLOCK/1.0")
        check(st == 200, "the foreign constraint is stored (%d)" % st)
        expect_uploads(srv, tokens, "loaded foreign rules")
        st, _, body = srv.upload("SDMXD,DF_SDG,1.0", tokens[0], row("SI_POV_DAY1"),
                                 ctype="text/csv")
        check(st == 403 and b"EVIL:PA_FAO(1.0) does not count" in body,
              "FAO's 403 says why EVIL's agreement does not count: %s" % body[:400])
        freq = partial_freq(srv)
        check(freq == freq_before, "referencepartial of SDMXD's dataflow shows CL_FREQ %s with "
              "EVIL's constraints, not %s" % (freq, freq_before))
        # EVIL's constraint still counts for EVIL's own dataflow
        st, _, body = srv.get("/dataflow/EVIL/DF_MINE/1.0?references=descendants&detail=referencepartial")
        check(st == 200 and b'id="SI_POV_EMP1"' in body and b'id="SI_POV_DAY1"' not in body,
              "EVIL's constraint narrows EVIL's own dataflow (%d)" % st)
        check(partial_freq(srv, "EVIL/DF_MINE") == ["A", "Q"],
              "EVIL's CL_FREQ: SDMXD's DSD constraint and EVIL's own")
        srv.stop()
    done()


if __name__ == "__main__":
    main()
