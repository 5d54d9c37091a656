/* store_int.h — what a storage backend implements, internal to libdsms.
 *
 * dsms/store.h is the interface callers see; store.c dispatches each of its
 * functions through the table of operations below, which a backend fills
 * (store_sqlite.c; a PostgreSQL backend would add its own table and one line
 * in dsms_store_open). Every operation has the meaning, ownership and failure
 * return of the public function of the same name. */
#ifndef DSMS_STORE_INT_H
#define DSMS_STORE_INT_H

#include "dsms/store.h"

/* The operations a backend provides: each as its dsms_store_ function. */
struct dsms_store_ops {
    void (*close)(dsms_store *);
    dsms_store *(*reopen)(dsms_store *, dsms_err *);
    int (*damage_check)(dsms_store *, dsms_err *);
    int (*exec)(dsms_store *, const char *sql, dsms_err *);
    int (*ref_clear)(dsms_store *, dsms_err *);
    int (*ref_put)(dsms_store *, const char *, size_t, const char *const *, const char *const *,
                   dsms_err *);
    int (*ref_each)(dsms_store *, const char *, dsms_ref_row_fn, void *, dsms_err *);
    int (*each_area)(dsms_store *, int (*)(void *, const char *), void *, dsms_err *);
    int (*put)(dsms_store *, const dsms_table *, int64_t, int64_t, size_t, const long *,
               const dsms_cell *const *, dsms_err *);
    int (*origin)(dsms_store *, const dsms_table *, const dsms_cell *, dsms_origin *, dsms_err *);
    int (*episode_exists)(dsms_store *, const char *, size_t, const char *, size_t, dsms_err *);
    int (*add_submission)(dsms_store *, dsms_submission *, dsms_err *);
    int (*finish_submission)(dsms_store *, const dsms_submission *, dsms_err *);
    int64_t (*same_submission)(dsms_store *, const dsms_submission *, dsms_err *);
    int (*each_submission)(dsms_store *, dsms_submission_fn, void *, dsms_err *);
    int (*quarantine)(dsms_store *, int64_t, const char *, long, const char *, const char *,
                      dsms_err *);
    int (*each_quarantined)(dsms_store *, int64_t, const char *, dsms_quarantined_fn, void *,
                            dsms_err *);
    int (*audit)(dsms_store *, const char *, const char *, const char *, dsms_err *);
    int64_t (*count)(dsms_store *, const char *, dsms_err *);
    int (*scan)(dsms_store *, const dsms_table *, const char *, const char *const *, size_t,
                dsms_scan_fn,
                void *, dsms_err *);
    int (*put_results)(dsms_store *, dsms_result_source, void *, const char *const *, size_t,
                       const dsms_computation *, dsms_err *);
    int (*each_result)(dsms_store *, const dsms_result_filter *, dsms_result_fn, void *,
                       dsms_err *);
    int (*meta_get)(dsms_store *, const char *, char *, size_t, dsms_err *);
    int (*meta_set)(dsms_store *, const char *, const char *, dsms_err *);
    long (*check)(dsms_store *, const char *, dsms_finding_fn, void *, dsms_err *);
    /* Accounts, tokens, sessions and the audit record (schema 6). */
    int64_t (*user_add)(dsms_store *, const dsms_store_user *, dsms_err *);
    int (*user_each)(dsms_store *, const char *, dsms_store_user_fn, void *, dsms_err *);
    int (*user_remove)(dsms_store *, int64_t, dsms_err *);
    int (*user_passwd)(dsms_store *, int64_t, const char *, dsms_err *);
    int (*user_logins)(dsms_store *, int64_t, int, int64_t, dsms_err *);
    int64_t (*token_add)(dsms_store *, int64_t, const char *, const unsigned char *, dsms_err *);
    int (*token_revoke)(dsms_store *, int64_t, const char *, dsms_err *);
    int64_t (*token_use)(dsms_store *, const unsigned char *, int64_t *, int *, dsms_err *);
    int (*session_add)(dsms_store *, const dsms_store_session *, dsms_err *);
    int (*session_find)(dsms_store *, const unsigned char *, dsms_store_session *, dsms_err *);
    int (*session_touch)(dsms_store *, const unsigned char *, int64_t, dsms_err *);
    int (*session_remove)(dsms_store *, const unsigned char *, int64_t, dsms_err *);
    int (*audit_from)(dsms_store *, const char *, const char *, const char *, const char *,
                      dsms_err *);
    int (*audit_each)(dsms_store *, const char *, const char *, dsms_audit_fn, void *,
                      dsms_err *);
    int (*computed_at)(dsms_store *, int64_t *, char *, size_t, dsms_err *);
    /* Published series' values (schema 7). */
    int (*series_put)(dsms_store *, const dsms_series_value *, dsms_err *);
    int (*each_series)(dsms_store *, const char *, const char *, dsms_series_fn, void *,
                       dsms_err *);
    /* Outcomes frameworks and their statuses (schema 8). */
    int (*framework_put)(dsms_store *, const dsms_stored_framework *, dsms_err *);
    int (*framework_remove)(dsms_store *, const char *, dsms_err *);
    int (*each_framework)(dsms_store *, const char *, dsms_stored_framework_fn, void *,
                          dsms_err *);
    int (*statuses_put)(dsms_store *, const char *, const dsms_status_row *, size_t,
                        dsms_err *);
    int (*each_status)(dsms_store *, const char *, const char *, const char *, dsms_status_fn,
                       void *, dsms_err *);
    /* Each account's latest audit line of an action (accounts, schema 6). */
    int (*user_last_event)(dsms_store *, const char *, dsms_store_event_fn, void *, dsms_err *);
    /* The substance register and alerts (schema 9). */
    int (*substance_put)(dsms_store *, const dsms_stored_substance *, dsms_err *);
    int (*each_substance)(dsms_store *, const char *, dsms_stored_substance_fn, void *,
                          dsms_err *);
    int (*alert_raise)(dsms_store *, const dsms_stored_alert *, int64_t *, int *, dsms_err *);
    int (*each_alert)(dsms_store *, const dsms_alert_filter *, dsms_stored_alert_fn, void *,
                      dsms_err *);
    int (*alert_move)(dsms_store *, int64_t, const char *, const char *, const char *,
                      const char *, dsms_err *);
    int (*each_alert_event)(dsms_store *, int64_t, dsms_alert_event_fn, void *, dsms_err *);
};

/* Every backend's handle begins with its operations, then what
 * dsms_store_set_derive set. */
struct dsms_store {
    const struct dsms_store_ops *ops;
    dsms_store_derive_fn derive;
    void *derive_ctx;
};

/* The SQLite backend: dsms_store_open for a file path or ":memory:". */
dsms_store *dsms_store_sqlite_open(const char *path, int flags, dsms_err *err);

#endif
