/* text.c — escaping user-supplied text for printing (text.h).
 *
 * One function for every printer, so that a file name reads the same in a
 * table, a diagnostic line and a CSV report, and no printer is left raw. */
#include "dsms/text.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The code point of the UTF-8 sequence at s (at most n bytes) and its length
 * in *len; -1 when it is not valid UTF-8 (overlong, a surrogate, past
 * U+10FFFF, cut short). */
static long utf8_at(const unsigned char *s, size_t n, size_t *len)
{
    static const long min[] = {0, 0, 0x80, 0x800, 0x10000};
    unsigned c = s[0];
    size_t k = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                            : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (k == 0 || k > n) return -1;
    long cp = k == 1 ? (long)c : (long)(c & (0x7F >> k));
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xC0) != 0x80) return -1;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min[k] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    *len = k;
    return cp;
}

size_t dsms_utf8_check(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t at = 0, len;
    while (at < n && u[at] && utf8_at(u + at, n - at, &len) >= 0) at += len;
    return at;
}

/* Characters that move the cursor, end a line or reorder text although they
 * are valid UTF-8. */
static int unicode_control(long cp)
{
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* The escape for an ASCII byte, or NULL when it prints as itself. */
static const char *ascii_escape(unsigned char c, char buf[8])
{
    switch (c) {
    case '\\': return "\\\\";
    case '\n': return "\\n";
    case '\t': return "\\t";
    case '\r': return "\\r";
    case '\a': return "\\a";
    case '\b': return "\\b";
    case '\f': return "\\f";
    case '\v': return "\\v";
    case 0: return "\\0";
    }
    if (c >= 0x20 && c != 0x7F) return NULL;
    snprintf(buf, 8, "\\x%02x", c);
    return buf;
}

size_t dsms_escape(const char *s, size_t n, char *out, size_t size)
{
    const unsigned char *p = (const unsigned char *)s;
    if (n == (size_t)-1) n = strlen(s);
    size_t at = 0, stop = (size_t)-1; /* where the written text ends, once full */
    for (size_t i = 0; i < n;) {
        char buf[16];
        const char *piece;
        size_t m, len = 1;
        long cp = p[i] < 0x80 ? p[i] : utf8_at(p + i, n - i, &len);
        if (cp < 0) {
            snprintf(buf, sizeof buf, "\\x%02x", p[i]);
            piece = buf, m = 4, len = 1;
        } else if (cp < 0x80) {
            piece = ascii_escape((unsigned char)cp, buf);
            if (!piece) piece = (const char *)p + i;
            m = piece == (const char *)p + i ? 1 : strlen(piece);
        } else if (unicode_control(cp)) {
            snprintf(buf, sizeof buf, "\\u%04x", (unsigned)cp);
            piece = buf, m = 6;
        } else {
            piece = (const char *)p + i, m = len;
        }
        if (stop == (size_t)-1 && size && at + m >= size) stop = at;
        if (stop == (size_t)-1 && size) memcpy(out + at, piece, m);
        at += m;
        i += len;
    }
    if (size) out[stop == (size_t)-1 ? at : stop] = 0;
    return at;
}

int dsms_needs_escape(const char *s)
{
    size_t n = strlen(s);
    return dsms_escape(s, n, NULL, 0) != n;
}
