/* checksum.c — streaming SHA-256 with libcrypto's EVP interface (checksum.h). */
#include "checksum.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

struct dsms_checksum {
    EVP_MD_CTX *ctx;
    int failed;
};

dsms_checksum *dsms_checksum_new(void)
{
    dsms_checksum *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->ctx = EVP_MD_CTX_new();
    if (!c->ctx || EVP_DigestInit_ex(c->ctx, EVP_sha256(), NULL) != 1) {
        dsms_checksum_free(c);
        return NULL;
    }
    return c;
}

void dsms_checksum_add(dsms_checksum *c, const void *buf, size_t n)
{
    if (EVP_DigestUpdate(c->ctx, buf, n) != 1) c->failed = 1;
}

void dsms_checksum_hex(dsms_checksum *c, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    if (c->failed || EVP_DigestFinal_ex(c->ctx, md, &len) != 1 || len != 32) {
        snprintf(out, 65, "%s", "unavailable");
        return;
    }
    for (unsigned i = 0; i < len; i++) snprintf(out + 2 * i, 3, "%02x", md[i]);
}

void dsms_checksum_free(dsms_checksum *c)
{
    if (!c) return;
    EVP_MD_CTX_free(c->ctx);
    free(c);
}
