/* dsms/key_store.h — a store and its key.
 *
 * dsms init records the key's fingerprint (pseudo.h) in the store; every
 * command that loads a key checks it against that record, so that records
 * pseudonymised under another key, which would never link to the store's,
 * are refused before anything is written. */
#ifndef DSMS_KEY_STORE_H
#define DSMS_KEY_STORE_H

#include "dsms/diag.h"
#include "dsms/pseudo.h"
#include "dsms/store.h"

/* Record key as the store's key, in the caller's transaction (dsms init):
 * only its fingerprint is stored. 0, or -1 with err set, the transaction then
 * the caller's to roll back. */
int dsms_key_bind(dsms_store *st, const dsms_key *key, dsms_err *err);

enum { DSMS_KEY_MATCHES = 0, DSMS_KEY_RECORDED = 1 };

/* Check that key (read from key_path) is the key of the store at store_path.
 * DSMS_KEY_MATCHES when it is. A store made before fingerprints were
 * recorded has none: with record set, this key's fingerprint is recorded in a
 * transaction of its own and DSMS_KEY_RECORDED returned; without, it matches.
 * -1 with err naming both fingerprints when the store's key is another, or on
 * error (a failed recording is rolled back: still no fingerprint). The
 * recording's transaction means the caller must hold none when record is set.
 * key_path and store_path only name the files in err; nothing is kept. */
int dsms_key_verify(dsms_store *st, const dsms_key *key, const char *key_path,
                    const char *store_path, int record, dsms_err *err);

#endif
