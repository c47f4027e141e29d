#include <config.h>
#include "dsd/dsd.h"
#include "tap.h"

#include <time.h>

/* Expected instants come from timegm, independent of the day arithmetic under test. */
static int64_t
utc(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return (int64_t)timegm(&tm);
}

static int64_t
day(int y, int mo, int d)
{
    return utc(y, mo, d, 0, 0, 0);
}

/* Parses s and checks form, freq and [start, end). */
static void
accepts(const char *s, dsd_period_form form, char freq, int64_t start, int64_t end)
{
    dsd_period_t p;
    core_err_t err = {0};
    core_rc rc = dsd_period_parse(core_str_c(s), &p, &err);
    ok(rc == CORE_OK && p.form == form && p.freq == freq && p.start == start && p.end == end, "%s",
       s);
    if (rc != CORE_OK)
        printf("#   %s\n", err.msg);
    else if (p.start != start || p.end != end)
        printf("#   got [%lld, %lld), want [%lld, %lld)\n", (long long)p.start, (long long)p.end,
               (long long)start, (long long)end);
}

/* Expects CORE_ESYNTAX with a message that contains want (and names the value). */
static void
refuses(const char *s, size_t len, const char *want)
{
    dsd_period_t p;
    core_err_t err = {0};
    char shown[40];
    size_t n = 0;
    core_rc rc = dsd_period_parse((core_str_t){s, len}, &p, &err);
    for (; n < len && n + 1 < sizeof shown; n++) /* keep the TAP line on one line */
        shown[n] = s[n] >= 0x20 && s[n] < 0x7f ? s[n] : '?';
    shown[n] = '\0';
    ok(rc == CORE_ESYNTAX && strstr(err.msg, want) != NULL, "refuses '%s'", shown);
    if (rc != CORE_ESYNTAX || strstr(err.msg, want) == NULL)
        printf("#   rc %s, message '%s', want '%s'\n", core_rc_name(rc), err.msg, want);
}

static void
refuse(const char *s, const char *want)
{
    refuses(s, strlen(s), want);
}

static void
test_gregorian(void)
{
    accepts("2020", DSD_PERIOD_YEAR, 'A', day(2020, 1, 1), day(2021, 1, 1));
    accepts("0001", DSD_PERIOD_YEAR, 'A', day(1, 1, 1), day(2, 1, 1));
    accepts("9999", DSD_PERIOD_YEAR, 'A', day(9999, 1, 1), day(10000, 1, 1));
    accepts("1969", DSD_PERIOD_YEAR, 'A', day(1969, 1, 1), day(1970, 1, 1));
    accepts("2020-07", DSD_PERIOD_MONTH, 'M', day(2020, 7, 1), day(2020, 8, 1));
    accepts("2020-12", DSD_PERIOD_MONTH, 'M', day(2020, 12, 1), day(2021, 1, 1));
    accepts("2020-02", DSD_PERIOD_MONTH, 'M', day(2020, 2, 1), day(2020, 3, 1));
    accepts("2020-07-14", DSD_PERIOD_DAY, 'D', day(2020, 7, 14), day(2020, 7, 15));
    accepts("2020-12-31", DSD_PERIOD_DAY, 'D', day(2020, 12, 31), day(2021, 1, 1));
    accepts("2020-02-29", DSD_PERIOD_DAY, 'D', day(2020, 2, 29), day(2020, 3, 1));
    accepts("2000-02-29", DSD_PERIOD_DAY, 'D', day(2000, 2, 29), day(2000, 3, 1));
    accepts("2021-04-30", DSD_PERIOD_DAY, 'D', day(2021, 4, 30), day(2021, 5, 1));
    accepts("1900-02-28", DSD_PERIOD_DAY, 'D', day(1900, 2, 28), day(1900, 3, 1));
    refuse("2021-02-29", "2021-02 has no day 29");
    refuse("1900-02-29", "1900-02 has no day 29");
    refuse("2020-02-30", "has no day 30");
    refuse("2021-04-31", "has no day 31");
    refuse("2020-01-00", "has no day 00");
    refuse("2020-01-32", "has no day 32");
    refuse("2020-00", "month 00 does not exist");
    refuse("2020-13", "month 13 does not exist");
    refuse("2020-13-01", "month 13");
    refuse("2020-1", "after the year comes");
    refuse("2020-07-1", "a day is written with two digits");
    refuse("2020-07-", "a day is written with two digits");
    refuse("2020/07", "a time range starts with a date");
    refuse("2020-07-14 ", "unexpected ' ' at the end");
}

