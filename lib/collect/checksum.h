/* checksum.h — SHA-256 of a submitted file as it streams past, for the
 * submission record (the same digest `sha256sum` prints). libsodium does it,
 * in a state the caller holds: nothing is allocated, so nothing can fail. */
#ifndef DSMS_CHECKSUM_H
#define DSMS_CHECKSUM_H

#include <sodium.h>
#include <stddef.h>

/* 64 hex digits and a NUL. */
#define DSMS_CHECKSUM_HEX (2 * crypto_hash_sha256_BYTES + 1)

typedef struct {
    crypto_hash_sha256_state state;
} dsms_checksum;

/* Start a checksum (libsodium initialised: sodium_init has been called). */
void dsms_checksum_init(dsms_checksum *c);
void dsms_checksum_add(dsms_checksum *c, const void *buf, size_t n);
/* The digest as hex digits and a NUL; the checksum cannot be added to after. */
void dsms_checksum_hex(dsms_checksum *c, char out[DSMS_CHECKSUM_HEX]);

#endif
