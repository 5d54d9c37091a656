/* checksum.c — streaming SHA-256 with libsodium (checksum.h). */
#include "checksum.h"

#include <sodium.h>
#include <stdio.h>

void dsms_checksum_init(dsms_checksum *c)
{
    crypto_hash_sha256_init(&c->state);
}

void dsms_checksum_add(dsms_checksum *c, const void *buf, size_t n)
{
    crypto_hash_sha256_update(&c->state, buf, n);
}

void dsms_checksum_hex(dsms_checksum *c, char out[DSMS_CHECKSUM_HEX])
{
    unsigned char md[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&c->state, md);
    sodium_bin2hex(out, DSMS_CHECKSUM_HEX, md, sizeof md);
}
