# Each parser's fuzz target; without --enable-fuzzing a replay main() runs the seeds in
# tests/fuzz/corpus/<parser>/ (under the sanitizers in the sanitizer build).
# tests/fuzz/build.sh builds them all with clang's libFuzzer instead.
# The parsers are sdmx/'s wire formats and REST grammar: no registry, no LMDB on their link line.
FUZZ_LIBS = libsdmx_formats.a libdsd.a libcore.a $(XSLT_LIBS) $(XML_LIBS) $(YAJL_LIBS) $(ICU_LIBS)
FUZZ_TARGETS = tests/fuzz/fuzz_rest_query tests/fuzz/fuzz_structure_read \
	tests/fuzz/fuzz_data_read_xml tests/fuzz/fuzz_data_read_csv tests/fuzz/fuzz_data_read_json \
	tests/fuzz/fuzz_period tests/fuzz/fuzz_accept tests/fuzz/fuzz_model_decode \
	tests/fuzz/fuzz_rest_target
check_PROGRAMS += $(FUZZ_TARGETS)
TESTS += $(FUZZ_TARGETS)
EXTRA_DIST += tests/fuzz/README.md tests/fuzz/build.sh tests/fuzz/fuzz_events.h tests/fuzz/seed_rest.py
tests_fuzz_fuzz_rest_query_SOURCES = tests/fuzz/fuzz_rest_query.c tests/fuzz/replay.c
tests_fuzz_fuzz_rest_query_CPPFLAGS = $(AM_CPPFLAGS) \
	-DFUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/rest_query"'
# the REST grammar alone: not even libxml2
tests_fuzz_fuzz_rest_query_LDADD = libsdmx_formats.a libdsd.a libcore.a $(ICU_LIBS)
tests_fuzz_fuzz_structure_read_SOURCES = tests/fuzz/fuzz_structure_read.c tests/fuzz/replay.c
tests_fuzz_fuzz_structure_read_CPPFLAGS = $(AM_CPPFLAGS) \
	-DFUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/structure_read"'
tests_fuzz_fuzz_structure_read_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_data_read_xml_SOURCES = tests/fuzz/fuzz_data_read_xml.c tests/fuzz/replay.c
tests_fuzz_fuzz_data_read_xml_CPPFLAGS = $(AM_CPPFLAGS) \
	-DFUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/data_read_xml"'
tests_fuzz_fuzz_data_read_xml_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_data_read_csv_SOURCES = tests/fuzz/fuzz_data_read_csv.c tests/fuzz/replay.c
tests_fuzz_fuzz_data_read_csv_CPPFLAGS = $(AM_CPPFLAGS) \
	-DFUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/data_read_csv"'
tests_fuzz_fuzz_data_read_csv_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_data_read_json_SOURCES = tests/fuzz/fuzz_data_read_json.c tests/fuzz/replay.c
tests_fuzz_fuzz_data_read_json_CPPFLAGS = $(AM_CPPFLAGS) \
	-DFUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/data_read_json"'
tests_fuzz_fuzz_data_read_json_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_period_SOURCES = tests/fuzz/fuzz_period.c tests/fuzz/replay.c
tests_fuzz_fuzz_period_CPPFLAGS = $(AM_CPPFLAGS) \
	-DFUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/period"'
tests_fuzz_fuzz_period_LDADD = libdsd.a libcore.a $(ICU_LIBS)
tests_fuzz_fuzz_accept_SOURCES = tests/fuzz/fuzz_accept.c tests/fuzz/replay.c server/negotiate.c
tests_fuzz_fuzz_accept_CPPFLAGS = $(AM_CPPFLAGS) \
	-DFUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/accept"'
tests_fuzz_fuzz_accept_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_model_decode_SOURCES = tests/fuzz/fuzz_model_decode.c tests/fuzz/replay.c
tests_fuzz_fuzz_model_decode_CPPFLAGS = $(AM_CPPFLAGS) \
	-DFUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/model_decode"'
tests_fuzz_fuzz_model_decode_LDADD = libdsd.a libcore.a $(ICU_LIBS)
tests_fuzz_fuzz_rest_target_SOURCES = tests/fuzz/fuzz_rest_target.c tests/fuzz/replay.c server/target.c
tests_fuzz_fuzz_rest_target_CPPFLAGS = $(AM_CPPFLAGS) \
	-DFUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/rest_target"'
# the server's split of the target, then the REST grammar: no h2o, no libxml2
tests_fuzz_fuzz_rest_target_LDADD = libsdmx_formats.a libdsd.a libcore.a $(ICU_LIBS)
