/* test_pseudo.c — key files and keyed pseudonyms: the mode check, bad key
 * files, known answers computed independently, and normalisation. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "dsms/pseudo.h"
#include "support.h"

static void hex(const unsigned char *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", b[i]);
}

static void key_from_bytes(dsms_key *k, const unsigned char *bytes)
{
    memcpy(k->k, bytes, DSMS_KEY_BYTES);
    crypto_auth_hmacsha256_init(&k->keyed, k->k, sizeof k->k);
}

static void known_answers(void)
{
    unsigned char raw[32], out[DSMS_PSEUDONYM_BYTES];
    char h[65];
    dsms_key k;
    memset(raw, 0x5a, sizeof raw);
    key_from_bytes(&k, raw);
    dsms_pseudonym(&k, "JS", "1985-03-14", 'M', out);
    hex(out, sizeof out, h);
    /* HMAC-SHA-256(0x5a * 32, "JS1985-03-14M"), from Python's hmac module. */
    CHECK_STR(h, "317e7ce344c714d2e262652a5107e2c382306c248ff46ce9670ffd6c758b6e3a");
    /* Lower case is the same person. */
    dsms_pseudonym(&k, "js", "1985-03-14", 'm', out);
    hex(out, sizeof out, h);
    CHECK_STR(h, "317e7ce344c714d2e262652a5107e2c382306c248ff46ce9670ffd6c758b6e3a");
    for (int i = 0; i < 32; i++) raw[i] = (unsigned char)i;
    key_from_bytes(&k, raw);
    dsms_pseudonym(&k, "AB", "2000-02-29", 'F', out);
    hex(out, sizeof out, h);
    CHECK_STR(h, "1783c966dd127920c37b84972a52bb031c21b12291a35f6c481c987e84cb90ed");
    /* The keyed state is reused: a second call gives the same answer. */
    dsms_pseudonym(&k, "AB", "2000-02-29", 'F', out);
    hex(out, sizeof out, h);
    CHECK_STR(h, "1783c966dd127920c37b84972a52bb031c21b12291a35f6c481c987e84cb90ed");
    /* Any difference in the attributor is another person. */
    dsms_pseudonym(&k, "AB", "2000-02-29", 'M', out);
    hex(out, sizeof out, h);
    CHECK(strcmp(h, "1783c966dd127920c37b84972a52bb031c21b12291a35f6c481c987e84cb90ed") != 0);
}

static void key_files(void)
{
    char path[600];
    dsms_err err = {""};
    dsms_key a, b;
    snprintf(path, sizeof path, "%s/k1", support_dir());
    CHECK_INT(dsms_key_create(path, &err), 0);
    struct stat sb;
    CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
    CHECK_INT(dsms_key_load(path, &a, &err), 0);
    CHECK_INT(dsms_key_load(path, &b, &err), 0);
    CHECK(memcmp(a.k, b.k, sizeof a.k) == 0);
    /* Never over an existing key. */
    CHECK_INT(dsms_key_create(path, &err), -1);
    CHECK(strstr(err.msg, "cannot create key file") != NULL);
    /* Two keys differ. */
    char path2[600];
    snprintf(path2, sizeof path2, "%s/k2", support_dir());
    CHECK_INT(dsms_key_create(path2, &err), 0);
    CHECK_INT(dsms_key_load(path2, &b, &err), 0);
    CHECK(memcmp(a.k, b.k, sizeof a.k) != 0);
    /* Readable by the group or others: refused, with the fix in the message. */
    chmod(path, 0640);
    CHECK_INT(dsms_key_load(path, &a, &err), -1);
    CHECK(strstr(err.msg, "mode 640") != NULL && strstr(err.msg, "chmod 600") != NULL);
    chmod(path, 0604);
    CHECK_INT(dsms_key_load(path, &a, &err), -1);
    chmod(path, 0600);
    CHECK_INT(dsms_key_load(path, &a, &err), 0);
    /* Missing, short and non-hex key files. */
    CHECK_INT(dsms_key_load("/nonexistent/key", &a, &err), -1);
    CHECK(strstr(err.msg, "dsms init") != NULL);
    const char *bad[] = {"abcd\n", "zz", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *p = support_file("badkey", bad[i]);
        chmod(p, 0600);
        CHECK_INT(dsms_key_load(p, &a, &err), -1);
        CHECK(strstr(err.msg, "not a dsms key file") != NULL);
    }
}