static void
test_datetimes(void)
{
    int64_t t = utc(2020, 7, 14, 12, 30, 15);
    accepts("2020-07-14T12:30:15", DSD_PERIOD_DATETIME, 'I', t, t + 1);
    accepts("2020-07-14T12:30:15Z", DSD_PERIOD_DATETIME, 'I', t, t + 1);
    accepts("2020-07-14T12:30:15.999", DSD_PERIOD_DATETIME, 'I', t, t + 1);
    accepts("2020-07-14T12:30:15+05:30", DSD_PERIOD_DATETIME, 'I', t - 19800, t - 19799);
    accepts("2020-07-14T12:30:15-00:00", DSD_PERIOD_DATETIME, 'I', t, t + 1);
    accepts("2020-07-14T00:00:00", DSD_PERIOD_DATETIME, 'I', day(2020, 7, 14),
            day(2020, 7, 14) + 1);
    accepts("2020-12-31T24:00:00", DSD_PERIOD_DATETIME, 'I', day(2021, 1, 1), day(2021, 1, 1) + 1);
    accepts("2020-12-31T24:00:00.000", DSD_PERIOD_DATETIME, 'I', day(2021, 1, 1),
            day(2021, 1, 1) + 1);
    accepts("2020-07-14T23:59:59+14:00", DSD_PERIOD_DATETIME, 'I', utc(2020, 7, 14, 9, 59, 59),
            utc(2020, 7, 14, 9, 59, 59) + 1);
    accepts("2020-07-14T00:00:00-14:00", DSD_PERIOD_DATETIME, 'I', utc(2020, 7, 14, 14, 0, 0),
            utc(2020, 7, 14, 14, 0, 0) + 1);
    refuse("2020-07-14T25:00:00", "25:00:00 is not a time of day");
    refuse("2020-07-14T24:00:01", "24:00:01 is not a time of day");
    refuse("2020-07-14T24:00:00.5", "is not a time of day");
    refuse("2020-07-14T12:60:00", "12:60:00 is not a time of day");
    refuse("2020-07-14T23:59:60", "23:59:60 is not a time of day");
    refuse("2020-07-14T12:00", "a time of day is written hh:mm:ss");
    refuse("2020-07-14T12", "a time of day is written hh:mm:ss");
    refuse("2020-07-14T", "a time of day is written hh:mm:ss");
    refuse("2020-07-14T12:00:00.", "a decimal point in the seconds");
    refuse("2020-07-14 12:00:00", "unexpected ' 12:00:00'");
    refuse("2020-07-14t12:00:00", "unexpected 't12:00:00'");
}

static void
test_zones(void)
{
    accepts("2020Z", DSD_PERIOD_YEAR, 'A', day(2020, 1, 1), day(2021, 1, 1));
    accepts("2020+05:30", DSD_PERIOD_YEAR, 'A', day(2020, 1, 1) - 19800, day(2021, 1, 1) - 19800);
    /* a '-' after the year is a zone when a colon follows (xs:gYear) */
    accepts("2020-05:00", DSD_PERIOD_YEAR, 'A', day(2020, 1, 1) + 18000, day(2021, 1, 1) + 18000);
    accepts("2020-07-05:00", DSD_PERIOD_MONTH, 'M', day(2020, 7, 1) + 18000,
            day(2020, 8, 1) + 18000);
    accepts("2020-07Z", DSD_PERIOD_MONTH, 'M', day(2020, 7, 1), day(2020, 8, 1));
    accepts("2020-07-14-00:00", DSD_PERIOD_DAY, 'D', day(2020, 7, 14), day(2020, 7, 15));
    accepts("2020-07-14+14:00", DSD_PERIOD_DAY, 'D', day(2020, 7, 14) - 50400,
            day(2020, 7, 15) - 50400);
    accepts("2020-Q3+05:30", DSD_PERIOD_REPORTING, 'Q', day(2020, 7, 1) - 19800,
            day(2020, 10, 1) - 19800);
    accepts("2020-Q3Z", DSD_PERIOD_REPORTING, 'Q', day(2020, 7, 1), day(2020, 10, 1));
    accepts("2020-W01-01:00", DSD_PERIOD_REPORTING, 'W', day(2019, 12, 30) + 3600,
            day(2020, 1, 6) + 3600);
    refuse("2020+14:01", "between -14:00 and +14:00");
    refuse("2020+15:00", "between -14:00 and +14:00");
    refuse("2020+05:60", "between -14:00 and +14:00");
    refuse("2020+5:30", "unexpected '+5:30'");
    refuse("2020+05:3", "a time zone is written Z, +hh:mm or -hh:mm");
    refuse("2020z", "unexpected 'z'");
    refuse("2020ZZ", "unexpected 'Z'");
    refuse("2020-07-14T12:00:00+0530", "unexpected '+0530'");
}

