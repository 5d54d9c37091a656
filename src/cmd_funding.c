/* cmd_funding.c — dsms allocate and dsms incentive: a grant shared out by a
 * need formula, and payments for outcomes by a tariff (dsms/funding.h,
 * docs/funding.md), printed or written whole to --out. */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dsms/csv.h"
#include "dsms/framework.h"
#include "dsms/funding.h"
#include "dsms/outfile.h"
#include "dsms/store.h"

static const char allocate_help[] =
    "usage: dsms allocate --formula FILE --budget AMOUNT [--period P] [--previous CSV]\n"
    "                     [--format table|csv|json] [--out FILE]\n"
    "\n"
    "Share a grant out over England's areas by the need formula in FILE (YAML,\n"
    "docs/funding.md): each area's need from its indicators (the reference data, the\n"
    "store's results, its series), its need index, rank and tranche, and its allocation\n"
    "in whole pence: at least the formula's minimum, within the damping's floor and\n"
    "ceiling of last year's, the rest by need; the allocations sum to AMOUNT exactly.\n"
    "\n"
    "  --formula FILE     the need formula\n"
    "  --budget AMOUNT    pounds: digits, commas between thousands, up to two decimals\n"
    "                     (780000000 or 780,000,000.00)\n"
    "  --period P         the financial year allocated (2024-25): the period of indicators\n"
    "                     read from the store, and the tranches funded by then (default:\n"
    "                     every tranche; each indicator must give its own period)\n"
    "  --previous CSV     last year's allocation: area_code,amount, every area once\n"
    "  --format F         table (default), csv or json\n"
    "  --out FILE         write it to FILE (whole, or not at all) instead of printing it\n"
    "\n"
    "exit status: 0 allocated; 2 refused (a bad formula, budget, period or previous\n"
    "allocation, an indicator with no value for an area, a budget the formula cannot\n"
    "share): nothing written.\n";

static const char incentive_help[] =
    "usage: dsms incentive --tariff FILE --period P [--format table|csv|json] [--out FILE]\n"
    "\n"
    "Pay areas for outcomes by the tariff in FILE (YAML, docs/funding.md), from the store's\n"
    "results in period P: per person counted in a measure's numerator, per point of\n"
    "improvement over a baseline period, capped per area, and shared pro rata to the\n"
    "penny when the tariff's pot is smaller than what is earned.\n"
    "\n"
    "  --tariff FILE      the tariff\n"
    "  --period P         the period paid for (2024-25)\n"
    "  --format F         table (default), csv or json\n"
    "  --out FILE         write it to FILE (whole, or not at all) instead of printing it\n"
    "\n"
    "exit status: 0 done; 2 refused (a bad tariff or period, no store): nothing written.\n";

typedef struct {
    const char *format, *out;
    dsms_outfile *file;
} output;

static FILE *out_open(output *o, const dsms_protected *protect, size_t n)
{
    if (!o->out) return stdout;
    dsms_err err = {""};
    o->file = dsms_outfile_open(o->out, protect, n, DSMS_MODE_PUBLIC, &err);
    if (!o->file) {
        cli_error("%s", err.msg);
        return NULL;
    }
    return dsms_outfile_stream(o->file);
}

static int out_close(output *o, int ok)
{
    if (!o->file) return ok ? DSMS_OK : DSMS_REFUSED;
    if (!ok) {
        dsms_outfile_abort(o->file);
        return DSMS_REFUSED;
    }
    dsms_err err = {""};
    if (dsms_outfile_commit(o->file, &err)) return cli_error("%s", err.msg);
    return DSMS_OK;
}

static int format_ok(const char *f)
{
    return strcmp(f, "table") == 0 || strcmp(f, "csv") == 0 || strcmp(f, "json") == 0;
}

/* json_dumps of v to f, then v freed. */
static int put_json(FILE *f, json_t *v)
{
    char *text = v ? json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(v);
    if (!text) return cli_error("out of memory"), -1;
    fprintf(f, "%s\n", text);
    free(text);
    return 0;
}

