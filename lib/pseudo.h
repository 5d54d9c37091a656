/* pseudo.h — pseudonymisation of the client attributor.
 *
 * The attributor (initials, date of birth, sex) is normalised and replaced by
 * HMAC-SHA-256 under a secret key kept in its own file (mode 0600), so the
 * same person links across sources while the raw attributor is never stored. */
#ifndef DSMS_PSEUDO_H
#define DSMS_PSEUDO_H

#include <sodium.h>
#include <stddef.h>

#include "diag.h"

#define DSMS_KEY_BYTES 32
#define DSMS_PSEUDONYM_BYTES 32

typedef struct {
    unsigned char k[DSMS_KEY_BYTES];
    crypto_auth_hmacsha256_state keyed; /* HMAC state after the key: one per row saved */
} dsms_key;

/* Create a new random key file; fails if the file exists. */
int dsms_key_create(const char *path, dsms_err *err);
/* Load a key file; refuses one that group or others can read or write. */
int dsms_key_load(const char *path, dsms_key *key, dsms_err *err);
void dsms_key_wipe(dsms_key *key);
/* A fresh random key that is never written anywhere (for checks that store nothing). */
int dsms_key_random(dsms_key *key);

/* Pseudonym (32 bytes) of the attributor made of two initials, a YYYY-MM-DD
 * date of birth and a one-letter sex code; letters are upper-cased here. */
void dsms_pseudonym(const dsms_key *key, const char *initials, const char *dob, char sex,
                    unsigned char out[DSMS_PSEUDONYM_BYTES]);

#endif