static void
test_reporting(void)
{
    accepts("2020-A1", DSD_PERIOD_REPORTING, 'A', day(2020, 1, 1), day(2021, 1, 1));
    accepts("2020-S1", DSD_PERIOD_REPORTING, 'S', day(2020, 1, 1), day(2020, 7, 1));
    accepts("2020-S2", DSD_PERIOD_REPORTING, 'S', day(2020, 7, 1), day(2021, 1, 1));
    accepts("2020-T1", DSD_PERIOD_REPORTING, 'T', day(2020, 1, 1), day(2020, 5, 1));
    accepts("2020-T2", DSD_PERIOD_REPORTING, 'T', day(2020, 5, 1), day(2020, 9, 1));
    accepts("2020-T3", DSD_PERIOD_REPORTING, 'T', day(2020, 9, 1), day(2021, 1, 1));
    accepts("2020-Q1", DSD_PERIOD_REPORTING, 'Q', day(2020, 1, 1), day(2020, 4, 1));
    accepts("2020-Q3", DSD_PERIOD_REPORTING, 'Q', day(2020, 7, 1), day(2020, 10, 1));
    accepts("2020-Q4", DSD_PERIOD_REPORTING, 'Q', day(2020, 10, 1), day(2021, 1, 1));
    accepts("2020-M01", DSD_PERIOD_REPORTING, 'M', day(2020, 1, 1), day(2020, 2, 1));
    accepts("2020-M07", DSD_PERIOD_REPORTING, 'M', day(2020, 7, 1), day(2020, 8, 1));
    accepts("2020-M12", DSD_PERIOD_REPORTING, 'M', day(2020, 12, 1), day(2021, 1, 1));
    accepts("2020-D001", DSD_PERIOD_REPORTING, 'D', day(2020, 1, 1), day(2020, 1, 2));
    accepts("2020-D010", DSD_PERIOD_REPORTING, 'D', day(2020, 1, 10), day(2020, 1, 11));
    accepts("2020-D060", DSD_PERIOD_REPORTING, 'D', day(2020, 2, 29), day(2020, 3, 1));
    accepts("2020-D195", DSD_PERIOD_REPORTING, 'D', day(2020, 7, 13), day(2020, 7, 14));
    accepts("2020-D366", DSD_PERIOD_REPORTING, 'D', day(2020, 12, 31), day(2021, 1, 1));
    accepts("2021-D365", DSD_PERIOD_REPORTING, 'D', day(2021, 12, 31), day(2022, 1, 1));
    refuse("2021-D366", "2021 has 365 days");
    refuse("1900-D366", "1900 has 365 days");
    accepts("2000-D366", DSD_PERIOD_REPORTING, 'D', day(2000, 12, 31), day(2001, 1, 1));
    refuse("2020-A2", "the reporting year is always A1");
    refuse("2020-A0", "the reporting year is always A1");
    refuse("2020-S0", "semesters run from S1 to S2");
    refuse("2020-S3", "semesters run from S1 to S2");
    refuse("2020-T4", "trimesters run from T1 to T3");
    refuse("2020-Q0", "quarters run from Q1 to Q4");
    refuse("2020-Q5", "quarters run from Q1 to Q4");
    refuse("2020-M00", "reporting months run from M01 to M12");
    refuse("2020-M13", "reporting months run from M01 to M12");
    refuse("2020-M7", "reporting months are written M and 2 digits");
    refuse("2020-Q01", "quarters run from Q1 to Q4");
    refuse("2020-W00", "reporting weeks run from W01 to W53");
    refuse("2020-W54", "reporting weeks run from W01 to W53");
    refuse("2020-D000", "reporting days run from D001 to D366");
    refuse("2020-D367", "reporting days run from D001 to D366");
    refuse("2020-D45", "reporting days are written D and 3 digits");
    refuse("2020-X1", "'X' is not a reporting period");
    refuse("2020-q1", "after the year comes");
    refuse("2020-Q", "quarters are written Q and 1 digit");
    refuse("2020-Q3/P1Y", "a time range starts with a date or a date-time");
}

