#!/bin/sh
# Builds every fuzz target with clang's libFuzzer (ASan and UBSan) into OUT (default
# /tmp/sdmxd-fuzz): the project's sources are compiled once into lib.a, then each target is
# linked against it. Run from the top of the source tree: sh tests/fuzz/build.sh [OUT]
set -e
OUT=${1:-/tmp/sdmxd-fuzz}
CC=${CC:-clang}
mkdir -p "$OUT/obj"
touch "$OUT/config.h"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -g -O1"
CFLAGS="$SAN -I. -I$OUT -DH2O_USE_LIBUV=0 -D_GNU_SOURCE $(pkg-config --cflags libxml-2.0 libxslt yajl)"
LIBS="$(pkg-config --libs libxml-2.0 libxslt yajl icu-uc icu-i18n lmdb) -lpthread -lm"
objs=""
for src in core/*.c dsd/*.c sdmx/*/*.c registry/*.c registry/store/*.c server/negotiate.c \
    server/target.c; do
    obj="$OUT/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')"
    if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ]; then
        $CC $CFLAGS -fsanitize=fuzzer-no-link -c "$src" -o "$obj"
    fi
    objs="$objs $obj"
done
rm -f "$OUT/lib.a"
ar rcs "$OUT/lib.a" $objs
for t in tests/fuzz/fuzz_*.c; do
    name=$(basename "$t" .c)
    $CC $CFLAGS -fsanitize=fuzzer -o "$OUT/$name" "$t" "$OUT/lib.a" $LIBS
done
echo "built in $OUT: $(cd "$OUT" && ls fuzz_* | tr '\n' ' ')"
