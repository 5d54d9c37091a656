/* report_review.c — the annual review (report_build.h): the register of
 * commitments (dsms/commitments.h) read strand by strand, with what was
 * achieved, the statistics that are each commitment's evidence (England's
 * figure for the year and the year before, from the results or the
 * published series), and what is carried over from earlier years. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsms/commitments.h"
#include "dsms/report.h"
#include "report_build.h"
#include "report_parts.h"

static const char *england = "E92000001";

/* A series' value for England in a year: the latest period ending within
 * it (a financial year, or a calendar year ending in it). */
typedef struct {
    int64_t start, end, best_end;
    double value;
    char period[DSMS_PERIOD_LEN];
} series_pick;

static int pick(void *ctx, const dsms_series_value *v)
{
    series_pick *p = ctx;
    int64_t end = dsms_period_end(v->period);
    if (strcmp(v->level, "england") != 0 || end < p->start || end > p->end || end <= p->best_end)
        return 0;
    p->best_end = end, p->value = v->value;
    snprintf(p->period, sizeof p->period, "%s", v->period);
    return 0;
}

/* The first day of the financial year label ("2025-26": 1 April 2025). */
static int64_t year_start(const char *label)
{
    char before[DSMS_PERIOD_LEN];
    int y = atoi(label);
    snprintf(before, sizeof before, "%04d-%02d", (y - 1) % 10000, y % 100);
    return dsms_period_end(before) + 1;
}

static int series_value(const rp_data *d, const char *code, size_t year, series_pick *p,
                        dsms_err *err)
{
    *p = (series_pick){year_start(d->years[year]), dsms_period_end(d->years[year]), -1, NAN,
                       ""};
    return dsms_store_each_series(d->st, code, england, pick, p, err);
}

/* One row of a strand's statistics: the figure this year and last. */
static int evidence_row(dsms_report *r, dsms_report_table *t, const rp_data *d,
                        const dsms_commitment *c, dsms_err *err)
{
    double now = NAN, before = NAN;
    int digits = 1;
    char what[300] = "", period[DSMS_PERIOD_LEN] = "", unit[64] = "", trend[48] = "";
    const rp_row *row = NULL;
    if (c->evidence == DSMS_EVIDENCE_MEASURE) {
        const dsms_measure *m = dsms_measure_find(c->evidence_ref);
        if (!m) return 0;
        row = rp_find(d, m, england, NULL);
        const rp_row *last = d->year ? rp_find(d, m, england, rp_period(d, m, "england",
                                                                         d->year - 1))
                                     : NULL;
        now = row ? row->value : NAN, before = last ? last->value : NAN;
        digits = rp_digits(m);
        snprintf(what, sizeof what, "%s", m->title);
        snprintf(unit, sizeof unit, "%s", m->unit);
        if (row) snprintf(period, sizeof period, "%s", row->period);
        if (row) snprintf(trend, sizeof trend, "%s", *row->trend ? row->trend : "-");
    } else {
        series_pick a, b;
        if (series_value(d, c->evidence_ref, d->year, &a, err) != 0) return -1;
        if (d->year && series_value(d, c->evidence_ref, d->year - 1, &b, err) != 0) return -1;
        now = a.value, before = d->year ? b.value : NAN;
        int s = dsms_refdata_series(d->ref, c->evidence_ref);
        snprintf(what, sizeof what, "%s", s >= 0 ? d->ref->series[s].name : c->evidence_ref);
        snprintf(unit, sizeof unit, "%s", s >= 0 ? d->ref->series[s].unit : "");
        snprintf(period, sizeof period, "%s", a.period);
        /* a count or an amount whole, a percentage or a rate to one decimal */
        digits = strcmp(unit, "count") == 0 || strcmp(unit, "value") == 0 ? 0 : 1;
    }
    char key[200];
    if (row) rp_key(row, key, sizeof key);
    else snprintf(key, sizeof key, "series|%s|%s|%s", c->evidence_ref, england, period);
    dsms_report_cell *cell = dsms_report_row(r, t, key);
    if (!cell) return 0;
    dsms_report_cell_text(r, &cell[0], c->id);
    dsms_report_cell_text(r, &cell[1], what);
    dsms_report_cell_text(r, &cell[2], unit);
    dsms_report_cell_text(r, &cell[3], *period ? period : "-");
    rp_cell(&cell[4], row, now, digits);
    rp_cell(&cell[5], NULL, before, digits);
    rp_cell(&cell[6], NULL, isnan(now) || isnan(before) ? NAN : now - before, digits);
    dsms_report_cell_text(r, &cell[7], *trend ? trend : "-");
    return 0;
}