static void
test_weeks(void)
{
    /* ISO week 1 holds the year's first Thursday and may start in December */
    accepts("2020-W01", DSD_PERIOD_REPORTING, 'W', day(2019, 12, 30), day(2020, 1, 6));
    accepts("2020-W02", DSD_PERIOD_REPORTING, 'W', day(2020, 1, 6), day(2020, 1, 13));
    accepts("2020-W27", DSD_PERIOD_REPORTING, 'W', day(2020, 6, 29), day(2020, 7, 6));
    accepts("2020-W53", DSD_PERIOD_REPORTING, 'W', day(2020, 12, 28), day(2021, 1, 4));
    accepts("2021-W01", DSD_PERIOD_REPORTING, 'W', day(2021, 1, 4), day(2021, 1, 11));
    accepts("2021-W52", DSD_PERIOD_REPORTING, 'W', day(2021, 12, 27), day(2022, 1, 3));
    refuse("2021-W53", "2021 has 52 ISO weeks");
    accepts("2015-W53", DSD_PERIOD_REPORTING, 'W', day(2015, 12, 28), day(2016, 1, 4));
    accepts("2026-W53", DSD_PERIOD_REPORTING, 'W', day(2026, 12, 28), day(2027, 1, 4));
    refuse("2019-W53", "2019 has 52 ISO weeks");
    /* 2009 starts on a Thursday: week 1 starts 2008-12-29 */
    accepts("2009-W01", DSD_PERIOD_REPORTING, 'W', day(2008, 12, 29), day(2009, 1, 5));
    /* 2010 starts on a Friday: week 1 starts 2010-01-04 */
    accepts("2010-W01", DSD_PERIOD_REPORTING, 'W', day(2010, 1, 4), day(2010, 1, 11));
    accepts("2004-W53", DSD_PERIOD_REPORTING, 'W', day(2004, 12, 27), day(2005, 1, 3));
}

