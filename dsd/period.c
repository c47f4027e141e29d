/* Time periods: the SDMX 2.1 ObservationalTimePeriodType of SDMXCommon.xsd turned into
 * half-open UTC intervals [start, end) of whole seconds. */
#include <config.h>
#include "dsd.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define DAY 86400
/* A range with a date-time, a zone and every duration part at full width stays under 100
 * characters; longer input (endless fraction digits) is refused before it is walked. */
#define PERIOD_MAX_LEN 128
/* Duration parts are bounded so that int64 seconds cannot overflow: 10^9 years is about
 * 3.2e16 seconds, far below 9.2e18. */
#define DUR_MAX_DIGITS 9
/* How much of a bad value an error message echoes. */
#define SHOW_MAX 64

typedef struct cursor {
    const char *p, *end;
    core_str_t whole; /* the value, for messages */
    core_err_t *err;
} cursor_t;

/* Local (zone-less) calendar fields of a period's start, kept for duration arithmetic. */
typedef struct civil {
    int y, m, d;
    int64_t tod; /* seconds into the day, 0..86400 (24:00:00 is allowed) */
} civil_t;

/* Parts of an xs:duration, PnYnMnDTnHnMnS. */
typedef struct duration {
    int64_t date[3]; /* Y, M, D */
    int64_t time[3]; /* H, M, S */
    int frac;        /* the seconds had a non-zero fraction */
} duration_t;

/* One kind of standard reporting period (2020-Q3): how it is written and how long it is. */
typedef struct reporting {
    char letter;
    int digits; /* the period number has exactly this many digits */
    int max;    /* highest number; weeks and days are further limited per year */
    int months; /* length in months; 0 for weeks and days */
    const char *plural;
} reporting_t;

static const reporting_t reportings[] = {
    {'A', 1, 1, 12, "reporting years"},  {'S', 1, 2, 6, "semesters"},
    {'T', 1, 3, 4, "trimesters"},        {'Q', 1, 4, 3, "quarters"},
    {'M', 2, 12, 1, "reporting months"}, {'W', 2, 53, 0, "reporting weeks"},
    {'D', 3, 366, 0, "reporting days"},
};

/* A FREQ code of SDMX CL_FREQ and the dsd_period_t.freq values it admits. */
typedef struct freq_info {
    char code;
    const char *name; /* "annual", for "FREQ=A (annual)" */
    const char *accepts;
} freq_info_t;

static const freq_info_t freqs[] = {
    {'A', "annual", "A"},    {'S', "half-yearly", "S"},    {'T', "four-monthly", "T"},
    {'Q', "quarterly", "Q"}, {'M', "monthly", "M"},        {'W', "weekly", "W"},
    {'D', "daily", "D"},     {'B', "business-daily", "D"}, {'H', "hourly", "I"},
    {'N', "minutely", "I"},
};

/* Length of the printable ASCII prefix of s, at most SHOW_MAX: messages echo only that, as
 * they may end up in XML or on a terminal. */
static int
printable(const char *s, size_t len)
{
    size_t n = 0;
    while (n < len && n < SHOW_MAX && s[n] >= 0x20 && s[n] < 0x7f)
        n++;
    return (int)n;
}

static core_rc bad(const cursor_t *c, const char *fmt, ...) CORE_PRINTF(2, 3);

static core_rc
bad(const cursor_t *c, const char *fmt, ...)
{
    char why[200];
    va_list ap;
    int show = printable(c->whole.ptr, c->whole.len);
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return core_fail(c->err, CORE_ESYNTAX, "'%.*s%s' is not an SDMX time period: %s", show,
                     c->whole.ptr, (size_t)show < c->whole.len ? "..." : "", why);
}

static int64_t
floor_mod(int64_t a, int64_t b)
{
    int64_t r = a % b;
    return r < 0 ? r + b : r;
}

static int
is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int64_t y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil): exact
 * for any year, where timegm is bound to an int tm_year and to the host's time_t. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Day number of the first day of the month k months after month m of year y. */
static int64_t
month_start(int64_t y, int m, int64_t k)
{
    int64_t t = y * 12 + (m - 1) + k;
    return days_from_civil(t / 12, (int)(t % 12) + 1, 1);
}

/* Monday of ISO week 1 of year y: the week that holds 4 January, hence the year's first
 * Thursday. 1970-01-01 (day 0) was a Thursday, so (day + 3) mod 7 counts from Monday. */
