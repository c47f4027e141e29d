#!/bin/sh
# Checks the SDMX-JSON 1.0 structure writer (sdmx/structure_json.c): builds
# json_structure_check.c plainly and under ASan+UBSan, converts SDMX-ML 2.1 Structure
# messages with several Accept-Language values, validates every output against the
# SDMX-JSON 1.0 structure schema and checks facts against the SDMX-ML input.
# Usage: tests/unit/json_structure_check.sh [FILE.xml ...]   (ends "N passed, N failed")
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${SHARED_DIR:-$ROOT/../shared}
WORK=${JCHECK_DIR:-/tmp/jcheck}
PY=/usr/bin/python3
mkdir -p "$WORK/out"
: >"$WORK/config.h" # every .c includes <config.h>; nothing in it is needed here

PKGS="libxml-2.0 yajl icu-uc icu-i18n"
CFLAGS="-std=c11 -D_GNU_SOURCE -DH2O_USE_LIBUV=0 -Wall -Wextra -Wshadow -Wstrict-prototypes
 -Wmissing-prototypes -Wformat=2 -Wvla -Wimplicit-fallthrough -Werror -g"
SRC="$ROOT/tests/unit/json_structure_check.c $ROOT/sdmx/structure_json.c $ROOT/core/*.c $ROOT/dsd/*.c"
# shellcheck disable=SC2086
gcc $CFLAGS -O2 -I"$WORK" -I"$ROOT" $(pkg-config --cflags $PKGS) -o "$WORK/jcheck" $SRC \
    $(pkg-config --libs $PKGS) || exit 1
# shellcheck disable=SC2086
gcc $CFLAGS -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
    -I"$WORK" -I"$ROOT" $(pkg-config --cflags $PKGS) -o "$WORK/jcheck_san" $SRC \
    $(pkg-config --libs $PKGS) || exit 1