static void
test_ranges(void)
{
    accepts("2020-01-01/P1Y", DSD_PERIOD_RANGE, 'N', day(2020, 1, 1), day(2021, 1, 1));
    accepts("2020-07-14/P3M", DSD_PERIOD_RANGE, 'N', day(2020, 7, 14), day(2020, 10, 14));
    accepts("2020-01-01T00:00:00/PT12H", DSD_PERIOD_RANGE, 'N', day(2020, 1, 1),
            utc(2020, 1, 1, 12, 0, 0));
    accepts("2020-07-14T12:00:00/PT1H", DSD_PERIOD_RANGE, 'N', utc(2020, 7, 14, 12, 0, 0),
            utc(2020, 7, 14, 13, 0, 0));
    accepts("2020-01-01/P1Y2M3DT4H5M6S", DSD_PERIOD_RANGE, 'N', day(2020, 1, 1),
            utc(2021, 3, 4, 4, 5, 6));
    accepts("2020-01-01/P1DT0.5S", DSD_PERIOD_RANGE, 'N', day(2020, 1, 1), day(2020, 1, 2) + 1);
    accepts("2020-01-01/PT1.0S", DSD_PERIOD_RANGE, 'N', day(2020, 1, 1), day(2020, 1, 1) + 1);
    accepts("2020-01-01/PT36H", DSD_PERIOD_RANGE, 'N', day(2020, 1, 1), utc(2020, 1, 2, 12, 0, 0));
    accepts("2020-01-01/P10D", DSD_PERIOD_RANGE, 'N', day(2020, 1, 1), day(2020, 1, 11));
    /* months pin the day to the month's end, then days are added (XML Schema appendix E) */
    accepts("2020-01-31/P1M", DSD_PERIOD_RANGE, 'N', day(2020, 1, 31), day(2020, 2, 29));
    accepts("2020-01-31/P1M1D", DSD_PERIOD_RANGE, 'N', day(2020, 1, 31), day(2020, 3, 1));
    accepts("2020-02-29/P1Y", DSD_PERIOD_RANGE, 'N', day(2020, 2, 29), day(2021, 2, 28));
    accepts("2020-01-01/P0D", DSD_PERIOD_RANGE, 'N', day(2020, 1, 1), day(2020, 1, 1) + 1);
    accepts("2020-01-01+05:30/P1D", DSD_PERIOD_RANGE, 'N', day(2020, 1, 1) - 19800,
            day(2020, 1, 2) - 19800);
    accepts("2020-01-01T06:00:00Z/PT1M", DSD_PERIOD_RANGE, 'N', utc(2020, 1, 1, 6, 0, 0),
            utc(2020, 1, 1, 6, 1, 0));
    /* 400 Gregorian years are 146097 days exactly */
    accepts("2020-01-01/P400Y", DSD_PERIOD_RANGE, 'N', day(2020, 1, 1),
            day(2020, 1, 1) + (int64_t)146097 * 86400);
    accepts("2020-01-01/P999999600Y", DSD_PERIOD_RANGE, 'N', day(2020, 1, 1),
            day(2020, 1, 1) + (int64_t)2499999 * 146097 * 86400);
    accepts("2020-01-01/P999999999DT999999999H999999999M999999999S", DSD_PERIOD_RANGE, 'N',
            day(2020, 1, 1), day(2020, 1, 1) + (int64_t)999999999 * (86400 + 3600 + 60 + 1));
    refuse("2020/P1Y", "a time range starts with a date or a date-time");
    refuse("2020-01/P1Y", "a time range starts with a date or a date-time");
    refuse("2020-01-01/", "the duration starting with P");
    refuse("2020-01-01/1Y", "the duration starting with P");
    refuse("2020-01-01/P", "at least one part");
    refuse("2020-01-01/PT", "a T in a duration must be followed");
    refuse("2020-01-01/P1YT", "a T in a duration must be followed");
    refuse("2020-01-01/P1H", "a duration is written PnYnMnDTnHnMnS");
    refuse("2020-01-01/PT1D", "a duration is written PnYnMnDTnHnMnS");
    refuse("2020-01-01/P1M1Y", "a duration is written PnYnMnDTnHnMnS");
    refuse("2020-01-01/P1Y1Y", "a duration is written PnYnMnDTnHnMnS");
    refuse("2020-01-01/P1.5Y", "a duration is written PnYnMnDTnHnMnS");
    refuse("2020-01-01/PT1.S", "a decimal point in a duration");
    refuse("2020-01-01/P1", "a duration is written PnYnMnDTnHnMnS");
    refuse("2020-01-01/P-1D", "at least one part");
    refuse("2020-01-01/p1D", "the duration starting with P");
    refuse("2020-01-01/P1D/P1D", "unexpected '/P1D'");
    refuse("2020-01-01/P1000000000Y", "at most 9 digits");
    refuse("2020-01-01/P1d", "a duration is written PnYnMnDTnHnMnS");
}

static void
test_garbage(void)
{
    char big[200];
    refuses("", 0, "empty");
    {
        dsd_period_t p;
        core_err_t err = {0};
        ok(dsd_period_parse(CORE_STR_NULL, &p, &err) == CORE_ESYNTAX && strstr(err.msg, "empty"),
           "refuses a NULL slice");
    }
    refuse("20", "does not start with a year of four digits");
    refuse("202", "does not start with a year of four digits");
    refuse("2020-", "after the year comes");
    refuse(" 2020", "does not start with a year");
    refuse("2020 ", "unexpected ' '");
    refuse("+2020", "does not start with a year");
    refuse("-2020", "does not start with a year");
    refuse("20201", "years have four digits");
    refuse("99999999999999999999", "years have four digits");
    refuse("0000", "there is no year 0000");
    refuse("0000-Q1", "there is no year 0000");
    refuse("２０２０", "does not start with a year");
    refuse("2020\n", "'2020...' is not an SDMX time period: unexpected '...' at the end");
    refuses("2020\0", 5, "unexpected '...' at the end");
    refuse("2020-Q1\x01x", "'2020-Q1...' is not an SDMX time period: unexpected '...' at the end");
    memset(big, '1', sizeof big);
    memcpy(big, "2020-01-01/PT1.", 15);
    refuses(big, sizeof big, "longer than 128 characters");
    refuses(big, sizeof big, "...' is not");
}

