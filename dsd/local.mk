noinst_LIBRARIES += libdsd.a
libdsd_a_SOURCES = dsd/dsd.h dsd/model.h dsd/model.c dsd/model_shape.h dsd/model_encode.c dsd/model_diff.c dsd/compile.c dsd/kind.c dsd/lang.c dsd/report.c dsd/structure.c dsd/text.c dsd/version.c
libdsd_a_CFLAGS = $(AM_CFLAGS) $(ICU_CFLAGS)
libdsd_a_SOURCES += dsd/period.c
libdsd_a_SOURCES += dsd/validate.h dsd/validate.c
libdsd_a_SOURCES += dsd/attrs.c
