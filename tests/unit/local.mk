check_PROGRAMS += tests/unit/test_core tests/unit/test_dsd tests/unit/test_sdmx
TESTS += tests/unit/test_core tests/unit/test_dsd tests/unit/test_sdmx
tests_unit_test_core_SOURCES = tests/unit/test_core.c tests/unit/tap.h
tests_unit_test_core_LDADD = libcore.a
tests_unit_test_dsd_SOURCES = tests/unit/test_dsd.c tests/unit/tap.h
tests_unit_test_dsd_LDADD = libdsd.a libcore.a $(ICU_LIBS)
tests_unit_test_sdmx_SOURCES = tests/unit/test_sdmx.c tests/unit/tap.h
tests_unit_test_sdmx_LDADD = libsdmx_formats.a libdsd.a libcore.a $(XSLT_LIBS) $(XML_LIBS) \
	$(YAJL_LIBS) $(ICU_LIBS)
check_PROGRAMS += tests/unit/test_period
TESTS += tests/unit/test_period
tests_unit_test_period_SOURCES = tests/unit/test_period.c tests/unit/tap.h
tests_unit_test_period_LDADD = libdsd.a libcore.a $(ICU_LIBS)
check_PROGRAMS += tests/unit/test_registry
TESTS += tests/unit/test_registry
tests_unit_test_registry_SOURCES = tests/unit/test_registry.c tests/unit/tap.h
tests_unit_test_registry_LDADD = libregistry.a libdsd.a libcore.a $(LMDB_LIBS) $(ICU_LIBS)
