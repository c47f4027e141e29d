#!/bin/sh
# make check: the layers of ../shared/DESIGN.md, held by what each library leaves undefined.
#   core < dsd < store < registry, sdmx formats < sdmx query < sdmx ingest < server
# A library may use its own layer and those below, never one above: no undefined symbol of
# it is one that a library above it defines (computed with nm --defined-only, so the rules
# follow the code, not name prefixes). The wire formats (libsdmx_formats.a: readers,
# writers, the REST grammar) sit beside the registry, not on it: they make no store call.
# Foreign libraries have one owner each: LMDB the store (registry/store/), libxml2/libxslt/
# yajl sdmx/, h2o server/; dsd/ (the pure model) does no I/O through any of them. TAP, one test a rule.
top=${top_builddir:-.}
n=0
fails=0
echo "1..10"

core="$top/libcore.a"
dsd="$top/libdsd.a"
store="$top/libstore.a"
registry="$top/libregistry.a"
formats="$top/libsdmx_formats.a"
query="$top/libsdmx_query.a"
ingest="$top/libsdmx_ingest.a"
server=$(ls "$top"/server/sdmxd-*.o "$top"/server/*/sdmxd-*.o 2>/dev/null)
[ -n "$server" ] || server="$top/server/sdmxd-main.o" # reported as not built
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the global symbols that files $@ define
defined() {
    nm --defined-only -g "$@" 2>/dev/null | awk 'NF == 3 {print $3}' | sort -u
}

# the undefined symbols of files $@
undefined() {
    nm -u "$@" 2>/dev/null | awk '$1 == "U" {print $2}' | sort -u
}

# rule NAME "FILES ABOVE" REGEX FILES...: FILES use no symbol that FILES ABOVE define, nor
# one that matches the extended regex REGEX (a foreign library's; "" for none)
rule() {
    name=$1
    above=$2
    pat=$3
    shift 3
    n=$((n + 1))
    for f in "$@" $above; do
        if [ ! -f "$f" ]; then
            echo "not ok $n - $name: $f is not built"
            fails=$((fails + 1))
            return
        fi
    done
    undefined "$@" >"$tmp/u"
    defined $above >"$tmp/d"
    bad=$( (comm -12 "$tmp/u" "$tmp/d"; [ -z "$pat" ] || grep -E "$pat" "$tmp/u") | sort -u)
    if [ -z "$bad" ]; then
        echo "ok $n - $name"
    else
        echo "not ok $n - $name: $(echo "$bad" | head -5 | tr '\n' ' ')"
        fails=$((fails + 1))
    fi
}

rule "core/ uses no layer above it" "$dsd $store $registry $formats $query $ingest $server" "" \
    "$core"
rule "dsd/ is pure: no store, registry, sdmx, server, LMDB, libxml2, yajl or h2o" \
    "$store $registry $formats $query $ingest $server" '^(mdb_|xml|xslt|yajl_|h2o_)' "$dsd"
rule "registry/store/ uses no registry, sdmx/ or server/, no libxml2, yajl or h2o" \
    "$registry $formats $query $ingest $server" '^(xml|xslt|yajl_|h2o_)' "$store"
rule "registry/ uses no sdmx/ or server/, and reaches LMDB only through its store" \
    "$formats $query $ingest $server" '^(mdb_|xml|xslt|yajl_|h2o_)' "$registry"
rule "sdmx/ uses no server/, no LMDB (the store's), no h2o" "$server" '^(mdb_|h2o_)' \
    "$formats" "$query" "$ingest"
rule "sdmx formats make no store call (registry/store/, store_*)" "$store" '^store_' "$formats"
rule "sdmx formats use nothing of the registry (reg_*)" "$registry" '^reg_' "$formats"
rule "sdmx formats use no query planning or ingest" "$query $ingest" "" "$formats"
rule "sdmx query uses no ingest" "$ingest" "" "$query"
rule "server/ reaches the store only through registry/store/ (no LMDB)" "" '^mdb_' $server
[ "$fails" -eq 0 ]
