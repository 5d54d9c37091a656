/* store.c — the backend-independent half of the storage interface: which
 * backend serves a location, the stored column layout, the reference tables'
 * names, and thin dispatch. */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t dsms_store_columns(const dsms_table *t, dsms_column *out)
{
    size_t n = 0;
    for (size_t i = 0; i < t->nfields; i++) {
        const dsms_field *f = &t->fields[i];
        if (f->flags & (DSMS_F_INITIALS | DSMS_F_DOB)) continue;
        int text = f->type == DSMS_TYPE_TEXT || f->type == DSMS_TYPE_CODES;
        out[n++] = (dsms_column){f->name, text ? DSMS_COL_TEXT : DSMS_COL_INT, (int)i};
    }
    if (dsms_field_index(t, "initials") >= 0) {
        out[n++] = (dsms_column){"person", DSMS_COL_BLOB, DSMS_COL_PERSON};
        out[n++] = (dsms_column){"age", DSMS_COL_INT, DSMS_COL_AGE};
    }
    return n;
}

dsms_store *dsms_store_open(const char *where, int flags, dsms_err *err)
{
    if (strncmp(where, "postgresql:", 11) == 0 || strncmp(where, "postgres:", 9) == 0) {
        dsms_err_set(err, "%s: this build has no PostgreSQL backend", where);
        return NULL;
    }
    return dsms_store_sqlite_open(where, flags, err);
}

dsms_store *dsms_store_reopen(dsms_store *st, dsms_err *err)
{
    return st->ops->reopen(st, err);
}

int dsms_store_damage_check(dsms_store *st, dsms_err *err)
{
    return st->ops->damage_check(st, err);
}

void dsms_store_close(dsms_store *st)
{
    if (st) st->ops->close(st);
}

int dsms_store_begin(dsms_store *st, dsms_err *err) { return st->ops->exec(st, "BEGIN IMMEDIATE", err); }
/* A commit or release that fails is undone, so that the caller is never left
 * inside a transaction it thinks has ended. */
int dsms_store_commit(dsms_store *st, dsms_err *err)
{
    if (!st->ops->exec(st, "COMMIT", err)) return 0;
    st->ops->exec(st, "ROLLBACK", NULL);
    return -1;
}

void dsms_store_rollback(dsms_store *st) { st->ops->exec(st, "ROLLBACK", NULL); }
int dsms_store_savepoint(dsms_store *st, dsms_err *err) { return st->ops->exec(st, "SAVEPOINT file", err); }
int dsms_store_release(dsms_store *st, dsms_err *err)
{
    if (!st->ops->exec(st, "RELEASE file", err)) return 0;
    dsms_store_rollback_savepoint(st);
    return -1;
}

int dsms_store_nest(dsms_store *st, dsms_err *err)
{
    return st->ops->exec(st, "SAVEPOINT submission", err);
}

int dsms_store_unnest(dsms_store *st, int keep, dsms_err *err)
{
    if (!keep) st->ops->exec(st, "ROLLBACK TO submission", NULL);
    return st->ops->exec(st, "RELEASE submission", keep ? err : NULL);
}

void dsms_store_rollback_savepoint(dsms_store *st)
{
    st->ops->exec(st, "ROLLBACK TO file", NULL);
    st->ops->exec(st, "RELEASE file", NULL);
}

const char *const *dsms_store_ref_tables(size_t *n)
{
    static const char *const tables[] = {"regions",    "police_forces", "probation_regions",
                                         "areas",      "population",    "esp2013",
                                         "prisons",    "providers",     "registers",
                                         "partnerships", "series",        "comparators",
                                         "reporters"};
    *n = sizeof tables / sizeof tables[0];
    return tables;
}

int dsms_store_ref_clear(dsms_store *st, dsms_err *err) { return st->ops->ref_clear(st, err); }

int dsms_store_ref_put(dsms_store *st, const char *table, size_t n, const char *const *names,
                       const char *const *values, dsms_err *err)
{
    return st->ops->ref_put(st, table, n, names, values, err);
}

int dsms_store_ref_each(dsms_store *st, const char *table, dsms_ref_row_fn fn, void *ctx,
                        dsms_err *err)
{
    dsms_err_clear(err);
    return st->ops->ref_each(st, table, fn, ctx, err);
}

void dsms_number_text(double x, char buf[32])
{
    /* 15 significant digits read back exactly for most values and look as
     * people wrote them (0.1, not 0.10000000000000001); 17 always do. */
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, 32, "%.*g", digits, x);
        if (strtod(buf, NULL) == x) return;
    }
}

int dsms_store_each_area(dsms_store *st, int (*fn)(void *, const char *), void *ctx, dsms_err *err)
{
    dsms_err_clear(err);
    return st->ops->each_area(st, fn, ctx, err);
}

int dsms_store_put(dsms_store *st, const dsms_table *t, int64_t submission, int64_t since,
                   size_t n, const long *lines, const dsms_cell *const *rows, dsms_err *err)
{
    return st->ops->put(st, t, submission, since, n, lines, rows, err);
}