if [ $# -eq 0 ]; then
    set -- "$SHARED/data/sdg/SDG_DSD_1.0.xml" "$SHARED/data/sdg/SDG_DSD_1.4.xml" \
        "$SHARED/data/sdg/SDG_MSD_0.3_sdmx21.xml" \
        "$SHARED/data/sdg/national/ghana/GSS_DSD_SDG_1.2.xml" \
        "$SHARED/data/samples/ecb-exr/ECB_EXR1_structure.xml" \
        $(grep -l -r --include='*.xml' 'Structures>' "$SHARED/data/samples/sdmx-ml-2.1" | sort) \
        $(ls "$ROOT"/demo/structures/*.xml 2>/dev/null)
fi

pass=0
fail=0
: >"$WORK/list"
i=0
for f in "$@"; do
    for lang in "en" "fr" "fr-CA,fr;q=0.9,en;q=0.5" "es,*;q=0.1"; do
        i=$((i + 1))
        out="$WORK/out/$i.json"
        # the sanitized build's output is the one checked; ASan/UBSan findings abort it
        if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
            "$WORK/jcheck_san" "$f" "$lang" >"$out" 2>"$WORK/out/$i.err"; then
            printf '%s\t%s\t%s\n' "$f" "$lang" "$out" >>"$WORK/list"
        else
            echo "FAIL $f [$lang]: converter failed"
            sed 's/^/    /' "$WORK/out/$i.err" | head -20
            fail=$((fail + 1))
        fi
        if [ -s "$WORK/out/$i.err" ]; then
            echo "NOTE $f [$lang]: stderr not empty"
            sed 's/^/    /' "$WORK/out/$i.err" | head -5
        fi
    done
done

SCHEMA="$SHARED/data/schemas/sdmx-json-1.0/sdmx-json-structure-schema.json" \
    "$PY" - "$WORK/list" >"$WORK/py.out" <<'PYEOF'
import json, os, sys, xml.etree.ElementTree as ET
import jsonschema

schema = json.load(open(os.environ["SCHEMA"]))
# the schema says only "http://json-schema.org/schema#"; its keywords are draft 4's
V = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

def local(tag):
    return tag.rsplit("}", 1)[-1]

def names_of(el):
    out = {}
    for c in el:
        if local(c.tag) == "Name":
            out.setdefault(c.get(XML_LANG, "en"), c.text or "")
    return out

def expect_name(names, accept):
    # what dsd_langpref_pick should choose for these tests' Accept-Language values
    order = {"en": ["en"], "fr": ["fr", "en"], "fr-CA,fr;q=0.9,en;q=0.5": ["fr-CA", "fr", "en"],
             "es,*;q=0.1": ["es", "en"]}[accept]
    for l in order:
        if l in names:
            return names[l]
    return next(iter(names.values()))

def xml_items(path):
    """(kind json property, agency, id, version) -> {item id: names} for item schemes."""
    out, kinds = {}, {"Codelist": ("codelists", "Code"), "ConceptScheme": ("conceptSchemes", "Concept"),
                      "AgencyScheme": ("agencySchemes", "Agency")}
    root = ET.parse(path).getroot()
    for el in root.iter():
        k = kinds.get(local(el.tag))
        if k is None or el.get("agencyID") is None:
            continue
        key = (k[0], el.get("agencyID"), el.get("id"), el.get("version", "1.0"))
        out[key] = {c.get("id"): names_of(c) for c in el if local(c.tag) == k[1]}
    return out

def check_facts(path, accept, doc, errs):
    data = doc["data"]
    base = os.path.basename(path)
    if base == "SDG_DSD_1.0.xml" and len(data.get("codelists", [])) != 20:
        errs.append("expected 20 codelists, got %d" % len(data.get("codelists", [])))
    items = xml_items(path)
    seen = 0
    for prop, field in (("codelists", "codes"), ("conceptSchemes", "concepts"), ("agencySchemes", "agencies")):
        for m in data.get(prop, []):
            key = (prop, m["agencyID"], m["id"], m.get("version", "1.0"))
            want = items.get(key)
            if want is None:
                errs.append("%s %s not in the XML" % (prop, key))
                continue
            got = m.get(field, [])
            if len(got) != len(want):
                errs.append("%s %s: %d items, XML has %d" % (prop, key[2], len(got), len(want)))
            for it in got:
                names = want.get(it["id"])
                if names and it["name"] != expect_name(names, accept):
                    errs.append("%s %s.%s: name %r, expected %r" % (prop, key[2], it["id"], it["name"], expect_name(names, accept)))
                if names and it["names"] != names:
                    errs.append("%s %s.%s: names differ" % (prop, key[2], it["id"]))
                seen += 1
    langs = doc["meta"]["contentLanguages"]
    if accept.startswith("fr") and any("fr" in n for w in items.values() for n in w.values()):
        if langs[0] != "fr":
            errs.append("contentLanguages %r should start with fr" % langs)
    if accept == "en" and "en" in langs and langs[0] != "en":
        errs.append("contentLanguages %r should start with en" % langs)
    return seen

ok = bad = 0
for line in open(sys.argv[1]):
    path, accept, out = line.rstrip("\n").split("\t")
    errs = []
    try:
        doc = json.load(open(out))
    except ValueError as e:
        errs.append("not JSON: %s" % e)
        doc = None
    if doc is not None:
        for e in sorted(V.iter_errors(doc), key=lambda e: list(e.absolute_path))[:20]:
            errs.append("schema: %s at /%s" % (e.message[:200], "/".join(map(str, e.absolute_path))))
        if not doc.get("data"):
            errs.append("no artefacts")
        seen = check_facts(path, accept, doc, errs)
    counts = ", ".join("%d %s" % (len(v), k) for k, v in (doc or {}).get("data", {}).items())
    if errs:
        bad += 1
        print("FAIL %s [%s]: %s" % (path, accept, counts))
        for e in errs[:20]:
            print("    " + e)
    else:
        ok += 1
        print("ok   %s [%s]: %s; %d item names checked" % (path, accept, counts, seen))
print("PY %d %d" % (ok, bad))
PYEOF
grep -v '^PY ' "$WORK/py.out"
set -- $(sed -n 's/^PY //p' "$WORK/py.out")
pass=$((pass + ${1:-0}))
fail=$((fail + ${2:-1}))
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
