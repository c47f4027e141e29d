# Each parser's fuzz target; without --enable-fuzzing a replay main() runs the seeds in
# tests/fuzz/corpus/<parser>/ (under the sanitizers in the sanitizer build).
FUZZ_LIBS = libsdmx.a libregistry.a libdsd.a libcore.a $(LMDB_LIBS) $(XSLT_LIBS) $(XML_LIBS) $(YAJL_LIBS) \
	$(ICU_LIBS)
check_PROGRAMS += tests/fuzz/fuzz_rest_query tests/fuzz/fuzz_structure_read
TESTS += tests/fuzz/fuzz_rest_query tests/fuzz/fuzz_structure_read
tests_fuzz_fuzz_rest_query_SOURCES = tests/fuzz/fuzz_rest_query.c tests/fuzz/replay.c
tests_fuzz_fuzz_rest_query_CPPFLAGS = $(AM_CPPFLAGS) \
	-DFUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/rest_query"'
tests_fuzz_fuzz_rest_query_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_structure_read_SOURCES = tests/fuzz/fuzz_structure_read.c tests/fuzz/replay.c
tests_fuzz_fuzz_structure_read_CPPFLAGS = $(AM_CPPFLAGS) \
	-DFUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/structure_read"'
tests_fuzz_fuzz_structure_read_LDADD = $(FUZZ_LIBS)