static void
test_slices(void)
{
    dsd_period_t p;
    ok(dsd_period_parse((core_str_t){"2020-Q1,2021", 7}, &p, NULL) == CORE_OK && p.freq == 'Q' &&
           p.start == day(2020, 1, 1),
       "a slice is read to its length only");
    ok(dsd_period_parse(CORE_STR("2020-Q5"), &p, NULL) == CORE_ESYNTAX, "NULL err is fine");
}

static void
test_bounds(void)
{
    int64_t from = 0, to = 0;
    dsd_period_t p;
    core_err_t err = {0};
    ok(dsd_period_parse_bound(CORE_STR("2020"), 0, &from, NULL) == CORE_OK &&
           from == day(2020, 1, 1),
       "startPeriod=2020 starts on 1 January 2020");
    ok(dsd_period_parse_bound(CORE_STR("2020"), 1, &to, NULL) == CORE_OK && to == day(2021, 1, 1),
       "endPeriod=2020 ends before 1 January 2021");
    ok(dsd_period_parse_bound(CORE_STR("2020-Q3"), 0, &from, NULL) == CORE_OK &&
           from == day(2020, 7, 1),
       "startPeriod=2020-Q3");
    ok(dsd_period_parse_bound(CORE_STR("2020-Q3"), 1, &to, NULL) == CORE_OK &&
           to == day(2020, 10, 1),
       "endPeriod=2020-Q3 is exclusive 2020-10-01");
    ok(dsd_period_parse_bound(CORE_STR("2020-07-14"), 1, &to, NULL) == CORE_OK &&
           to == day(2020, 7, 15),
       "endPeriod=2020-07-14 takes the whole day");
    ok(dsd_period_parse_bound(CORE_STR("2020-W01"), 0, &from, NULL) == CORE_OK &&
           from == day(2019, 12, 30),
       "startPeriod=2020-W01");
    ok(dsd_period_parse_bound(CORE_STR("2020-07-14T12:00:00Z"), 1, &to, NULL) == CORE_OK &&
           to == utc(2020, 7, 14, 12, 0, 1),
       "endPeriod as a date-time");
    from = 42;
    ok(dsd_period_parse_bound(CORE_STR("2020-13"), 0, &from, &err) == CORE_ESYNTAX && from == 42,
       "bad bound refused, out untouched");
    ok(strstr(err.msg, "'2020-13'") != NULL, "bound message names the value: %s", err.msg);

    /* mixed frequencies */
    dsd_period_parse(CORE_STR("2020"), &p, NULL);
    dsd_period_parse_bound(CORE_STR("2020-Q1"), 1, &to, NULL);
    ok(dsd_period_overlaps(&p, INT64_MIN, to), "annual 2020 overlaps endPeriod=2020-Q1");
    dsd_period_parse_bound(CORE_STR("2020-Q2"), 0, &from, NULL);
    ok(dsd_period_overlaps(&p, from, INT64_MAX), "annual 2020 overlaps startPeriod=2020-Q2");
    dsd_period_parse_bound(CORE_STR("2021"), 0, &from, NULL);
    ok(!dsd_period_overlaps(&p, from, INT64_MAX), "annual 2020 misses startPeriod=2021");
    dsd_period_parse_bound(CORE_STR("2019-12"), 1, &to, NULL);
    ok(!dsd_period_overlaps(&p, INT64_MIN, to), "annual 2020 misses endPeriod=2019-12");
    dsd_period_parse(CORE_STR("2020-03"), &p, NULL);
    dsd_period_parse_bound(CORE_STR("2020-Q2"), 0, &from, NULL);
    ok(!dsd_period_overlaps(&p, from, INT64_MAX), "monthly 2020-03 misses startPeriod=2020-Q2");
    dsd_period_parse_bound(CORE_STR("2020-Q1"), 0, &from, NULL);
    dsd_period_parse_bound(CORE_STR("2020-Q1"), 1, &to, NULL);
    ok(dsd_period_overlaps(&p, from, to), "2020-03 within start=end=2020-Q1");
    dsd_period_parse(CORE_STR("2020-04"), &p, NULL);
    ok(!dsd_period_overlaps(&p, from, to), "2020-04 outside start=end=2020-Q1");
    dsd_period_parse(CORE_STR("2020-W14"), &p, NULL); /* 2020-03-30 to 2020-04-05 */
    ok(dsd_period_overlaps(&p, from, to), "week 2020-W14 straddles the end of Q1");
    dsd_period_parse(CORE_STR("2020-03-31T23:59:59Z"), &p, NULL);
    ok(dsd_period_overlaps(&p, from, to), "last second of Q1 is in Q1");
    dsd_period_parse(CORE_STR("2020-04-01T00:00:00Z"), &p, NULL);
    ok(!dsd_period_overlaps(&p, from, to), "first second of Q2 is not in Q1");
    dsd_period_parse(CORE_STR("2020-03-31T23:00:00-01:00"), &p, NULL);
    ok(!dsd_period_overlaps(&p, from, to), "a zone moves an instant across the bound");
}