static int64_t
week1_monday(int64_t y)
{
    int64_t jan4 = days_from_civil(y, 1, 4);
    return jan4 - floor_mod(jan4 + 3, 7);
}

static int
iso_weeks(int64_t y)
{
    return (int)((week1_monday(y + 1) - week1_monday(y)) / 7);
}

static int
is_digit(int ch)
{
    return ch >= '0' && ch <= '9';
}

static int
peek(const cursor_t *c)
{
    return c->p < c->end ? (unsigned char)*c->p : -1;
}

static int
take_char(cursor_t *c, char ch)
{
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return 1;
    }
    return 0;
}

/* Takes exactly n digits. */
static int
take_digits(cursor_t *c, int n, int *out)
{
    int v = 0;
    if (c->end - c->p < n)
        return 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit((unsigned char)c->p[i]))
            return 0;
        v = v * 10 + (c->p[i] - '0');
    }
    c->p += n;
    *out = v;
    return 1;
}

/* Whether the cursor sits on a zone, "Z" or "+hh:mm"/"-hh:mm". A '-' also separates year,
 * month and day, so it starts a zone only when a colon follows ("2020-05:00" is xs:gYear). */
static int
at_zone(const cursor_t *c)
{
    int ch = peek(c);
    return ch == 'Z' || ((ch == '+' || ch == '-') && c->end - c->p >= 4 && c->p[3] == ':');
}

/* Takes an optional zone; *off gets its offset east of UTC in seconds. */
static core_rc
take_zone(cursor_t *c, int64_t *off)
{
    int hh, mm, sign;
    *off = 0;
    if (!at_zone(c) || take_char(c, 'Z'))
        return CORE_OK;
    sign = *c->p++ == '-' ? -1 : 1;
    if (!take_digits(c, 2, &hh) || !take_char(c, ':') || !take_digits(c, 2, &mm))
        return bad(c, "a time zone is written Z, +hh:mm or -hh:mm");
    if (mm > 59 || hh > 14 || (hh == 14 && mm != 0))
        return bad(c, "a time zone offset lies between -14:00 and +14:00");
    *off = sign * (hh * 3600 + mm * 60);
    return CORE_OK;
}

static core_rc
set_days(dsd_period_t *out, dsd_period_form form, char freq, int64_t from, int64_t to)
{
    out->form = form;
    out->freq = freq;
    out->start = from * DAY;
    out->end = to * DAY;
    return CORE_OK;
}

/* xs:dateTime allows 24:00:00 (the next day's midnight), and no leap second. */
static int
valid_time(int h, int mi, int s, int frac)
{
    if (h == 24)
        return mi == 0 && s == 0 && !frac;
    return h < 24 && mi < 60 && s < 60;
}

/* hh:mm:ss(.s+)? after the 'T' of an xs:dateTime. Fractions are dropped: the instant is
 * the whole second that holds it, so that every period spans at least one second. */
static core_rc
take_time(cursor_t *c, civil_t *t, dsd_period_t *out)
{
    int h, mi, s, frac = 0;
    if (!take_digits(c, 2, &h) || !take_char(c, ':') || !take_digits(c, 2, &mi) ||
        !take_char(c, ':') || !take_digits(c, 2, &s))
        return bad(c, "a time of day is written hh:mm:ss");
    if (take_char(c, '.')) {
        if (!is_digit(peek(c)))
            return bad(c, "a decimal point in the seconds needs digits after it");
        while (is_digit(peek(c)))
            frac |= *c->p++ != '0';
    }
    if (!valid_time(h, mi, s, frac))
        return bad(c, "%02d:%02d:%02d is not a time of day (00:00:00 to 24:00:00)", h, mi, s);
    t->tod = h * 3600 + mi * 60 + s;
    out->form = DSD_PERIOD_DATETIME;
    out->freq = 'I';
    out->start = days_from_civil(t->y, t->m, t->d) * DAY + t->tod;
    out->end = out->start + 1;
    return CORE_OK;
}

