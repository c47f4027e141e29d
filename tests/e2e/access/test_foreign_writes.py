"""Access rules belong to the dataflow's maintainer: an agency token cannot grant a provider
an agreement for another agency's dataflow, give a constrained provider a second, open
agreement, or attach a constraint to another agency's dataflow, DSD or agreement. Each write
is refused with 403 and an SDMX error naming the artefact and its maintainer, the store is
unchanged, and the providers' uploads are answered as before."""
from harness import Server, check, done, sdmx_error
from foreign import (ATTACKS, EVIL_FLOW, EVIL_OWN, agreement, constraint, expect_uploads,
                     message, partial_freq, provider_tokens)


def main():
    with Server() as srv:
        evil = srv.token("--agency", "EVIL")
        tokens = provider_tokens(srv)
        srv.start()
        expect_uploads(srv, tokens, "before")
        freq_before = partial_freq(srv)
        before = srv.dump()
        for what, body, label in ATTACKS:
            for accept, fmt in (("application/xml", "xml"), ("application/json", "json")):
                st, _, answer = srv.request("POST", "/structure", body=body, headers={
                    "Authorization": "Bearer " + evil, "Content-Type": "application/xml",
                    "Accept": accept})
                code, text = sdmx_error(answer)
                check(st == 403, "%s (%s): answered %d, not 403: %s" % (what, fmt, st, answer[:400]))
                check(code == 110, "%s (%s): an SDMX error with code 110, not %s: %s" % (
                    what, fmt, code, answer[:400]))
                check(label in text and "maintained by SDMXD" in text,
                      "%s (%s): the error names %s and its maintainer: %s" % (
                          what, fmt, label, text[:600]))
            check(srv.dump() == before, "%s: the store changed" % what)
            expect_uploads(srv, tokens, what)
        # the agency re-submitting SDMXD's own agreement of ILO, changed: refused as before
        st, _, answer = srv.request("POST", "/structure", body=message(
            agreement("SDMXD", "PA_SDG_ILO", "SDMXD", "DF_SDG", "FAO")), headers={
            "Authorization": "Bearer " + evil, "Content-Type": "application/xml"})
        check(st == 403 and sdmx_error(answer)[0] == 110,
              "a changed SDMXD agreement answered %d: %s" % (st, answer[:300]))
        check(srv.dump() == before, "a changed SDMXD agreement: the store changed")
        # EVIL's own dataflow on SDMXD's DSD, with EVIL's own constraint: its business, and
        # nothing of SDMXD's dataflow on the same DSD (quarterly data is not allowed there)
        st, _, answer = srv.request("POST", "/structure", body=message(
            EVIL_FLOW, constraint("EVIL", "CC_MINE", [EVIL_OWN], series="Q", dim="FREQ")), headers={
            "Authorization": "Bearer " + evil, "Content-Type": "application/xml"})
        check(st == 201, "EVIL's own dataflow and constraint answered %d: %s" % (st, answer[:400]))
        expect_uploads(srv, tokens, "after EVIL's own rules")
        check(partial_freq(srv) == freq_before, "referencepartial of SDMXD's dataflow shows %s "
              "after EVIL's own constraint, not %s" % (partial_freq(srv), freq_before))
        srv.stop()
    done()


if __name__ == "__main__":
    main()
