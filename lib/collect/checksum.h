/* checksum.h — SHA-256 of a submitted file as it streams past, for the
 * submission record (the same digest `sha256sum` prints). OpenSSL's libcrypto
 * does it with the processor's SHA instructions where there are any. */
#ifndef DSMS_CHECKSUM_H
#define DSMS_CHECKSUM_H

#include <stddef.h>

typedef struct dsms_checksum dsms_checksum;

dsms_checksum *dsms_checksum_new(void);
void dsms_checksum_add(dsms_checksum *c, const void *buf, size_t n);
/* The digest as 64 hex digits and a NUL; the checksum cannot be added to after. */
void dsms_checksum_hex(dsms_checksum *c, char out[65]);
void dsms_checksum_free(dsms_checksum *c);

#endif
