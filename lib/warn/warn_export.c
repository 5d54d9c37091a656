/* warn_export.c — notifications of new substances for international early
 * warning: each issued alert of a substance identified for the first time in
 * the country, with the fields that the EU Early Warning System's reporting
 * form asks of a formal notification and those UNODC's Early Warning Advisory
 * records, from the alert's evidence and the substance register. The
 * mapping of each field is documented in docs/early-warning.md. */
#include <string.h>

#include "dsms/field.h"
#include "dsms/substances_store.h"
#include "warn_int.h"

/* The groups each system files a substance under, by register family. */
static const struct {
    const char *family, *eu, *unodc;
} groups[] = {
    {"synthetic_cannabinoids", "cannabinoids", "Synthetic cannabinoid receptor agonists"},
    {"cathinones", "cathinones", "Synthetic cathinones"},
    {"nitazenes", "opioids", "Synthetic opioids"},
    {"other_synthetic_opioids", "opioids", "Synthetic opioids"},
    {"benzodiazepines", "benzodiazepines", "Sedatives and hypnotics"},
    {"phenethylamines", "phenethylamines", "Phenethylamines"},
    {"tryptamines", "tryptamines", "Tryptamines"},
    {"arylcyclohexylamines", "arylcyclohexylamines", "Ketamine and phencyclidine-type substances"},
    {"stimulants_other", "other substances", "Other substances"},
    {"depressants_other", "other substances", "Other substances"},
    {"opioids", "opioids", "Other substances"},
    {"cocaine", "other substances", "Other substances"},
    {"cannabis", "other substances", "Plant-based substances"},
    {"other", "other substances", "Other substances"}};

static const char *group_of(const char *family, int unodc)
{
    for (size_t i = 0; i < sizeof groups / sizeof *groups; i++)
        if (strcmp(groups[i].family, family) == 0) return unodc ? groups[i].unodc : groups[i].eu;
    return unodc ? "Other substances" : "other substances";
}

/* A CSV field, quoted when it must be. */
static void field(FILE *f, const char *s, int last)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"') fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputc(last ? '\n' : ',', f);
}

/* Whether v is one of the ';'-separated values of list: a whole one, not
 * part of one (etonitazene is not metonitazene). */
static int listed(const char *list, const char *v)
{
    size_t len = strlen(v);
    for (const char *p = list; (p = strstr(p, v)); p += len)
        if ((p == list || p[-1] == ';') && (p[len] == 0 || p[len] == ';')) return 1;
    return 0;
}

/* The distinct values of one member of the evidence's reports, joined by ';'. */
static void distinct(json_t *reports, const char *member, char *out, size_t n)
{
    size_t o = 0;
    out[0] = 0;
    size_t i;
    json_t *r;
    json_array_foreach(reports, i, r) {
        const char *v = json_string_value(json_object_get(r, member));
        if (!v || !*v || listed(out, v)) continue;
        o += (size_t)snprintf(out + o, o < n ? n - o : 0, "%s%s", o ? ";" : "", v);
        if (o >= n) break;
    }
}

static int count_severe(json_t *reports)
{
    int k = 0;
    size_t i;
    json_t *r;
    json_array_foreach(reports, i, r) {
        const char *v = json_string_value(json_object_get(r, "severity"));
        k += v && (strcmp(v, "severe") == 0 || strcmp(v, "fatal") == 0);
    }
    return k;
}

typedef struct {
    FILE *f;
    const char *format;
    const dsms_substances *reg;
    json_t *all; /* format json */
    dsms_err *err;
} exporter;

