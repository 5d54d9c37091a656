/* api_upload.c — POST /api/v1/submissions?source=CODE: one CSV file, the
 * request's body, imported exactly as `dsms import --source CODE FILE` does
 * (dsms_import): validated, pseudonymised under the store's key, stored in
 * one transaction with its rejected rows quarantined, or refused whole. A
 * provider account submits only for its own organisations (the policy's
 * scope); the answer is the import's report with its first diagnostics. */
#include <stdio.h>
#include <string.h>

#include "api_int.h"
#include "dsms/import.h"

/* Diagnostics kept in the answer; the count says how many there were. */
enum { API_MAX_DIAGS = 1000 };

typedef struct {
    json_t *list;
    long total;
} diag_read;

static void diag_keep(void *ctx, const dsms_diag *d)
{
    diag_read *r = ctx;
    if (r->total++ >= API_MAX_DIAGS || !r->list) return;
    json_t *o = json_pack("{ss si ss ss ss ss ss ss}", "file", d->file ? d->file : "", "line",
                          (int)d->line, "table", d->table ? d->table : "", "field", d->field,
                          "rule", d->rule ? d->rule : "", "severity",
                          d->severity == DSMS_WARNING ? "warning" : "error", "message",
                          d->message, "expected", d->expected);
    if (!o || json_array_append_new(r->list, o)) {
        json_decref(r->list);
        r->list = NULL;
    }
}

int api_upload(api_call *c)
{
    const char *source = api_q(c, "source");
    const char *name = api_q(c, "name") ? api_q(c, "name") : "upload.csv";
    if (!dsms_policy_allows(c->p, DSMS_RES_SUBMISSIONS, DSMS_ACT_WRITE, source))
        return api_error(c->resp, 403, "you may submit only for your own organisations");
    if (c->req->upload_fd <= 0)
        return api_error(c->resp, 400, "no file: the request's body is the CSV file");
    if (!c->req->store_key)
        return api_error(c->resp, 503, "this server cannot take submissions: it has no key");
    diag_read d = {json_array(), 0};
    dsms_import_opts o = {.source = source, .by = api_actor(c->p), .today = c->req->now / 86400,
                          .emit = diag_keep, .emit_ctx = &d, .fd = c->req->upload_fd};
    dsms_import_result res = {0};
    dsms_err err = {""};
    const char *files[1] = {name};
    int rc = dsms_import(c->st, c->req->store_key, files, 1, &o, &res, &err);
    if (!d.list) return api_error(c->resp, 500, "out of memory");
    char detail[300];
    if (rc == DSMS_REFUSED) {
        snprintf(detail, sizeof detail, "%s from %s refused: %.200s", name, source, err.msg);
        api_audit(c, "upload refused", detail);
        return api_json(c->resp, 422,
                        json_pack("{sssbsosI}", "error", err.msg, "stored", 0, "diagnostics",
                                  d.list, "diagnostics_total", (json_int_t)d.total));
    }
    snprintf(detail, sizeof detail, "submission %lld: %s from %s, %ld rows read",
             (long long)(res.same_as > 0 ? res.same_as : res.submission), name, source, res.rows);
    api_audit(c, "upload", detail);
    c->resp->recompute = res.same_as == 0;
    int64_t id = res.same_as > 0 ? res.same_as : res.submission;
    api_header(c->resp, "Location", "/api/v1/submissions/%lld", (long long)id);
    return api_json(c->resp, res.same_as > 0 ? 200 : 201,
                    json_pack("{sIsssssssisisisisIsssosI}", "submission", (json_int_t)id, "source",
                              source, "table", res.table ? res.table : "", "file", name, "rows",
                              (int)res.rows, "accepted", (int)res.accepted, "quarantined",
                              (int)res.quarantined, "warnings", (int)res.warnings, "same_as",
                              (json_int_t)res.same_as, "sha256", res.sha256, "diagnostics",
                              d.list, "diagnostics_total", (json_int_t)d.total));
}
