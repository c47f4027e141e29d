# sdmx/ splits by job into three libraries; each one's link line shows what it may touch
# (docs/architecture.md; tests/layers.sh holds it):
#   formats  the wire formats and the REST grammar: pure syntax, no store call
#   query    the plan over the registry (dataflow, DSD, key filter, providers, references,
#            availability) and the data answer that drives the formats' writers
#   ingest   reader -> validator -> cube writer, the two-thread relay
SDMX_CFLAGS = $(AM_CFLAGS) $(XML_CFLAGS) $(XSLT_CFLAGS) $(YAJL_CFLAGS)
# what a program using the whole of sdmx/ links, highest layer first
SDMX_LIBS = libsdmx_ingest.a libsdmx_query.a libsdmx_formats.a

noinst_LIBRARIES += libsdmx_formats.a
libsdmx_formats_a_SOURCES = sdmx/sdmx.h sdmx/sdmx_int.h sdmx/canon.c sdmx/convert20.c \
	sdmx/data_csv.c sdmx/data_json.c sdmx/data_read.c sdmx/data_read_csv.c \
	sdmx/data_read_json.c sdmx/data_xml.c sdmx/message.c sdmx/model_xml.c sdmx/query.c sdmx/shape.c \
	sdmx/structure_json.c sdmx/structure_read.c sdmx/structure_xml.c
libsdmx_formats_a_CFLAGS = $(SDMX_CFLAGS)

noinst_LIBRARIES += libsdmx_query.a
libsdmx_query_a_SOURCES = sdmx/sdmx.h sdmx/sdmx_int.h sdmx/availability.c \
	sdmx/cache.c sdmx/compile.c sdmx/data_plan.c sdmx/partial.c sdmx/structure_query.c
libsdmx_query_a_CFLAGS = $(SDMX_CFLAGS)

noinst_LIBRARIES += libsdmx_ingest.a
libsdmx_ingest_a_SOURCES = sdmx/sdmx.h sdmx/sdmx_int.h sdmx/data_load.c sdmx/relay.c
libsdmx_ingest_a_CFLAGS = $(SDMX_CFLAGS)