static void commitments_table(dsms_report *r, dsms_report_section *s,
                              const dsms_register *reg, dsms_strand strand)
{
    static const char *const heads[] = {"Id",     "Commitment", "Owner", "Due",
                                        "Status", "Evidence",   "Source"};
    dsms_report_table *t = dsms_report_table_add(r, s, "The strand's commitments", 7, heads,
                                                 NULL);
    for (size_t i = 0; t && i < reg->n; i++) {
        const dsms_commitment *c = &reg->items[i];
        if (c->strand != strand) continue;
        dsms_report_cell *cell = dsms_report_row(r, t, NULL);
        if (!cell) return;
        char evidence[600], source[200];
        snprintf(evidence, sizeof evidence, "%s%s%s",
                 c->evidence_ref ? c->evidence_ref : "",
                 c->evidence_ref && c->evidence_text ? ": " : "",
                 c->evidence_text ? c->evidence_text : "");
        if (c->line) snprintf(source, sizeof source, "%s, line %d", c->strategy, c->line);
        else snprintf(source, sizeof source, "%s", c->strategy);
        dsms_report_cell_text(r, &cell[0], c->id);
        dsms_report_cell_text(r, &cell[1], c->text);
        dsms_report_cell_text(r, &cell[2], c->owner);
        dsms_report_cell_text(r, &cell[3], c->due);
        dsms_report_cell_text(r, &cell[4], c->status);
        cell[4].bench = strcmp(c->status, "achieved") == 0    ? DSMS_BENCH_BETTER
                        : strcmp(c->status, "off track") == 0 ? DSMS_BENCH_WORSE
                                                              : DSMS_BENCH_NONE;
        dsms_report_cell_text(r, &cell[5], evidence);
        dsms_report_cell_text(r, &cell[6], source);
    }
}

static int done(const dsms_commitment *c)
{
    return strcmp(c->status, "achieved") == 0 || strcmp(c->status, "dropped") == 0;
}

