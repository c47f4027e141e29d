#!/bin/sh
# make check: the layers of ../shared/DESIGN.md, held by what each library leaves undefined.
# core < dsd < registry < sdmx < server: a library may use its own layer and those below,
# never one above; LMDB is the registry's alone, libxml2/libxslt/yajl belong to sdmx/, h2o to
# server/, and dsd/ (the pure model) does no I/O through any of them. TAP, one test a rule.
top=${top_builddir:-.}
n=0
fails=0
echo "1..5"

# the undefined symbols of files $2... that match the extended regex $1
undefined() {
    pat=$1
    shift
    nm -u "$@" 2>/dev/null | awk '{print $NF}' | grep -E "$pat" | sort -u
}

rule() { # rule NAME REGEX FILES...
    name=$1
    pat=$2
    shift 2
    n=$((n + 1))
    for f in "$@"; do
        if [ ! -f "$f" ]; then
            echo "not ok $n - $name: $f is not built"
            fails=$((fails + 1))
            return
        fi
    done
    bad=$(undefined "$pat" "$@")
    if [ -z "$bad" ]; then
        echo "ok $n - $name"
    else
        echo "not ok $n - $name: $(echo "$bad" | head -5 | tr '\n' ' ')"
        fails=$((fails + 1))
    fi
}

rule "core/ uses no layer above it" '^(dsd|reg|sdmx|srv)_' "$top/libcore.a"
rule "dsd/ is pure: no registry, sdmx, server, LMDB, libxml2, yajl or h2o" \
    '^(reg|sdmx|srv)_|^(mdb_|xml|xslt|yajl_|h2o_)' "$top/libdsd.a"
rule "registry/ uses no sdmx/ or server/, no libxml2, yajl or h2o" \
    '^(sdmx|srv)_|^(xml|xslt|yajl_|h2o_)' "$top/libregistry.a"
rule "sdmx/ uses no server/, no LMDB (the registry's), no h2o" \
    '^srv_|^(mdb_|h2o_)' "$top/libsdmx.a"
rule "server/ reaches the store only through registry/ (no LMDB)" '^mdb_' "$top"/server/*.o
[ "$fails" -eq 0 ]