/* Keys without entropy: all one byte, or a short pattern repeated. */
static void weak_keys(void)
{
    unsigned char k[DSMS_KEY_BYTES];
    memset(k, 0, sizeof k);
    CHECK_INT(dsms_key_weak(k), 1);
    memset(k, 0xff, sizeof k);
    CHECK_INT(dsms_key_weak(k), 1);
    for (int period = 2; period <= 17; period++) {
        for (int i = 0; i < DSMS_KEY_BYTES; i++) k[i] = (unsigned char)(0x31 * (i % period) + 7);
        CHECK_INT(dsms_key_weak(k), period <= DSMS_KEY_WEAK_PERIOD ? period : 0);
    }
    for (int i = 0; i < DSMS_KEY_BYTES; i++) k[i] = (unsigned char)i;
    CHECK_INT(dsms_key_weak(k), 0);
    /* Few different byte values: all zero but the last; 0..10 then 10s (11
     * values, no period) is refused, 0..11 then 11s (12) is not. */
    memset(k, 0, sizeof k);
    k[DSMS_KEY_BYTES - 1] = 1;
    CHECK_INT(dsms_key_weak(k), DSMS_KEY_WEAK_FEW);
    for (int i = 0; i < DSMS_KEY_BYTES; i++) k[i] = (unsigned char)(i < 10 ? i : 10);
    CHECK_INT(dsms_key_weak(k), DSMS_KEY_WEAK_FEW);
    for (int i = 0; i < DSMS_KEY_BYTES; i++) k[i] = (unsigned char)(i < 11 ? i : 11);
    CHECK_INT(dsms_key_weak(k), 0);
    /* Refused at load, with the reason in words. */
    dsms_err err = {""};
    dsms_key a;
    const char *zero = support_file("zero.key",
                                    "0000000000000000000000000000000000000000000000000000000000000000\n");
    chmod(zero, 0600);
    CHECK_INT(dsms_key_load(zero, &a, &err), -1);
    CHECK(strstr(err.msg, "all the same byte") != NULL);
    const char *rep = support_file("rep.key",
                                   "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n");
    chmod(rep, 0600);
    CHECK_INT(dsms_key_load(rep, &a, &err), -1);
    CHECK(strstr(err.msg, "pattern of 8 bytes repeated") != NULL);
    /* A random key is never weak, and loads. */
    CHECK_INT(dsms_key_random(&a), 0);
    CHECK_INT(dsms_key_weak(a.k), 0);
}

/* The fingerprint: BLAKE2b-128 keyed with the key over a fixed label, its
 * first 16 hex digits (computed independently with Python's hashlib). */
static void fingerprints(void)
{
    dsms_key k, other;
    unsigned char raw[DSMS_KEY_BYTES];
    for (int i = 0; i < DSMS_KEY_BYTES; i++) raw[i] = (unsigned char)i;
    key_from_bytes(&k, raw);
    char fp[DSMS_FINGERPRINT_HEX + 1], fp2[DSMS_FINGERPRINT_HEX + 1];
    dsms_key_fingerprint(&k, fp);
    CHECK_STR(fp, "3f1ad9dda9dc9a15");
    raw[31] ^= 1;
    key_from_bytes(&other, raw);
    dsms_key_fingerprint(&other, fp2);
    CHECK(strcmp(fp, fp2) != 0);
}

int main(void)
{
    known_answers();
    key_files();
    weak_keys();
    fingerprints();
    support_cleanup();
    return check_summary();
}