static int strand_section(dsms_report *r, const rp_data *d, const dsms_register *reg,
                          dsms_strand strand, long start, dsms_err *err)
{
    size_t n = 0, achieved = 0, carried = 0, measured = 0;
    for (size_t i = 0; i < reg->n; i++) {
        const dsms_commitment *c = &reg->items[i];
        if (c->strand != strand) continue;
        n++;
        achieved += strcmp(c->status, "achieved") == 0;
        carried += !done(c) && dsms_commitment_due_day(c->due) < start;
        measured += c->evidence != DSMS_EVIDENCE_TEXT;
    }
    if (!n) return 0;
    char title[80];
    snprintf(title, sizeof title, "%s", dsms_strand_name(strand));
    title[0] = (char)(title[0] - (title[0] >= 'a' && title[0] <= 'z' ? 'a' - 'A' : 0));
    dsms_report_section *s = dsms_report_section_add(r, title, title);
    dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH,
                     "%zu %s under this strand: %zu achieved, %zu carried over from earlier "
                     "years.",
                     n, n == 1 ? "commitment" : "commitments", achieved, carried);
    dsms_report_text(r, s, DSMS_BLOCK_HEADING, "What was achieved");
    for (size_t i = 0; i < reg->n; i++)
        if (reg->items[i].strand == strand && strcmp(reg->items[i].status, "achieved") == 0)
            dsms_report_text(r, s, DSMS_BLOCK_BULLET, "%s%s%s.", reg->items[i].text,
                             reg->items[i].evidence_text ? " \u2014 " : "",
                             reg->items[i].evidence_text ? reg->items[i].evidence_text : "");
    if (!achieved) dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH, "Nothing is recorded as achieved.");
    if (measured) {
        dsms_report_text(r, s, DSMS_BLOCK_HEADING, "The statistics");
        static const char *const heads[] = {"Commitment", "Evidence",  "Unit",   "Period",
                                            "England",    "Year before", "Change", "Trend"};
        dsms_report_table *t = dsms_report_table_add(
            r, s, "England's figures that are the commitments' evidence", 8, heads, NULL);
        for (size_t i = 0; t && i < reg->n; i++)
            if (reg->items[i].strand == strand && reg->items[i].evidence != DSMS_EVIDENCE_TEXT &&
                evidence_row(r, t, d, &reg->items[i], err) != 0)
                return -1;
    }
    dsms_report_text(r, s, DSMS_BLOCK_HEADING, "Carried over from last year");
    for (size_t i = 0; i < reg->n; i++) {
        const dsms_commitment *c = &reg->items[i];
        if (c->strand == strand && !done(c) && dsms_commitment_due_day(c->due) < start)
            dsms_report_text(r, s, DSMS_BLOCK_BULLET, "%s (%s; due %s; %s).", c->text, c->owner,
                             c->due, c->status);
    }
    if (!carried) dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH, "Nothing is carried over.");
    commitments_table(r, s, reg, strand);
    return 0;
}

static void summary(dsms_report *r, const rp_data *d, const dsms_register *reg)
{
    dsms_report_section *s = dsms_report_section_add(r, "Summary", "Summary");
    dsms_report_text(r, s, DSMS_BLOCK_PARAGRAPH,
                     "Progress in %s against the %zu commitments of %s, strand by strand. Data "
                     "as at %s.",
                     d->years[d->year], reg->n, reg->title, d->as_at);
    size_t nstatus = 0;
    while (dsms_commitment_statuses[nstatus]) nstatus++;
    const char *heads[16] = {"Strand"};
    for (size_t k = 0; k < nstatus && k < 14; k++) heads[k + 1] = dsms_commitment_statuses[k];
    heads[nstatus + 1] = "All";
    dsms_report_table *t = dsms_report_table_add(r, s, "Commitments by strand and status",
                                                 nstatus + 2, heads, NULL);
    for (int strand = 0; t && strand < DSMS_STRAND_COUNT; strand++) {
        size_t count[16] = {0}, all = 0;
        for (size_t i = 0; i < reg->n; i++) {
            if ((int)reg->items[i].strand != strand) continue;
            all++;
            for (size_t k = 0; k < nstatus; k++)
                count[k] += strcmp(reg->items[i].status, dsms_commitment_statuses[k]) == 0;
        }
        if (!all) continue;
        dsms_report_cell *c = dsms_report_row(r, t, NULL);
        if (!c) return;
        dsms_report_cell_text(r, &c[0], dsms_strand_name((dsms_strand)strand));
        for (size_t k = 0; k < nstatus; k++)
            dsms_report_cell_number(&c[k + 1], (double)count[k], 0);
        dsms_report_cell_number(&c[nstatus + 1], (double)all, 0);
    }
}

int rp_review_report(const rp_data *d, const dsms_report_request *q, dsms_report *r,
                     dsms_err *err)
{
    dsms_register reg;
    if (dsms_register_read(q->commitments, &reg, err) != 0) return -1;
    long start = (long)year_start(d->years[d->year]);
    summary(r, d, &reg);
    int rc = 0;
    for (int strand = 0; rc == 0 && strand < DSMS_STRAND_COUNT; strand++)
        rc = strand_section(r, d, &reg, (dsms_strand)strand, start, err);
    dsms_register_free(&reg);
    return rc;
}