static int
key_cmp(const char *a, const char *b)
{
    dsd_period_t pa, pb;
    unsigned char ka[DSD_PERIOD_KEY], kb[DSD_PERIOD_KEY];
    if (dsd_period_parse(core_str_c(a), &pa, NULL) != CORE_OK ||
        dsd_period_parse(core_str_c(b), &pb, NULL) != CORE_OK)
        return 99;
    dsd_period_key(&pa, ka);
    dsd_period_key(&pb, kb);
    return memcmp(ka, kb, DSD_PERIOD_KEY);
}

static void
test_keys(void)
{
    static const char *const order[] = {
        "0001",
        "1066-10-14",
        "1900-02-28",
        "1969-12-31T23:59:59",
        "1970",
        "2019-12",
        "2020",
        "2020-S1",
        "2020-Q1",
        "2020-01",
        "2020-01-01",
        "2020-01-01T00:00:00",
        "2020-01-01T00:00:01",
        "2020-W02",
        "2020-02",
        "2020-07-14",
        "2020-12-31T24:00:00.0",
        "9999-12-31",
    };
    for (size_t i = 0; i + 1 < sizeof order / sizeof order[0]; i++)
        ok(key_cmp(order[i], order[i + 1]) < 0, "key %s < %s", order[i], order[i + 1]);
    ok(key_cmp("2020", "2020-A1") == 0, "2020 and 2020-A1 are the same period");
    ok(key_cmp("2020-07", "2020-M07") == 0, "2020-07 and 2020-M07 are the same period");
    ok(key_cmp("2020-07-13", "2020-D195") == 0, "2020-07-13 is 2020-D195");
    ok(key_cmp("2020-01-01/P1Y", "2020") == 0, "a one-year range is the year");
    ok(key_cmp("2020-01-01/P2Y", "2020") < 0, "a two-year range comes before the year");
    ok(key_cmp("2020-01-01/P200Y", "2020-01-01/P300Y") == 0, "lengths saturate");
    ok(key_cmp("2020-Q3+05:30", "2020-Q3") < 0, "an eastern zone starts earlier");

    dsd_period_t p = {DSD_PERIOD_YEAR, 'A', -1, 0};
    unsigned char k[DSD_PERIOD_KEY];
    dsd_period_key(&p, k);
    ok(k[0] == 0x7f && k[7] == 0xff && k[8] == 0xff && k[11] == 0xfe, "key bytes for [-1, 0)");
    p.start = 0;
    p.end = 1;
    dsd_period_key(&p, k);
    ok(k[0] == 0x80 && k[7] == 0 && k[11] == 0xfe, "key bytes for [0, 1)");
    p.end = 0;
    dsd_period_key(&p, k);
    ok(k[8] == 0xff && k[11] == 0xff, "an empty span does not underflow");
}