/* The reference data: the store's when it is read, else --data's. */
static int reference(cli_env *env, dsms_store *st, dsms_refdata *ref)
{
    dsms_err err = {""};
    if (st ? dsms_refdata_fetch(ref, st, &err) : dsms_refdata_read(ref, env->data, NULL, &err))
        return cli_error("%s", err.msg), -1;
    return 0;
}

/* ---- allocate ------------------------------------------------------------------------- */

static const char *tranche_name(const dsms_formula *f, const dsms_alloc_area *a)
{
    if (!f->ntranches) return "1";
    return a->tranche < (int)f->ntranches ? f->tranches[a->tranche].name : "-";
}

static void change_text(const dsms_alloc_area *a, char *buf)
{
    if (a->previous < 0) snprintf(buf, 32, "-");
    else dsms_amount_text(a->allocation - a->previous, buf);
}

static int write_allocation(FILE *f, const char *format, const dsms_formula *fm,
                            const dsms_refdata *ref, const dsms_alloc_area *a,
                            const char *period, int64_t budget)
{
    size_t n = ref->nareas;
    char al[32], pr[32], ch[32], b[32];
    int64_t prev_total = 0;
    int any_prev = 0;
    for (size_t i = 0; i < n; i++)
        if (a[i].previous >= 0) prev_total += a[i].previous, any_prev = 1;
    dsms_amount_text(budget, b);
    if (strcmp(format, "csv") == 0) {
        fprintf(f, "area_code,area_name,need_index,share,rank,tranche,funded,allocation,"
                   "previous,change\n");
        for (size_t i = 0; i < n; i++) {
            dsms_amount_text(a[i].allocation, al);
            if (a[i].previous >= 0) dsms_amount_text(a[i].previous, pr);
            change_text(&a[i], ch);
            fprintf(f, "%s,", a[i].code);
            dsms_csv_put(f, ref->areas[i].name);
            fprintf(f, ",%.6f,%.8f,%d,", a[i].need_index, a[i].share, a[i].rank);
            dsms_csv_put(f, tranche_name(fm, &a[i]));
            fprintf(f, ",%s,%s,%s,%s\n", a[i].funded ? "yes" : "no", al,
                    a[i].previous >= 0 ? pr : "", a[i].previous >= 0 ? ch : "");
        }
        return 0;
    }
    if (strcmp(format, "json") == 0) {
        json_t *rows = json_array();
        for (size_t i = 0; rows && i < n; i++) {
            dsms_amount_text(a[i].allocation, al);
            if (a[i].previous >= 0) dsms_amount_text(a[i].previous, pr);
            change_text(&a[i], ch);
            json_array_append_new(
                rows, json_pack("{ss ss sf sf si ss sb ss so so}", "area_code", a[i].code,
                                "area_name", cli_json_text(ref->areas[i].name), "need_index",
                                a[i].need_index, "share", a[i].share, "rank", a[i].rank,
                                "tranche", cli_json_text(tranche_name(fm, &a[i])), "funded",
                                a[i].funded, "allocation", al, "previous",
                                a[i].previous >= 0 ? json_string(pr) : json_null(), "change",
                                a[i].previous >= 0 ? json_string(ch) : json_null()));
        }
        return put_json(f, json_pack("{ss ss so ss so}", "formula", fm->id, "period",
                                     period ? period : "", "budget", json_string(b), "unit",
                                     "pounds", "areas", rows));
    }
    fprintf(f, "%s: %s\nbudget %s%s%s over %zu areas\n\n", fm->id, fm->name, b,
            period ? " in " : "", period ? period : "", n);
    fprintf(f, "%-10s %-28s %10s %10s %5s %-8s %16s %16s %14s\n", "area", "name", "need index",
            "share %", "rank", "tranche", "allocation", "previous", "change");
    for (size_t i = 0; i < n; i++) {
        dsms_amount_text(a[i].allocation, al);
        if (a[i].previous >= 0) dsms_amount_text(a[i].previous, pr);
        change_text(&a[i], ch);
        fprintf(f, "%-10s %-28.28s %10.4f %10.4f %5d %-8s %16s %16s %14s\n", a[i].code,
                cli_esc(ref->areas[i].name), a[i].need_index, a[i].share * 100, a[i].rank,
                cli_esc(tranche_name(fm, &a[i])), al, a[i].previous >= 0 ? pr : "-", ch);
    }
    dsms_amount_text(prev_total, pr);
    fprintf(f, "%-10s %-28s %10s %10s %5s %-8s %16s %16s\n", "total", "", "", "100.0000", "", "",
            b, any_prev ? pr : "-");
    return 0;
}

