/* dsms/text.h — user-supplied text made safe to print.
 *
 * File names, source codes, header names and quoted values come from users and
 * their files; printed raw, an escape sequence in one could rewrite the
 * terminal, and a newline or tab could split a table row or a CSV line. Every
 * printer of such text (the command's tables, lines and reports, and the
 * diagnostics' own formatting) passes it through dsms_escape first. */
#ifndef DSMS_TEXT_H
#define DSMS_TEXT_H

#include <stddef.h>

/* A number's macro as text, for messages built from the constant they state:
 * "fewer than " DSMS_STR(DSMS_TREND_POINTS) " points". */
#define DSMS_STR(x) DSMS_STR_(x)
#define DSMS_STR_(x) #x

/* Write s (n bytes; n == (size_t)-1 for up to its NUL) to out, a buffer of
 * size bytes, always NUL-terminated when size > 0, with every byte that is
 * not printable written as a C-style escape: "\n", "\t", "\r" and the like,
 * "\x1b" for other control bytes, "\\" for the backslash itself, "\xNN" for a
 * byte that is not part of valid UTF-8, and "\u0085" for a control or
 * direction-changing character of Unicode (C1 controls, U+2028/U+2029,
 * U+202A-U+202E, U+2066-U+2069). Other UTF-8 passes unchanged, and no escape
 * or character is cut in two. Returns the length the escaped text needs
 * (without the NUL), as snprintf does; out may be NULL when size is 0.
 * Cannot fail, and keeps neither s nor out. */
size_t dsms_escape(const char *s, size_t n, char *out, size_t size);

/* Where the first byte of s (n bytes) that is not part of valid UTF-8 is, or
 * n when all of it is valid (a NUL byte is not text: it counts as invalid).
 * Cannot fail. */
size_t dsms_utf8_check(const char *s, size_t n);

/* 1 when s (NUL-terminated) would be changed by dsms_escape, else 0. Cannot
 * fail. */
int dsms_needs_escape(const char *s);

#endif
