/* dsms/pseudo.h — pseudonymisation of the client attributor.
 *
 * The attributor (initials, date of birth, sex) is normalised and replaced by
 * HMAC-SHA-256 under a secret key kept in its own file (mode 0600), so the
 * same person links across sources while the raw attributor is never stored.
 *
 * A store records its key's fingerprint (a keyed hash of a fixed label, which
 * tells nothing about the key) so that a record pseudonymised under another
 * key is refused instead of silently failing to link. */
#ifndef DSMS_PSEUDO_H
#define DSMS_PSEUDO_H

#include <sodium.h>
#include <stddef.h>

#include "dsms/diag.h"

#define DSMS_KEY_BYTES 32
#define DSMS_PSEUDONYM_BYTES 32
#define DSMS_FINGERPRINT_HEX 16 /* hex digits of a key's fingerprint */
#define DSMS_KEY_MIN_DISTINCT 12
#define DSMS_KEY_WEAK_FEW 99
#define DSMS_KEY_WEAK_PERIOD 16 /* a key repeating with a period up to this is refused */

/* A loaded key: the secret itself, in the caller's memory; wipe it with
 * dsms_key_wipe when done. */
typedef struct {
    unsigned char k[DSMS_KEY_BYTES];
    crypto_auth_hmacsha256_state keyed; /* HMAC state after the key: one per row saved */
} dsms_key;

/* Create a new random key file (mode 0600); the key itself is not returned
 * (dsms_key_load reads it). 0, or -1 with err set, leaving no new file: one
 * that exists is left as it was, one that could not be written is removed. */
int dsms_key_create(const char *path, dsms_err *err);
/* Load a key file; refuses one that group or others can read or write, and
 * one without entropy (dsms_key_weak). 0 with *key set, the caller's to wipe
 * with dsms_key_wipe; -1 with err set, *key holding nothing read from the
 * file. The file is closed before it returns. */
int dsms_key_load(const char *path, dsms_key *key, dsms_err *err);
/* Zero the whole of *key (cannot fail). */
void dsms_key_wipe(dsms_key *key);
/* Why a key could be guessed: the period (1..DSMS_KEY_WEAK_PERIOD) with
 * which its bytes repeat (all one byte is period 1), or DSMS_KEY_WEAK_FEW
 * when it holds fewer than DSMS_KEY_MIN_DISTINCT different byte values (a
 * random key holds about 30; fewer than 12 comes once in more than 10^20
 * draws); 0 for a usable key. */
int dsms_key_weak(const unsigned char k[DSMS_KEY_BYTES]);
/* The key's fingerprint: the first DSMS_FINGERPRINT_HEX hex digits of
 * BLAKE2b keyed with the key over "dsms key fingerprint v1", NUL-terminated
 * in the caller's out. Cannot fail. */
void dsms_key_fingerprint(const dsms_key *key, char out[DSMS_FINGERPRINT_HEX + 1]);
/* A fresh random key that is never written anywhere (for checks that store
 * nothing), the caller's to wipe; -1, *key untouched, only when libsodium
 * cannot be initialised. */
int dsms_key_random(dsms_key *key);

/* Pseudonym (32 bytes, into the caller's out) of the attributor made of two
 * initials, a YYYY-MM-DD date of birth and a one-letter sex code; letters
 * are upper-cased here. Reads exactly 2 bytes of initials and 10 of dob (no
 * NUL needed) under a key from dsms_key_load or dsms_key_random. Cannot fail. */
void dsms_pseudonym(const dsms_key *key, const char *initials, const char *dob, char sex,
                    unsigned char out[DSMS_PSEUDONYM_BYTES]);

#endif