static int formula_needs_store(const dsms_formula *f)
{
    for (size_t k = 0; k < f->nindicators; k++)
        if (f->indicators[k].source != DSMS_NEED_REFERENCE) return 1;
    return 0;
}

int cmd_allocate(int argc, char **argv, cli_env *env)
{
    static const struct option opts[] = {{"formula", required_argument, NULL, 'f'},
                                         {"budget", required_argument, NULL, 'b'},
                                         {"period", required_argument, NULL, 'p'},
                                         {"previous", required_argument, NULL, 'v'},
                                         {"format", required_argument, NULL, 'F'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    const char *formula = NULL, *budget_text = NULL, *period = NULL, *previous = NULL;
    output o = {"table", NULL, NULL};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'f') formula = optarg;
        else if (c == 'b') budget_text = optarg;
        else if (c == 'p') period = optarg;
        else if (c == 'v') previous = optarg;
        else if (c == 'F') o.format = optarg;
        else if (c == 'o') o.out = optarg;
        else if (c == 'h') return fputs(allocate_help, stdout), DSMS_OK;
        else return fputs(allocate_help, stderr), DSMS_REFUSED;
    }
    if (optind < argc) return cli_error("allocate: '%s' is not an option", argv[optind]);
    if (!formula || !budget_text)
        return cli_error("allocate: give --formula FILE and --budget AMOUNT");
    if (!format_ok(o.format))
        return cli_error("--format %s: expected table, csv or json", o.format);
    int64_t budget;
    if (dsms_amount_parse(budget_text, &budget))
        return cli_error("--budget: '%s' is not an amount (expected pounds: digits, commas "
                         "between thousands, up to two decimals, as 780000000 or "
                         "780,000,000.00)", budget_text);
    if (period && dsms_period_end(period) < 0)
        return cli_error("--period: '%s' is not a period (expected a year 2024, a financial "
                         "year 2024-25 or a quarter 2024-25-Q1)", period);
    dsms_formula f;
    dsms_err err = {""};
    if (dsms_formula_read(formula, &f, &err)) return cli_error("%s", err.msg);
    dsms_store *st = NULL;
    dsms_refdata ref = {0};
    dsms_alloc_area *a = NULL;
    double *values = NULL;
    int rc = DSMS_REFUSED;
    if (formula_needs_store(&f) && !(st = dsms_store_open(env->store, DSMS_STORE_READONLY, &err)))
        cli_error("%s", err.msg);
    else if (reference(env, st, &ref)) {
    } else if (!(a = calloc(ref.nareas + 1, sizeof *a))) cli_error("out of memory");
    else {
        for (size_t i = 0; i < ref.nareas; i++)
            a[i] = (dsms_alloc_area){.code = ref.areas[i].code,
                                     .people = dsms_area_people_15_64(&ref.areas[i]),
                                     .previous = -1};
        if ((previous && dsms_previous_read(previous, a, ref.nareas, &err)) ||
            dsms_need_values(st, &ref, &f, period, &values, &err) ||
            dsms_need_combine(&f, values, a, ref.nareas, &err) ||
            dsms_allocate(&f, period, budget, a, ref.nareas, &err))
            cli_error("%s", err.msg);
        else {
            dsms_protected protect[] = {{env->store, "the store", DSMS_PROTECT_STORE},
                                        {formula, "the formula", DSMS_PROTECT_FILE},
                                        {previous ? previous : formula, "an input file",
                                         DSMS_PROTECT_FILE}};
            FILE *out = out_open(&o, protect, 3);
            if (out)
                rc = out_close(&o, !write_allocation(out, o.format, &f, &ref, a, period, budget));
        }
    }
    free(values);
    free(a);
    dsms_refdata_free(&ref);
    dsms_store_close(st);
    dsms_formula_free(&f);
    return rc;
}