static int export_row(void *ctx, const dsms_stored_alert *a)
{
    exporter *x = ctx;
    if (strncmp(a->key, "novelty|country|", 16) != 0) return 0;
    int k = dsms_substances_find(x->reg, a->substance);
    const dsms_substance *s = k >= 0 ? &x->reg->items[k] : NULL;
    json_t *ev = json_loads(a->evidence, 0, NULL);
    json_t *reports = json_object_get(ev, "reports");
    char sources[256], forms[256], sold[256], places[512], reporters[256], synonyms[512] = "";
    distinct(reports, "source", sources, sizeof sources);
    distinct(reports, "matrix", forms, sizeof forms);
    distinct(reports, "sold_as", sold, sizeof sold);
    distinct(reports, "place", places, sizeof places);
    distinct(reports, "reporter", reporters, sizeof reporters);
    for (size_t i = 0, o = 0; s && i < s->nsynonyms && o < sizeof synonyms; i++)
        o += (size_t)snprintf(synonyms + o, sizeof synonyms - o, "%s%s", i ? ";" : "",
                              s->synonyms[i]);
    int day = (int)dsms_date_parse(a->period, strlen(a->period));
    dsms_legal status = s ? dsms_substance_legal_on(s, day) : DSMS_LEGAL_UNKNOWN;
    const char *legal = status == DSMS_LEGAL_UNKNOWN ? "not recorded" : dsms_legal_name(status);
    char total[16], severe[16], year[8];
    json_int_t n = json_integer_value(json_object_get(ev, "total_reports"));
    snprintf(total, sizeof total, "%lld", (long long)n);
    snprintf(severe, sizeof severe, "%d", count_severe(reports));
    snprintf(year, sizeof year, "%.4s", a->period);
    const char *name = s ? s->name : a->substance;
    if (strcmp(x->format, "eu") == 0) {
        const char *v[] = {"United Kingdom", a->updated_at, name,   synonyms, group_of(a->family, 0),
                           a->period,        sources,       forms,  sold,     places,
                           total,            severe,        legal,  reporters, a->title};
        for (size_t i = 0; i < 15; i++) field(x->f, v[i], i == 14);
    } else if (strcmp(x->format, "unodc") == 0) {
        const char *v[] = {"United Kingdom", name,   group_of(a->family, 1), year, a->period,
                           sources,          forms,  legal,                  total, severe};
        for (size_t i = 0; i < 10; i++) field(x->f, v[i], i == 9);
    } else {
        json_array_append_new(
            x->all, json_pack("{sIssssssssssssssssssssssssssssssss}", "alert", (json_int_t)a->id,
                              "substance", a->substance, "name", name, "other_names", synonyms,
                              "eu_group", group_of(a->family, 0), "unodc_group",
                              group_of(a->family, 1), "first_identified", a->period, "issued",
                              a->updated_at, "sources", sources, "physical_forms", forms,
                              "sold_as", sold, "places", places, "reports", total,
                              "severe_or_fatal", severe, "legal_status", legal, "reporters",
                              reporters, "title", a->title));
    }
    json_decref(ev);
    return ferror(x->f) ? -1 : 0;
}

int dsms_warn_export(dsms_store *st, const char *format, FILE *f, dsms_err *err)
{
    static const char eu_head[] =
        "reporting_country,notification_date,substance_name,other_names,chemical_group,"
        "first_identified,sample_sources,physical_forms,sold_as,locations,reports,"
        "severe_or_fatal_reactions,legal_status,reporting_organisations,description\n";
    static const char unodc_head[] =
        "country,substance,substance_group,year_first_reported,date_first_identified,"
        "sample_types,physical_forms,national_control,reports,harms_reported\n";
    int json = strcmp(format, "json") == 0;
    if (!json && strcmp(format, "eu") != 0 && strcmp(format, "unodc") != 0) {
        dsms_err_set(err, "'%s' is not an export format (expected eu, unodc or json)", format);
        return -1;
    }
    exporter x = {f, format, NULL, json ? json_array() : NULL, err};
    dsms_substances reg;
    if (dsms_substances_fetch(&reg, st, err)) {
        json_decref(x.all);
        return -1;
    }
    x.reg = &reg;
    if (!json) fputs(strcmp(format, "eu") == 0 ? eu_head : unodc_head, f);
    dsms_alert_filter filter = {0, "issued", "novelty", NULL};
    int rc = dsms_store_each_alert(st, &filter, export_row, &x, err);
    if (!rc && json) {
        rc = json_dumpf(x.all, f, JSON_INDENT(2)) ? -1 : 0;
        fputc('\n', f);
    }
    json_decref(x.all);
    dsms_substances_free(&reg);
    if (!rc && ferror(f)) {
        dsms_err_set(err, "cannot write the export");
        rc = -1;
    }
    return rc;
}