int dsms_store_origin(dsms_store *st, const dsms_table *t, const dsms_cell *cells,
                      dsms_origin *o, dsms_err *err)
{
    return st->ops->origin(st, t, cells, o, err);
}

int dsms_store_episode_exists(dsms_store *st, const char *provider, size_t plen, const char *ref,
                              size_t rlen, dsms_err *err)
{
    return st->ops->episode_exists(st, provider, plen, ref, rlen, err);
}

int dsms_store_add_submission(dsms_store *st, dsms_submission *s, dsms_err *err)
{
    return st->ops->add_submission(st, s, err);
}

int dsms_store_finish_submission(dsms_store *st, const dsms_submission *s, dsms_err *err)
{
    return st->ops->finish_submission(st, s, err);
}

int64_t dsms_store_same_submission(dsms_store *st, const dsms_submission *s, dsms_err *err)
{
    return st->ops->same_submission(st, s, err);
}

int dsms_store_each_submission(dsms_store *st, dsms_submission_fn fn, void *ctx, dsms_err *err)
{
    dsms_err_clear(err);
    return st->ops->each_submission(st, fn, ctx, err);
}

int dsms_store_quarantine(dsms_store *st, int64_t submission, const char *table, long line,
                          const char *record_json, const char *diagnostics_json, dsms_err *err)
{
    return st->ops->quarantine(st, submission, table, line, record_json, diagnostics_json, err);
}

int dsms_store_each_quarantined(dsms_store *st, int64_t submission, const char *source,
                                dsms_quarantined_fn fn, void *ctx, dsms_err *err)
{
    dsms_err_clear(err);
    return st->ops->each_quarantined(st, submission, source, fn, ctx, err);
}

int dsms_store_audit(dsms_store *st, const char *actor, const char *action, const char *detail,
                     dsms_err *err)
{
    return st->ops->audit(st, actor, action, detail, err);
}

int64_t dsms_store_count(dsms_store *st, const char *table, dsms_err *err)
{
    return st->ops->count(st, table, err);
}

int dsms_store_scan(dsms_store *st, const dsms_table *t, const char *first_key,
                    const char *const *columns, size_t n, dsms_scan_fn fn, void *ctx,
                    dsms_err *err)
{
    dsms_err_clear(err);
    return st->ops->scan(st, t, first_key, columns, n, fn, ctx, err);
}

int dsms_store_put_results(dsms_store *st, dsms_result_source next, void *ctx,
                           const char *const *measures, size_t nmeasures,
                           const dsms_computation *log, dsms_err *err)
{
    return st->ops->put_results(st, next, ctx, measures, nmeasures, log, err);
}

int dsms_store_each_result(dsms_store *st, const dsms_result_filter *f, dsms_result_fn fn,
                           void *ctx, dsms_err *err)
{
    static const dsms_result_filter all = {NULL, NULL, NULL, NULL};
    dsms_err_clear(err);
    return st->ops->each_result(st, f ? f : &all, fn, ctx, err);
}

int dsms_store_series_put(dsms_store *st, const dsms_series_value *v, dsms_err *err)
{
    return st->ops->series_put(st, v, err);
}

int dsms_store_each_series(dsms_store *st, const char *series, const char *code,
                           dsms_series_fn fn, void *ctx, dsms_err *err)
{
    dsms_err_clear(err);
    return st->ops->each_series(st, series, code, fn, ctx, err);
}

int dsms_store_framework_put(dsms_store *st, const dsms_stored_framework *f, dsms_err *err)
{
    return st->ops->framework_put(st, f, err);
}

int dsms_store_framework_remove(dsms_store *st, const char *id, dsms_err *err)
{
    return st->ops->framework_remove(st, id, err);
}

int dsms_store_each_framework(dsms_store *st, const char *id, dsms_stored_framework_fn fn,
                              void *ctx, dsms_err *err)
{
    dsms_err_clear(err);
    return st->ops->each_framework(st, id, fn, ctx, err);
}

int dsms_store_statuses_put(dsms_store *st, const char *framework, const dsms_status_row *rows,
                            size_t n, dsms_err *err)
{
    return st->ops->statuses_put(st, framework, rows, n, err);
}

int dsms_store_each_status(dsms_store *st, const char *framework, const char *area_code,
                           const char *period, dsms_status_fn fn, void *ctx, dsms_err *err)
{
    dsms_err_clear(err);
    return st->ops->each_status(st, framework, area_code, period, fn, ctx, err);
}

int dsms_store_substance_put(dsms_store *st, const dsms_stored_substance *s, dsms_err *err)
{
    return st->ops->substance_put(st, s, err);
}

int dsms_store_each_substance(dsms_store *st, const char *code, dsms_stored_substance_fn fn,
                              void *ctx, dsms_err *err)
{
    dsms_err_clear(err);
    return st->ops->each_substance(st, code, fn, ctx, err);
}

int dsms_store_alert_raise(dsms_store *st, const dsms_stored_alert *a, int64_t *id, int *created,
                           dsms_err *err)
{
    return st->ops->alert_raise(st, a, id, created, err);
}