/* -MM, -MM-DD or -MM-DDThh:mm:ss after the year (the '-' taken). */
static core_rc
take_month_day(cursor_t *c, civil_t *t, dsd_period_t *out)
{
    if (!take_digits(c, 2, &t->m))
        return bad(c, "after the year comes -MM, -MM-DD or a reporting period such as -Q1");
    if (t->m < 1 || t->m > 12)
        return bad(c, "month %02d does not exist (01 to 12)", t->m);
    if (peek(c) != '-' || at_zone(c))
        return set_days(out, DSD_PERIOD_MONTH, 'M', days_from_civil(t->y, t->m, 1),
                        month_start(t->y, t->m, 1));
    c->p++;
    if (!take_digits(c, 2, &t->d))
        return bad(c, "a day is written with two digits");
    if (t->d < 1 || t->d > month_days(t->y, t->m))
        return bad(c, "%04d-%02d has no day %02d", t->y, t->m, t->d);
    if (!take_char(c, 'T'))
        return set_days(out, DSD_PERIOD_DAY, 'D', days_from_civil(t->y, t->m, t->d),
                        days_from_civil(t->y, t->m, t->d) + 1);
    return take_time(c, t, out);
}

static const reporting_t *
find_reporting(int letter)
{
    for (size_t i = 0; i < sizeof reportings / sizeof reportings[0]; i++)
        if (reportings[i].letter == letter)
            return &reportings[i];
    return NULL;
}

/* A standard reporting period after "YYYY-", with the reporting year starting on
 * 1 January. ReportingDayType's pattern 0[0-9][1-9] leaves out D010, D020 ... D090, an
 * evident slip in the schema; they are accepted here. */
static core_rc
take_reporting(cursor_t *c, int y, dsd_period_t *out)
{
    const reporting_t *r = find_reporting(peek(c));
    int n;
    if (r == NULL)
        return bad(c, "'%c' is not a reporting period (A, S, T, Q, M, W or D)", *c->p);
    c->p++;
    if (!take_digits(c, r->digits, &n))
        return bad(c, "%s are written %c and %d digit%s", r->plural, r->letter, r->digits,
                   r->digits > 1 ? "s" : "");
    if (r->max == 1 && n != 1)
        return bad(c, "the reporting year is always A1");
    if (n < 1 || n > r->max)
        return bad(c, "%s run from %c%0*d to %c%d", r->plural, r->letter, r->digits, 1, r->letter,
                   r->max);
    if (r->months > 0)
        return set_days(out, DSD_PERIOD_REPORTING, r->letter,
                        month_start(y, 1, (int64_t)(n - 1) * r->months),
                        month_start(y, 1, (int64_t)n * r->months));
    if (r->letter == 'W') {
        if (n > iso_weeks(y))
            return bad(c, "%04d has %d ISO weeks", y, iso_weeks(y));
        return set_days(out, DSD_PERIOD_REPORTING, 'W', week1_monday(y) + (n - 1) * 7,
                        week1_monday(y) + n * 7);
    }
    if (n > 365 + is_leap(y))
        return bad(c, "%04d has 365 days", y);
    return set_days(out, DSD_PERIOD_REPORTING, 'D', days_from_civil(y, 1, 1) + n - 1,
                    days_from_civil(y, 1, 1) + n);
}

/* Everything before the zone: YYYY, YYYY-MM, YYYY-MM-DD, a date-time or a reporting
 * period, as local time. */
static core_rc
take_calendar(cursor_t *c, civil_t *t, dsd_period_t *out)
{
    if (!take_digits(c, 4, &t->y))
        return bad(c, "it does not start with a year of four digits");
    if (is_digit(peek(c)))
        return bad(c, "years have four digits");
    if (t->y == 0)
        return bad(c, "there is no year 0000");
    if (peek(c) != '-' || at_zone(c))
        return set_days(out, DSD_PERIOD_YEAR, 'A', days_from_civil(t->y, 1, 1),
                        days_from_civil(t->y + 1, 1, 1));
    c->p++;
    if (peek(c) >= 'A' && peek(c) <= 'Z')
        return take_reporting(c, t->y, out);
    return take_month_day(c, t, out);
}

/* Takes n1U1n2U2... with the units in the order of units ("YMD" or "HMS"), each at most
 * once; *count gets how many parts there were. Only seconds may have a fraction. */