/* Checks FREQ=freq against s; want is NULL for acceptance, else the exact message. */
static void
freq_case(const char *s, const char *freq, const char *want)
{
    dsd_period_t p;
    core_err_t err = {0};
    if (dsd_period_parse(core_str_c(s), &p, NULL) != CORE_OK) {
        ok(0, "%s parses", s);
        return;
    }
    core_rc rc = dsd_period_check_freq(&p, core_str_c(freq), &err);
    if (want == NULL)
        ok(rc == CORE_OK, "FREQ=%s accepts %s", freq, s);
    else {
        ok(rc == CORE_ESEMANTIC, "FREQ=%s refuses %s", freq, s);
        is_str(err.msg, want, "message for %s under FREQ=%s", s, freq);
    }
}

static void
test_freq(void)
{
    freq_case("2020", "A", NULL);
    freq_case("2020-A1", "A", NULL);
    freq_case("2020-S2", "S", NULL);
    freq_case("2020-T3", "T", NULL);
    freq_case("2020-Q1", "Q", NULL);
    freq_case("2020-07", "M", NULL);
    freq_case("2020-M07", "M", NULL);
    freq_case("2020-W27", "W", NULL);
    freq_case("2020-07-14", "D", NULL);
    freq_case("2020-D195", "D", NULL);
    freq_case("2020-07-14", "B", NULL);
    freq_case("2020-D195", "B", NULL);
    freq_case("2020-07-14T12:00:00", "H", NULL);
    freq_case("2020-07-14T12:01:00Z", "N", NULL);
    freq_case("2020-01-01/P1Y", "Q", NULL);
    freq_case("2020-01-01T00:00:00/PT1H", "D", NULL);
    freq_case("2020", "X", NULL);
    freq_case("2020", "A5", NULL);
    freq_case("2020", "", NULL);

    freq_case("2020-Q1", "A", "2020-Q1 is a quarterly period but the series has FREQ=A (annual)");
    freq_case("2020", "Q", "2020 is an annual period but the series has FREQ=Q (quarterly)");
    freq_case("2020-A1", "M", "2020-A1 is an annual period but the series has FREQ=M (monthly)");
    freq_case("2020-07", "D", "2020-07 is a monthly period but the series has FREQ=D (daily)");
    freq_case("2020-M07", "Q",
              "2020-M07 is a monthly period but the series has FREQ=Q (quarterly)");
    freq_case("2020-S2", "Q",
              "2020-S2 is a half-yearly period but the series has FREQ=Q (quarterly)");
    freq_case("2020-T2", "S",
              "2020-T2 is a four-monthly period but the series has FREQ=S (half-yearly)");
    freq_case("2020-Q3", "T",
              "2020-Q3 is a quarterly period but the series has FREQ=T (four-monthly)");
    freq_case("2020-W01", "M", "2020-W01 is a weekly period but the series has FREQ=M (monthly)");
    freq_case("2020-W53", "D", "2020-W53 is a weekly period but the series has FREQ=D (daily)");
    freq_case("2021-W01", "A", "2021-W01 is a weekly period but the series has FREQ=A (annual)");
    freq_case("2020-07-14", "W", "2020-07-14 is a daily period but the series has FREQ=W (weekly)");
    freq_case("2020-D195", "M", "2020-D195 is a daily period but the series has FREQ=M (monthly)");
    freq_case("2020-D366", "A", "2020-D366 is a daily period but the series has FREQ=A (annual)");
    freq_case("2020-07-14", "H", "2020-07-14 is a daily period but the series has FREQ=H (hourly)");
    freq_case("2020-07-14T12:00:00", "D",
              "2020-07-14T12:00:00Z is a point in time but the series has FREQ=D (daily)");
    freq_case("2020-07", "B",
              "2020-07 is a monthly period but the series has FREQ=B (business-daily)");
    freq_case("2020-Q1+05:30", "A",
              "the period starting 2019-12-31T18:30:00Z is a quarterly period but the series "
              "has FREQ=A (annual)");
    freq_case("1969-Q4", "M", "1969-Q4 is a quarterly period but the series has FREQ=M (monthly)");
}

int
main(void)
{
    test_gregorian();
    test_datetimes();
    test_zones();
    test_reporting();
    test_weeks();
    test_ranges();
    test_garbage();
    test_slices();
    test_bounds();
    test_keys();
    test_freq();
    return tap_done();
}