int dsms_store_each_alert(dsms_store *st, const dsms_alert_filter *f, dsms_stored_alert_fn fn,
                          void *ctx, dsms_err *err)
{
    dsms_err_clear(err);
    return st->ops->each_alert(st, f, fn, ctx, err);
}

int dsms_store_alert_move(dsms_store *st, int64_t id, const char *from, const char *to,
                          const char *actor, const char *note, dsms_err *err)
{
    return st->ops->alert_move(st, id, from, to, actor, note, err);
}

int dsms_store_each_alert_event(dsms_store *st, int64_t id, dsms_alert_event_fn fn, void *ctx,
                                dsms_err *err)
{
    dsms_err_clear(err);
    return st->ops->each_alert_event(st, id, fn, ctx, err);
}

void dsms_store_set_derive(dsms_store *st, dsms_store_derive_fn fn, void *ctx)
{
    st->derive = fn;
    st->derive_ctx = ctx;
}

int dsms_store_derive(dsms_store *st, dsms_err *err)
{
    return st->derive ? st->derive(st->derive_ctx, st, err) : 0;
}

int dsms_store_computed_at(dsms_store *st, int64_t *id, char *buf, size_t n, dsms_err *err)
{
    return st->ops->computed_at(st, id, buf, n, err);
}

int dsms_store_meta_get(dsms_store *st, const char *name, char *buf, size_t n, dsms_err *err)
{
    return st->ops->meta_get(st, name, buf, n, err);
}

int dsms_store_meta_set(dsms_store *st, const char *name, const char *value, dsms_err *err)
{
    return st->ops->meta_set(st, name, value, err);
}

long dsms_store_check(dsms_store *st, const char *key_fingerprint, dsms_finding_fn fn, void *ctx,
                      dsms_err *err)
{
    dsms_err_clear(err);
    return st->ops->check(st, key_fingerprint, fn, ctx, err);
}

int64_t dsms_store_user_add(dsms_store *st, const dsms_store_user *u, dsms_err *err)
{
    return st->ops->user_add(st, u, err);
}

int dsms_store_user_each(dsms_store *st, const char *name, dsms_store_user_fn fn, void *ctx,
                         dsms_err *err)
{
    dsms_err_clear(err);
    return st->ops->user_each(st, name, fn, ctx, err);
}

int dsms_store_user_remove(dsms_store *st, int64_t id, dsms_err *err)
{
    return st->ops->user_remove(st, id, err);
}

int dsms_store_user_passwd(dsms_store *st, int64_t id, const char *password_hash, dsms_err *err)
{
    return st->ops->user_passwd(st, id, password_hash, err);
}

int dsms_store_user_logins(dsms_store *st, int64_t id, int failed, int64_t locked_until,
                           dsms_err *err)
{
    return st->ops->user_logins(st, id, failed, locked_until, err);
}

int dsms_store_user_last_event(dsms_store *st, const char *action, dsms_store_event_fn fn,
                               void *ctx, dsms_err *err)
{
    dsms_err_clear(err);
    return st->ops->user_last_event(st, action, fn, ctx, err);
}

int64_t dsms_store_token_add(dsms_store *st, int64_t user_id, const char *label,
                             const unsigned char hash[32], dsms_err *err)
{
    return st->ops->token_add(st, user_id, label, hash, err);
}

int dsms_store_token_revoke(dsms_store *st, int64_t user_id, const char *label, dsms_err *err)
{
    return st->ops->token_revoke(st, user_id, label, err);
}

int64_t dsms_store_token_use(dsms_store *st, const unsigned char hash[32], int64_t *user_id,
                             int *recorded, dsms_err *err)
{
    *recorded = 0;
    return st->ops->token_use(st, hash, user_id, recorded, err);
}

int dsms_store_session_add(dsms_store *st, const dsms_store_session *s, dsms_err *err)
{
    return st->ops->session_add(st, s, err);
}

int dsms_store_session_find(dsms_store *st, const unsigned char hash[32], dsms_store_session *s,
                            dsms_err *err)
{
    return st->ops->session_find(st, hash, s, err);
}

int dsms_store_session_touch(dsms_store *st, const unsigned char hash[32], int64_t now,
                             dsms_err *err)
{
    return st->ops->session_touch(st, hash, now, err);
}

int dsms_store_session_remove(dsms_store *st, const unsigned char hash[32], int64_t now,
                              dsms_err *err)
{
    return st->ops->session_remove(st, hash, now, err);
}

int dsms_store_audit_from(dsms_store *st, const char *actor, const char *origin,
                          const char *action, const char *detail, dsms_err *err)
{
    return st->ops->audit_from(st, actor, origin, action, detail, err);
}

int dsms_store_audit_each(dsms_store *st, const char *since, const char *actor,
                          dsms_audit_fn fn, void *ctx, dsms_err *err)
{
    dsms_err_clear(err);
    return st->ops->audit_each(st, since, actor, fn, ctx, err);
}
