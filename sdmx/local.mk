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
libsdmx_formats_a_SOURCES = sdmx/sdmx.h sdmx/sdmx_int.h sdmx/formats/canon.c \
	sdmx/formats/convert20.c sdmx/formats/data_csv.c sdmx/formats/data_json.c \
	sdmx/formats/data_read.c sdmx/formats/data_read_csv.c sdmx/formats/data_read_json.c \
	sdmx/formats/data_xml.c sdmx/formats/ids.c sdmx/formats/message.c sdmx/formats/model_xml.c \
	sdmx/formats/query.c sdmx/formats/schema_xsd.c sdmx/formats/shape.c \
	sdmx/formats/structure_json.c \
	sdmx/formats/structure_read.c sdmx/formats/structure_xml.c
libsdmx_formats_a_SOURCES += sdmx/formats/structure_merge.c
libsdmx_formats_a_CFLAGS = $(SDMX_CFLAGS)

noinst_LIBRARIES += libsdmx_query.a
libsdmx_query_a_SOURCES = sdmx/sdmx.h sdmx/sdmx_int.h sdmx/query/availability.c \
	sdmx/query/cache.c sdmx/query/compile.c sdmx/query/data_plan.c sdmx/query/partial.c \
	sdmx/query/schema.c sdmx/query/structure_query.c
libsdmx_query_a_CFLAGS = $(SDMX_CFLAGS)

noinst_LIBRARIES += libsdmx_ingest.a
libsdmx_ingest_a_SOURCES = sdmx/sdmx.h sdmx/sdmx_int.h sdmx/ingest/data_load.c \
	sdmx/ingest/relay.c
libsdmx_ingest_a_CFLAGS = $(SDMX_CFLAGS)