static core_rc
take_parts(cursor_t *c, const char *units, int64_t vals[3], int *frac, int *count)
{
    size_t next = 0;
    *count = 0;
    while (is_digit(peek(c))) {
        int64_t v = 0;
        int nd = 0, f = 0, had_point;
        while (is_digit(peek(c))) {
            if (++nd > DUR_MAX_DIGITS)
                return bad(c, "duration parts have at most %d digits", DUR_MAX_DIGITS);
            v = v * 10 + (*c->p++ - '0');
        }
        if ((had_point = take_char(c, '.')) != 0) {
            if (!is_digit(peek(c)))
                return bad(c, "a decimal point in a duration needs digits after it");
            while (is_digit(peek(c)))
                f |= *c->p++ != '0';
        }
        const char *u = peek(c) > 0 ? strchr(units + next, peek(c)) : NULL;
        if (u == NULL || (had_point && *u != 'S'))
            return bad(c, "a duration is written PnYnMnDTnHnMnS, parts in that order, only "
                          "seconds with a fraction");
        c->p++;
        next = (size_t)(u - units) + 1;
        vals[u - units] = v;
        *frac |= f;
        (*count)++;
    }
    return CORE_OK;
}

static core_rc
take_duration(cursor_t *c, duration_t *d)
{
    int ndate = 0, ntime = 0;
    core_rc rc;
    memset(d, 0, sizeof *d);
    if (!take_char(c, 'P'))
        return bad(c, "a time range is start/duration, the duration starting with P");
    if ((rc = take_parts(c, "YMD", d->date, &d->frac, &ndate)) != CORE_OK)
        return rc;
    if (take_char(c, 'T')) {
        if ((rc = take_parts(c, "HMS", d->time, &d->frac, &ntime)) != CORE_OK)
            return rc;
        if (ntime == 0)
            return bad(c, "a T in a duration must be followed by hours, minutes or seconds");
    }
    if (ndate + ntime == 0)
        return bad(c, "a duration needs at least one part, such as P1Y or PT1H");
    return CORE_OK;
}

/* The end of start/duration, as xs:duration addition does it (XML Schema part 2,
 * appendix E): years and months first with the day pinned to the month's last day, then
 * days and time. A zero duration (P0D) gets one second, like a date-time. */
static core_rc
take_range_end(cursor_t *c, const civil_t *t, dsd_period_t *out)
{
    duration_t d;
    core_rc rc;
    if ((rc = take_duration(c, &d)) != CORE_OK)
        return rc;
    int64_t ym = (int64_t)t->y * 12 + (t->m - 1) + d.date[0] * 12 + d.date[1];
    int64_t y = ym / 12;
    int m = (int)(ym % 12) + 1;
    int day = t->d < month_days(y, m) ? t->d : month_days(y, m);
    int64_t end = (days_from_civil(y, m, day) + d.date[2]) * DAY + t->tod + d.time[0] * 3600 +
                  d.time[1] * 60 + d.time[2] + d.frac;
    out->form = DSD_PERIOD_RANGE;
    out->freq = 'N';
    out->end = end > out->start ? end : out->start + 1;
    return CORE_OK;
}

static core_rc
take_period(cursor_t *c, dsd_period_t *out)
{
    civil_t t = {0, 1, 1, 0};
    int64_t off;
    core_rc rc;
    if ((rc = take_calendar(c, &t, out)) != CORE_OK || (rc = take_zone(c, &off)) != CORE_OK)
        return rc;
    if (take_char(c, '/')) {
        if (out->form != DSD_PERIOD_DAY && out->form != DSD_PERIOD_DATETIME)
            return bad(c, "a time range starts with a date or a date-time");
        if ((rc = take_range_end(c, &t, out)) != CORE_OK)
            return rc;
    }
    if (c->p != c->end) {
        int show = printable(c->p, (size_t)(c->end - c->p));
        return bad(c, "unexpected '%.*s%s' at the end", show, c->p,
                   show < c->end - c->p ? "..." : "");
    }
    /* Local time minus the offset east of UTC is UTC. */
    out->start -= off;
    out->end -= off;
    return CORE_OK;
}

core_rc
dsd_period_parse(core_str_t s, dsd_period_t *out, core_err_t *err)
{
    cursor_t c = {s.ptr, s.ptr + s.len, s, err};
    if (s.len == 0)
        return core_fail(err, CORE_ESYNTAX, "the time period is empty");
    if (s.len > PERIOD_MAX_LEN)
        return bad(&c, "it is longer than %d characters", PERIOD_MAX_LEN);
    return take_period(&c, out);
}

core_rc
dsd_period_parse_bound(core_str_t s, int is_end, int64_t *out, core_err_t *err)
{
    dsd_period_t p;
    core_rc rc = dsd_period_parse(s, &p, err);
    if (rc == CORE_OK)
        *out = is_end ? p.end : p.start;
    return rc;
}

/* Start with the sign bit flipped, so that negative instants sort first; then the length
 * complemented, so that at one start the longer period sorts first (2020 before 2020-Q1),
 * as a container precedes its parts. */