/* ---- incentive ------------------------------------------------------------------------ */

static void fig(char *buf, double x)
{
    if (isnan(x)) snprintf(buf, 32, "-");
    else dsms_number_text(x, buf);
}

/* A figure as a table shows it: to two decimals (CSV and JSON give it whole). */
static void shown(char *buf, double x)
{
    if (isnan(x)) snprintf(buf, 32, "-");
    else snprintf(buf, 32, "%.2f", x);
}

static void points(char *buf, const dsms_payment *p, const dsms_outcome_tariff *o)
{
    if (!o->per_point || isnan(p->value) || isnan(p->baseline)) snprintf(buf, 32, "-");
    else snprintf(buf, 32, "%.6f", (double)p->improvement_micro / 1e6);
}

static int write_payments(FILE *f, const char *format, const dsms_tariff *t,
                          const dsms_refdata *ref, const dsms_payment *p, size_t n,
                          const char *period)
{
    char num[32], val[32], base[32], imp[32], e[32], c[32], pd[32];
    int64_t tot_e = 0, tot_c = 0, tot_p = 0;
    for (size_t i = 0; i < n; i++) tot_e += p[i].earned, tot_c += p[i].capped, tot_p += p[i].paid;
    if (strcmp(format, "csv") == 0) {
        fprintf(f, "area_code,area_name,outcome,measure,numerator,value,baseline,improvement,"
                   "earned,capped,paid,note\n");
        for (size_t i = 0; i < n; i++) {
            const dsms_outcome_tariff *o = &t->outcomes[p[i].outcome];
            fig(num, p[i].numerator), fig(val, p[i].value), fig(base, p[i].baseline);
            points(imp, &p[i], o);
            dsms_amount_text(p[i].earned, e), dsms_amount_text(p[i].capped, c);
            dsms_amount_text(p[i].paid, pd);
            fprintf(f, "%s,", p[i].area);
            dsms_csv_put(f, ref->areas[i / t->noutcomes].name);
            fprintf(f, ",%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", o->id, o->measure, num, val, base,
                    imp, e, c, pd, p[i].note);
        }
        return 0;
    }
    if (strcmp(format, "json") == 0) {
        json_t *rows = json_array();
        for (size_t i = 0; rows && i < n; i++) {
            const dsms_outcome_tariff *o = &t->outcomes[p[i].outcome];
            dsms_amount_text(p[i].earned, e), dsms_amount_text(p[i].capped, c);
            dsms_amount_text(p[i].paid, pd);
            points(imp, &p[i], o);
            json_array_append_new(
                rows,
                json_pack("{ss ss ss ss so so so so ss ss ss ss}", "area_code", p[i].area,
                          "area_name", cli_json_text(ref->areas[i / t->noutcomes].name),
                          "outcome", o->id, "measure", o->measure, "numerator",
                          isnan(p[i].numerator) ? json_null() : json_real(p[i].numerator),
                          "value", isnan(p[i].value) ? json_null() : json_real(p[i].value),
                          "baseline",
                          isnan(p[i].baseline) ? json_null() : json_real(p[i].baseline),
                          "improvement", strcmp(imp, "-") ? json_real(atof(imp)) : json_null(),
                          "earned", e, "capped", c, "paid", pd, "note", p[i].note));
        }
        dsms_amount_text(tot_e, e), dsms_amount_text(tot_c, c), dsms_amount_text(tot_p, pd);
        if (t->pot >= 0) dsms_amount_text(t->pot, base);
        return put_json(f, json_pack("{ss ss so ss ss ss ss so}", "tariff", t->id, "period",
                                     period, "pot", t->pot >= 0 ? json_string(base) : json_null(),
                                     "unit", "pounds", "earned", e, "capped", c, "paid", pd,
                                     "payments", rows));
    }
    fprintf(f, "%s: %s\nperiod %s", t->id, t->name, period);
    if (t->pot >= 0) dsms_amount_text(t->pot, base), fprintf(f, ", pot %s", base);
    fprintf(f, "\n\n%-10s %-24s %-20s %10s %10s %10s %12s %14s %14s %14s  %s\n", "area", "name",
            "outcome", "people", "value", "baseline", "improvement", "earned", "capped", "paid",
            "note");
    for (size_t i = 0; i < n; i++) {
        const dsms_outcome_tariff *o = &t->outcomes[p[i].outcome];
        fig(num, p[i].numerator), shown(val, p[i].value), shown(base, p[i].baseline);
        points(imp, &p[i], o);
        dsms_amount_text(p[i].earned, e), dsms_amount_text(p[i].capped, c);
        dsms_amount_text(p[i].paid, pd);
        fprintf(f, "%-10s %-24.24s %-20s %10s %10s %10s %12s %14s %14s %14s  %s\n", p[i].area,
                cli_esc(ref->areas[i / t->noutcomes].name), o->id, num, val, base, imp, e, c, pd,
                p[i].note);
    }
    fprintf(f, "\n");
    for (size_t k = 0; k < t->noutcomes; k++) {
        int64_t se = 0, sp = 0;
        for (size_t i = k; i < n; i += t->noutcomes) se += p[i].earned, sp += p[i].paid;
        dsms_amount_text(se, e), dsms_amount_text(sp, pd);
        fprintf(f, "%-56s %14s %14s %14s\n", t->outcomes[k].id, e, "", pd);
    }
    dsms_amount_text(tot_e, e), dsms_amount_text(tot_c, c), dsms_amount_text(tot_p, pd);
    fprintf(f, "%-56s %14s %14s %14s\n", "total", e, c, pd);
    return 0;
}

