noinst_LIBRARIES += libsdmx.a
libsdmx_a_SOURCES = sdmx/sdmx.h sdmx/sdmx_int.h sdmx/agreement.c sdmx/availability.c sdmx/cache.c sdmx/canon.c sdmx/compile.c sdmx/convert20.c sdmx/data_load.c sdmx/data_read.c sdmx/data_read_csv.c sdmx/data_read_json.c sdmx/data_write.c sdmx/data_json.c sdmx/message.c sdmx/model_xml.c sdmx/partial.c sdmx/relay.c \
	sdmx/query.c sdmx/shape.c sdmx/structure_json.c sdmx/structure_query.c \
	sdmx/structure_read.c sdmx/structure_xml.c
libsdmx_a_CFLAGS = $(AM_CFLAGS) $(XML_CFLAGS) $(XSLT_CFLAGS) $(YAJL_CFLAGS)
