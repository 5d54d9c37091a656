/* key_store.c — a store's record of its key's fingerprint, and the check
 * against it (see key_store.h). */
#include "dsms/key_store.h"

#include <string.h>

int dsms_key_bind(dsms_store *st, const dsms_key *key, dsms_err *err)
{
    char fp[DSMS_FINGERPRINT_HEX + 1];
    dsms_key_fingerprint(key, fp);
    return dsms_store_meta_set(st, DSMS_META_KEY_FINGERPRINT, fp, err);
}

/* The fingerprint the store holds: 1 found, 0 none, -1 error. */
static int stored(dsms_store *st, char *buf, size_t n, dsms_err *err)
{
    return dsms_store_meta_get(st, DSMS_META_KEY_FINGERPRINT, buf, n, err);
}

/* A store without a fingerprint takes this key's, once; under a write lock,
 * so that of two first imports at once only one records. */
static int record_first(dsms_store *st, const dsms_key *key, char *have, size_t n,
                        dsms_err *err)
{
    if (dsms_store_begin(st, err)) return -1;
    int found = stored(st, have, n, err);
    if (found < 0 || (found == 0 && dsms_key_bind(st, key, err)) ||
        dsms_store_commit(st, err)) {
        dsms_store_rollback(st);
        return -1;
    }
    return found ? DSMS_KEY_MATCHES : DSMS_KEY_RECORDED;
}

int dsms_key_verify(dsms_store *st, const dsms_key *key, const char *key_path,
                    const char *store_path, int record, dsms_err *err)
{
    char want[DSMS_FINGERPRINT_HEX + 1], have[64] = "";
    dsms_key_fingerprint(key, want);
    int found = stored(st, have, sizeof have, err);
    if (found < 0) return -1;
    if (!found) {
        if (!record) return DSMS_KEY_MATCHES;
        int rc = record_first(st, key, have, sizeof have, err);
        if (rc != DSMS_KEY_MATCHES) return rc;
    }
    if (strcmp(have, want) == 0) return DSMS_KEY_MATCHES;
    dsms_err_set(err,
                 "%s: this is not the key of store %s (key fingerprint %s; the store's key "
                 "has fingerprint %s): records pseudonymised under it would never link to "
                 "the store's. Use the store's own key file (--key PATH or $DSMS_KEY); "
                 "nothing was stored",
                 key_path, store_path, want, have);
    return -1;
}
