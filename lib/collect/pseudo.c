/* pseudo.c — key files and keyed pseudonyms (see pseudo.h), with libsodium. */
#include "dsms/pseudo.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int sodium_ready(dsms_err *err)
{
    if (sodium_init() < 0) {
        dsms_err_set(err, "libsodium could not be initialised");
        return -1;
    }
    return 0;
}

int dsms_key_weak(const unsigned char k[DSMS_KEY_BYTES])
{
    for (int period = 1; period <= DSMS_KEY_WEAK_PERIOD; period++) {
        int i = period;
        while (i < DSMS_KEY_BYTES && k[i] == k[i - period]) i++;
        if (i == DSMS_KEY_BYTES) return period;
    }
    unsigned char seen[256] = {0};
    int distinct = 0;
    for (int i = 0; i < DSMS_KEY_BYTES; i++) distinct += !seen[k[i]]++;
    return distinct < DSMS_KEY_MIN_DISTINCT ? DSMS_KEY_WEAK_FEW : 0;
}

int dsms_key_create(const char *path, dsms_err *err)
{
    if (sodium_ready(err)) return -1;
    unsigned char k[DSMS_KEY_BYTES];
    char hex[DSMS_KEY_BYTES * 2 + 2];
    /* A repeating draw is as good as impossible, but such a key would be
     * refused when loaded, so it is never written. */
    do randombytes_buf(k, sizeof k);
    while (dsms_key_weak(k));
    sodium_bin2hex(hex, sizeof hex, k, sizeof k);
    sodium_memzero(k, sizeof k);
    size_t len = strlen(hex);
    hex[len++] = '\n';
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        dsms_err_set(err, "%s: cannot create key file: %s", path, strerror(errno));
        sodium_memzero(hex, sizeof hex);
        return -1;
    }
    int ok = fchmod(fd, 0600) == 0 && write(fd, hex, len) == (ssize_t)len && fsync(fd) == 0;
    int saved = errno;
    sodium_memzero(hex, sizeof hex);
    if (close(fd) != 0) ok = 0;
    if (!ok) {
        unlink(path);
        dsms_err_set(err, "%s: cannot write key file: %s", path, strerror(saved));
        return -1;
    }
    return 0;
}

int dsms_key_load(const char *path, dsms_key *key, dsms_err *err)
{
    if (sodium_ready(err)) return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        dsms_err_set(err, "%s: cannot open key file: %s (run dsms init to create one)", path,
                      strerror(errno));
        return -1;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        dsms_err_set(err, "%s: cannot read the key file's mode: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if ((sb.st_mode & 077) != 0) {
        close(fd);
        dsms_err_set(err, "%s: key file is readable or writable by others (mode %03o); "
                          "refusing to use it (expected mode 0600: chmod 600 %s)",
                     path, (unsigned)(sb.st_mode & 0777), path);
        return -1;
    }
    char hex[DSMS_KEY_BYTES * 2 + 8];
    ssize_t n = read(fd, hex, sizeof hex - 1);
    close(fd);
    size_t binlen = 0;
    int bad = n < DSMS_KEY_BYTES * 2 ||
              sodium_hex2bin(key->k, sizeof key->k, hex, (size_t)n, "\n", &binlen, NULL) != 0 ||
              binlen != DSMS_KEY_BYTES;
    sodium_memzero(hex, sizeof hex);
    if (bad) {
        dsms_key_wipe(key);
        dsms_err_set(err, "%s: not a dsms key file (expected %d hex digits)", path,
                     DSMS_KEY_BYTES * 2);
        return -1;
    }
    int period = dsms_key_weak(key->k);
    if (period) {
        dsms_key_wipe(key);
        if (period == 1)
            dsms_err_set(err, "%s: not a usable key: its %d bytes are all the same byte, "
                              "so anyone could guess it; refusing to use it (a key must be "
                              "random: dsms init creates one)", path, DSMS_KEY_BYTES);
        else if (period == DSMS_KEY_WEAK_FEW)
            dsms_err_set(err, "%s: not a usable key: its %d bytes hold fewer than %d "
                              "different values, so it was not drawn at random and could be "
                              "guessed; refusing to use it (dsms init creates a random key)",
                         path, DSMS_KEY_BYTES, DSMS_KEY_MIN_DISTINCT);
        else
            dsms_err_set(err, "%s: not a usable key: its %d bytes are a pattern of %d bytes "
                              "repeated, so anyone could guess it; refusing to use it (a key "
                              "must be random: dsms init creates one)", path, DSMS_KEY_BYTES,
                         period);
        return -1;
    }
    crypto_auth_hmacsha256_init(&key->keyed, key->k, sizeof key->k);
    return 0;
}

void dsms_key_fingerprint(const dsms_key *key, char out[DSMS_FINGERPRINT_HEX + 1])
{
    static const char label[] = "dsms key fingerprint v1";
    unsigned char h[crypto_generichash_BYTES_MIN];
    crypto_generichash(h, sizeof h, (const unsigned char *)label, sizeof label - 1, key->k,
                       sizeof key->k);
    sodium_bin2hex(out, DSMS_FINGERPRINT_HEX + 1, h, DSMS_FINGERPRINT_HEX / 2);
}

void dsms_key_wipe(dsms_key *key) { sodium_memzero(key, sizeof *key); }

int dsms_key_random(dsms_key *key)
{
    if (sodium_init() < 0) return -1;
    do randombytes_buf(key->k, sizeof key->k);
    while (dsms_key_weak(key->k));
    crypto_auth_hmacsha256_init(&key->keyed, key->k, sizeof key->k);
    return 0;
}

void dsms_pseudonym(const dsms_key *key, const char *initials, const char *dob, char sex,
                    unsigned char out[DSMS_PSEUDONYM_BYTES])
{
    unsigned char msg[13];
    crypto_auth_hmacsha256_state st = key->keyed;
    for (int i = 0; i < 2; i++) {
        char c = initials[i];
        msg[i] = (unsigned char)(c >= 'a' && c <= 'z' ? c - 32 : c);
    }
    memcpy(msg + 2, dob, 10);
    msg[12] = (unsigned char)(sex >= 'a' && sex <= 'z' ? sex - 32 : sex);
    crypto_auth_hmacsha256_update(&st, msg, sizeof msg);
    crypto_auth_hmacsha256_final(&st, out);
    sodium_memzero(msg, sizeof msg);
    sodium_memzero(&st, sizeof st);
}