int cmd_incentive(int argc, char **argv, cli_env *env)
{
    static const struct option opts[] = {{"tariff", required_argument, NULL, 't'},
                                         {"period", required_argument, NULL, 'p'},
                                         {"format", required_argument, NULL, 'F'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    const char *tariff = NULL, *period = NULL;
    output o = {"table", NULL, NULL};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 't') tariff = optarg;
        else if (c == 'p') period = optarg;
        else if (c == 'F') o.format = optarg;
        else if (c == 'o') o.out = optarg;
        else if (c == 'h') return fputs(incentive_help, stdout), DSMS_OK;
        else return fputs(incentive_help, stderr), DSMS_REFUSED;
    }
    if (optind < argc) return cli_error("incentive: '%s' is not an option", argv[optind]);
    if (!tariff || !period) return cli_error("incentive: give --tariff FILE and --period P");
    if (!format_ok(o.format))
        return cli_error("--format %s: expected table, csv or json", o.format);
    if (dsms_period_end(period) < 0)
        return cli_error("--period: '%s' is not a period (expected a year 2024, a financial "
                         "year 2024-25 or a quarter 2024-25-Q1)", period);
    dsms_tariff t;
    dsms_err err = {""};
    if (dsms_tariff_read(tariff, &t, &err)) return cli_error("%s", err.msg);
    dsms_store *st = dsms_store_open(env->store, DSMS_STORE_READONLY, &err);
    dsms_refdata ref = {0};
    dsms_payment *rows = NULL;
    int rc = DSMS_REFUSED;
    if (!st) cli_error("%s", err.msg);
    else if (reference(env, st, &ref)) {
    } else if (dsms_incentive_rows(st, &ref, &t, period, &rows, &err)) cli_error("%s", err.msg);
    else if (dsms_incentive_pay(&t, rows, ref.nareas * t.noutcomes)) cli_error("out of memory");
    else {
        dsms_protected protect[] = {{env->store, "the store", DSMS_PROTECT_STORE},
                                    {tariff, "the tariff", DSMS_PROTECT_FILE}};
        FILE *out = out_open(&o, protect, 2);
        if (out)
            rc = out_close(&o, !write_payments(out, o.format, &t, &ref, rows,
                                               ref.nareas * t.noutcomes, period));
    }
    free(rows);
    dsms_refdata_free(&ref);
    dsms_store_close(st);
    dsms_tariff_free(&t);
    return rc;
}