void
dsd_period_key(const dsd_period_t *p, unsigned char out[DSD_PERIOD_KEY])
{
    uint64_t start = (uint64_t)p->start ^ (UINT64_C(1) << 63);
    int64_t span = p->end - p->start;
    uint32_t len = span <= 0 ? 0 : span >= (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)span;
    len = ~len;
    for (int i = 0; i < 8; i++)
        out[i] = (unsigned char)(start >> (56 - 8 * i));
    for (int i = 0; i < 4; i++)
        out[8 + i] = (unsigned char)(len >> (24 - 8 * i));
}

int
dsd_period_overlaps(const dsd_period_t *p, int64_t from, int64_t to)
{
    return p->start < to && p->end > from;
}

/* Writes the reporting period that starts on day number days (UTC midnight). */
static void
reporting_label(char freq, int64_t days, char *buf, size_t n)
{
    const reporting_t *r = find_reporting(freq);
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    if (r == NULL) /* not made by dsd_period_parse: show the day */
        snprintf(buf, n, "%04d-%02d-%02d", y, m, d);
    else if (freq == 'W') {
        int wy, wm, wd; /* the ISO year is the year of the week's Thursday */
        civil_from_days(days + 3, &wy, &wm, &wd);
        snprintf(buf, n, "%04d-W%02d", wy, (int)((days - week1_monday(wy)) / 7 + 1));
    } else if (freq == 'D')
        snprintf(buf, n, "%04d-D%03d", y, (int)(days - days_from_civil(y, 1, 1) + 1));
    else if (freq == 'M')
        snprintf(buf, n, "%04d-M%02d", y, m);
    else if (freq == 'A')
        snprintf(buf, n, "%04d-A1", y);
    else
        snprintf(buf, n, "%04d-%c%d", y, freq, (m - 1) / r->months + 1);
}

/* Writes p as it was most likely written. The zone is not kept in dsd_period_t, so a period
 * that does not start at a UTC midnight is shown by its UTC start instead. */
static void
period_label(const dsd_period_t *p, char *buf, size_t n)
{
    char iso[32];
    int y, m, d;
    if (p->form == DSD_PERIOD_DATETIME || p->form == DSD_PERIOD_RANGE ||
        floor_mod(p->start, DAY) != 0) {
        core_time_iso(p->start, iso);
        if (p->form == DSD_PERIOD_DATETIME)
            snprintf(buf, n, "%s", iso);
        else
            snprintf(buf, n, "the period starting %s", iso);
        return;
    }
    civil_from_days(p->start / DAY, &y, &m, &d);
    if (p->form == DSD_PERIOD_YEAR)
        snprintf(buf, n, "%04d", y);
    else if (p->form == DSD_PERIOD_MONTH)
        snprintf(buf, n, "%04d-%02d", y, m);
    else if (p->form == DSD_PERIOD_DAY)
        snprintf(buf, n, "%04d-%02d-%02d", y, m, d);
    else
        reporting_label(p->freq, p->start / DAY, buf, n);
}

static const char *
period_kind(char freq)
{
    switch (freq) {
    case 'A':
        return "an annual period";
    case 'S':
        return "a half-yearly period";
    case 'T':
        return "a four-monthly period";
    case 'Q':
        return "a quarterly period";
    case 'M':
        return "a monthly period";
    case 'W':
        return "a weekly period";
    case 'D':
        return "a daily period";
    default:
        return "a point in time";
    }
}

/* FREQ codes outside CL_FREQ's single letters (another codelist, or multipliers such as
 * "A5") say nothing this function can check, so they pass; so do time ranges, whose
 * duration is the frequency. */
core_rc
dsd_period_check_freq(const dsd_period_t *p, core_str_t freq, core_err_t *err)
{
    const freq_info_t *f = NULL;
    char label[64];
    for (size_t i = 0; freq.len == 1 && i < sizeof freqs / sizeof freqs[0]; i++)
        if (freqs[i].code == freq.ptr[0])
            f = &freqs[i];
    if (f == NULL || p->form == DSD_PERIOD_RANGE ||
        (p->freq != '\0' && strchr(f->accepts, p->freq) != NULL))
        return CORE_OK;
    period_label(p, label, sizeof label);
    return core_fail(err, CORE_ESEMANTIC, "%s is %s but the series has FREQ=%c (%s)", label,
                     period_kind(p->freq), f->code, f->name);
}
