/* substances.c — the register of substances (substances.h): read and checked
 * row by row as refdata.c reads the reference files, added to one substance
 * at a time through the same checks, written back; and a reported name
 * matched to it.
 *
 * Matching works on a normal form of each name: ASCII letters folded to
 * lower case, accented Latin letters to their base letter, Greek letters
 * spelt out ("α" is "alpha"), a lone "a" before a word read as "alpha"
 * ("a-PVP"), a halogen or methoxy group written out after a position number
 * read as its short form ("5-fluoro" as "5f", "5-methoxy" as "5meo"), and
 * every space, hyphen, comma, bracket or other punctuation dropped. Where
 * the text had a break (punctuation, or a change between letters and digits)
 * a new part starts: "5F-MDMB-PICA" is 5fmdmbpica in the parts 5, f, mdmb,
 * pica. The parts of a register's name guard it against a near match.
 *
 * A near match is one at the least distance (optimal string alignment: the
 * Damerau-Levenshtein distance where no part is edited twice) within a
 * budget set by the shorter of the two normal forms: none up to 4
 * characters, 1 up to 10, 2 beyond. (Two edits from 9 characters would
 * take methylone and methedrone, left out of the register, for methadone.)
 * It is refused, because the difference may be a different chemical and
 * not a slip of the keyboard, when
 *   - the digits differ (3-MMC is not 4-MMC, 5F-MDMB-PICA not MDMB-PICA);
 *   - an edit falls in a part of the register's name of 4 characters or
 *     fewer (acronyms: alpha-PHP is not alpha-PVP, AMB- not ADB-), or in
 *     the first three characters of a part (metonitazene is not
 *     etonitazene, eutylone not butylone, clophedrone (3-CMC) not
 *     clephedrone (4-CMC));
 *   - the two hold different counts of a chemical stem (markers below:
 *     bromazolam is not bromazepam, etonitazepyne not etonitazene,
 *     mephedrone not methedrone);
 * and it is no answer at all when two substances are equally near. A
 * refused near match is a miss, which a person then resolves; a wrong match
 * would count one drug's harms as another's. */
#include "dsms/substances.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dsms/csv.h"
#include "dsms/field.h"
#include "dsms/grow.h"
#include "dsms/text.h"

/* ---- families, statuses, columns ---- */

const dsms_family dsms_families[DSMS_FAMILIES] = {
    {"synthetic_cannabinoids", "Synthetic cannabinoids"},
    {"cathinones", "Synthetic cathinones"},
    {"nitazenes", "Nitazenes"},
    {"other_synthetic_opioids", "Other synthetic opioids (fentanyls and others)"},
    {"benzodiazepines", "Benzodiazepines, designer and prescribed"},
    {"phenethylamines", "Phenethylamines"},
    {"tryptamines", "Tryptamines"},
    {"arylcyclohexylamines", "Arylcyclohexylamines (ketamine and its analogues)"},
    {"stimulants_other", "Other stimulants"},
    {"depressants_other", "Other depressants (GHB and others)"},
    {"opioids", "Opioids (heroin, methadone and others)"},
    {"cocaine", "Cocaine and crack"},
    {"cannabis", "Cannabis"},
    {"other", "Other"},
};

int dsms_family_find(const char *code)
{
    for (int i = 0; code && i < DSMS_FAMILIES; i++)
        if (strcmp(code, dsms_families[i].code) == 0) return i;
    return -1;
}

static const char *const legal_codes[DSMS_LEGALS] = {
    "unknown", "class_a", "class_b", "class_c", "tcdo", "psa", "uncontrolled"};
static const char *const legal_names[DSMS_LEGALS] = {
    "Unknown", "Class A", "Class B", "Class C", "Temporary class drug order",
    "Psychoactive Substances Act 2016", "Uncontrolled"};

const char *dsms_legal_code(dsms_legal status)
{
    return (unsigned)status < DSMS_LEGALS ? legal_codes[status] : NULL;
}

const char *dsms_legal_name(dsms_legal status)
{
    return (unsigned)status < DSMS_LEGALS ? legal_names[status] : NULL;
}

const char *const dsms_substance_columns[DSMS_SUBSTANCE_COLUMNS] = {
    "code", "name", "family", "synonyms", "legal_status", "first_uk"};
enum { C_CODE, C_NAME, C_FAMILY, C_SYNONYMS, C_LEGAL, C_FIRST_UK };

static const char *const match_kinds[] = {"none", "exact", "synonym", "near", "ambiguous",
                                          "invalid"};

const char *dsms_match_kind_name(dsms_match_kind kind)
{
    return (unsigned)kind <= DSMS_MATCH_INVALID ? match_kinds[kind] : NULL;
}

/* Limits of one row, so that a hostile file cannot make the checks slow. */
enum { MAX_SYNONYMS = 64, MAX_LEGAL = 32 };

/* ---- the normal form ---- */

/* Long enough for DSMS_MATCH_TEXT_MAX bytes with every character spelt out
 * as a Greek letter's name (2 bytes giving at most 5). */
enum { NORM_MAX = 4 * DSMS_MATCH_TEXT_MAX };

typedef struct {
    char s[NORM_MAX + 1];
    unsigned char start[NORM_MAX]; /* 1 where a part begins */
    size_t n;
} norm;

/* Append len bytes as one part's text (a new part when `part`). -1 when
 * there is no room. */
static int put(norm *o, const char *s, size_t len, int part)
{
    if (len > NORM_MAX - o->n) return -1;
    for (size_t i = 0; i < len; i++) {
        o->start[o->n] = part && i == 0;
        o->s[o->n++] = s[i];
    }
    o->s[o->n] = 0;
    return 0;
}

/* Decode the code point at s (valid UTF-8, checked before): its length. */
static size_t decode(const unsigned char *s, unsigned *cp)
{
    if (s[0] < 0x80) return *cp = s[0], 1;
    if (s[0] < 0xE0) return *cp = (s[0] & 0x1Fu) << 6 | (s[1] & 0x3Fu), 2;
    if (s[0] < 0xF0)
        return *cp = (s[0] & 0x0Fu) << 12 | (s[1] & 0x3Fu) << 6 | (s[2] & 0x3Fu), 3;
    *cp = (s[0] & 0x07u) << 18 | (s[1] & 0x3Fu) << 12 | (s[2] & 0x3Fu) << 6 | (s[3] & 0x3Fu);
    return 4;
}

/* Latin-1 letters U+00C0 to U+00FF by their base letter; ' ' for the
 * multiplication and division signs, which are punctuation. */
static const char latin1[] = "aaaaaaaceeeeiiiidnooooo ouuuuytsaaaaaaaceeeeiiiidnooooo ouuuuyty";

static const struct {
    unsigned lower, upper;
    const char *word;
} greek[] = {{0x3B1, 0x391, "alpha"}, {0x3B2, 0x392, "beta"}, {0x3B3, 0x393, "gamma"},
             {0x3B4, 0x394, "delta"}};

enum { K_DROP, K_BREAK, K_LETTER, K_DIGIT, K_WORD, K_OTHER, K_BAD };

/* What a code point is to the normal form; for a letter its ASCII form in
 * *c, for a Greek letter its name in *word. */
static int classify(unsigned cp, char *c, const char **word)
{
    if (cp < 0x80) {
        if (cp >= 'A' && cp <= 'Z') return *c = (char)(cp - 'A' + 'a'), K_LETTER;
        if (cp >= 'a' && cp <= 'z') return *c = (char)cp, K_LETTER;
        if (cp >= '0' && cp <= '9') return *c = (char)cp, K_DIGIT;
        if (cp == '\'' || cp == '`') return K_DROP; /* diviner's = diviners */
        if (cp == '\t' || cp == '\n' || cp == '\r') return K_BREAK;
        if (cp < 0x20 || cp == 0x7F) return K_BAD;
        return K_BREAK;
    }
    for (size_t i = 0; i < sizeof greek / sizeof greek[0]; i++)
        if (cp == greek[i].lower || cp == greek[i].upper) return *word = greek[i].word, K_WORD;
    if (cp >= 0xC0 && cp <= 0xFF) {
        *c = latin1[cp - 0xC0];
        return *c == ' ' ? K_BREAK : K_LETTER;
    }
    /* Invisible or typographic: a soft hyphen, zero-width space, acute
     * accent, curly apostrophe and prime do not break a word. */
    if (cp == 0xAD || cp == 0x200B || cp == 0xB4 || cp == 0x2018 || cp == 0x2019 ||
        cp == 0x2032)
        return K_DROP;
    /* C1 controls, line and paragraph separators, direction controls: not a name. */
    if ((cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
        (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF)
        return K_BAD;
    /* Latin-1 punctuation, Unicode spaces, hyphens and dashes, the minus sign. */
    if (cp <= 0xBF || (cp >= 0x2000 && cp <= 0x2015) || cp == 0x202F || cp == 0x2212 ||
        cp == 0x3000)
        return K_BREAK;
    return K_OTHER; /* a letter of another script, kept as it is */
}

/* The text in parts, folded and spelt out (the first pass of normalise). */
static int split(const char *text, size_t len, norm *o)
{
    const unsigned char *u = (const unsigned char *)text;
    int brk = 1, last = 0;
    o->n = 0;
    o->s[0] = 0;
    for (size_t i = 0; i < len;) {
        unsigned cp;
        size_t w = decode(u + i, &cp);
        char c = 0;
        const char *word = NULL;
        int k = classify(cp, &c, &word);
        switch (k) {
        case K_BAD: return -1;
        case K_DROP: break;
        case K_BREAK: brk = 1; break;
        case K_WORD:
            if (put(o, word, strlen(word), 1)) return -1;
            brk = 1;
            break;
        case K_OTHER:
            if (put(o, text + i, w, brk || last != K_LETTER)) return -1;
            brk = 0;
            last = K_LETTER;
            break;
        default:
            if (put(o, &c, 1, brk || last != k)) return -1;
            brk = 0;
            last = k;
        }
        i += w;
    }
    return 0;
}

/* Group names written out after a position number, and their short forms. */
static const struct {
    const char *longer, *shorter;
} groups[] = {{"fluoro", "f"},  {"chloro", "cl"},  {"bromo", "br"},  {"iodo", "i"},
              {"methoxy", "meo"}, {"hydroxy", "ho"}, {"acetoxy", "aco"}};

/* The end of the part starting at i of a normal form n long. */
static size_t part_end(const unsigned char *start, size_t n, size_t i)
{
    size_t j = i + 1;
    while (j < n && !start[j]) j++;
    return j;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* text[0..len) in its normal form: 0, or -1 when it is not text (invalid
 * UTF-8, a NUL or control character) or too long. */
static int normalise(const char *text, size_t len, norm *o)
{
    norm raw;
    if (len > NORM_MAX || dsms_utf8_check(text, len) != len || split(text, len, &raw)) return -1;
    o->n = 0;
    o->s[0] = 0;
    int after_digits = 0;
    for (size_t i = 0; i < raw.n;) {
        size_t j = part_end(raw.start, raw.n, i), n = j - i;
        const char *t = raw.s + i;
        int done = 0;
        if (n == 1 && t[0] == 'a' && j < raw.n && !is_digit(raw.s[j])) {
            if (put(o, "alpha", 5, 1)) return -1;
            done = 1;
        }
        for (size_t g = 0; !done && after_digits && g < sizeof groups / sizeof groups[0]; g++) {
            size_t gl = strlen(groups[g].longer);
            if (n < gl || memcmp(t, groups[g].longer, gl) != 0) continue;
            if (put(o, groups[g].shorter, strlen(groups[g].shorter), 1) ||
                (n > gl && put(o, t + gl, n - gl, 1)))
                return -1;
            done = 1;
        }
        if (!done && put(o, t, n, 1)) return -1;
        after_digits = is_digit(t[0]);
        i = j;
    }
    return 0;
}

/* ---- distance and the guards ---- */

/* Optimal string alignment distance between a and b, or max + 1 when it is
 * more than max. */
static int distance(const char *a, size_t n, const char *b, size_t m, int max)
{
    if ((n > m ? n - m : m - n) > (size_t)max) return max + 1;
    int rows[3][NORM_MAX + 1];
    int *two = rows[0], *one = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= m; j++) one[j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = (int)i;
        int least = cur[0];
        for (size_t j = 1; j <= m; j++) {
            int cost = a[i - 1] != b[j - 1];
            int d = one[j - 1] + cost;
            if (one[j] + 1 < d) d = one[j] + 1;
            if (cur[j - 1] + 1 < d) d = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                two[j - 2] + 1 < d)
                d = two[j - 2] + 1;
            cur[j] = d;
            if (d < least) least = d;
        }
        if (least > max) return max + 1;
        int *t = two;
        two = one;
        one = cur;
        cur = t;
    }
    return one[m] <= max ? one[m] : max + 1;
}

/* The edits allowed between names whose shorter normal form is n long. */
static int budget(size_t n)
{
    return n <= 4 ? 0 : n <= 10 ? 1 : 2;
}

/* Stems that tell chemicals apart, in the normal form: a name holding more
 * or fewer of one than the register's is a different substance, however
 * near it is spelt. A slip inside a stem also changes the count, so that
 * such a slip is not forgiven: a miss, not a wrong match. */
static const char *const markers[] = {
    "meth", "meph",  "eth",   "prop",  "but",  "pent",  "hex",   "hept",       "iso",
    "flu",  "chlor", "brom",  "iod",   "nitro", "hydroxy", "nor", "des",       "acet",
    "acr",  "furan", "carf",  "valer", "pyne", "pyrrolidin", "piperidin", "olam", "epam",
    "pica", "fub",   "chm",   "cumyl", "benzyl", "azep", "pyr", "pip"};

static size_t count(const char *s, const char *stem)
{
    size_t k = 0;
    for (const char *p = strstr(s, stem); p; p = strstr(p + 1, stem)) k++;
    return k;
}

/* A normal form as the register keeps it: a key. */
typedef struct {
    const char *s; /* NUL-terminated */
    const unsigned char *start;
    size_t n;
} view;

/* Whether a near match of text t to the register's key k may stand (1), or
 * the difference could be a chemical one (0). */
static int may_be_slip(const norm *t, const view *k)
{
    /* The digits, in order. */
    size_t i = 0, j = 0;
    for (;;) {
        while (i < t->n && !is_digit(t->s[i])) i++;
        while (j < k->n && !is_digit(k->s[j])) j++;
        if (i == t->n || j == k->n) break;
        if (t->s[i++] != k->s[j++]) return 0;
    }
    if (i != t->n || j != k->n) return 0;

    /* Where in k the edits are: between the common beginning and end. */
    size_t least = t->n < k->n ? t->n : k->n, p = 0, q = 0;
    while (p < least && t->s[p] == k->s[p]) p++;
    while (q < least - p && t->s[t->n - 1 - q] == k->s[k->n - 1 - q]) q++;
    size_t from = p, to = k->n - q; /* k[from..to) differs */
    if (from == to) {                 /* text only inserted: the neighbours are touched */
        from = p > 0 ? p - 1 : 0;
        to = p < k->n ? p + 1 : p;
    }
    for (size_t x = from; x < to; x++) {
        size_t s = x;
        while (s > 0 && !k->start[s]) s--;
        size_t len = part_end(k->start, k->n, s) - s;
        if (len <= 4 || x - s < 3) return 0;
    }

    for (size_t m = 0; m < sizeof markers / sizeof markers[0]; m++)
        if (count(t->s, markers[m]) != count(k->s, markers[m])) return 0;
    return 1;
}

/* ---- the register's keys ---- */

enum { KEY_CODE, KEY_NAME, KEY_SYNONYM };

struct dsms_substance_key {
    char *s;              /* the normal form */
    unsigned char *start; /* its parts */
    size_t n;
    size_t substance;
    int kind;             /* KEY_ */
    size_t synonym;       /* for KEY_SYNONYM: which */
};

static const char *key_text(const dsms_substances *reg, const dsms_substance_key *k)
{
    const dsms_substance *s = &reg->items[k->substance];
    return k->kind == KEY_CODE ? s->code : k->kind == KEY_NAME ? s->name
                                                               : s->synonyms[k->synonym];
}


/* ---- checking a row ---- */

typedef struct {
    const char *path; /* the file, or what the caller names the values by */
    long line;        /* 0 for values not from a file */
    const long *lines;/* the line of each substance in reg, or NULL */
} place;

static int bad(const place *at, dsms_err *err, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int bad(const place *at, dsms_err *err, int col, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *column = col >= 0 ? dsms_substance_columns[col] : "row";
    if (at->line > 0) dsms_err_set(err, "%s:%ld: %s: %s", at->path, at->line, column, msg);
    else dsms_err_set(err, "%s: %s: %s", at->path, column, msg);
    return -1;
}

/* " (line N)" for substance i when lines are known, else "". */
static const char *line_of(const place *at, size_t i, char *buf, size_t n)
{
    if (!at->lines) return "";
    snprintf(buf, n, " (line %ld)", at->lines[i]);
    return buf;
}

static int code_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n >= DSMS_SUBSTANCE_CODE_MAX || s[0] == '_') return 0;
    for (size_t i = 0; i < n; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789_", s[i])) return 0;
    return 1;
}

/* A substance being built from a row, with its keys, before it joins reg. */
typedef struct {
    dsms_substance s;
    dsms_substance_key *keys;
    size_t nkeys;
} pending;

static void substance_clear(dsms_substance *s)
{
    for (size_t i = 0; i < s->nsynonyms; i++) free(s->synonyms[i]);
    free(s->synonyms);
    free(s->legal);
    s->synonyms = NULL;
    s->legal = NULL;
    s->nsynonyms = s->nlegal = 0;
}

static void keys_free(dsms_substance_key *k, size_t n)
{
    for (size_t i = 0; i < n; i++) free(k[i].s);
}

static void pending_free(pending *p)
{
    substance_clear(&p->s);
    keys_free(p->keys, p->nkeys);
    free(p->keys);
}

/* One name of the row as a key: its normal form must be something, and no
 * other substance's. */
static int add_key(const dsms_substances *reg, pending *p, const place *at, int col,
                   const char *text, int kind, size_t synonym, dsms_err *err)
{
    norm nf;
    /* A register's names are shown on one line: no tab or line break in one,
     * though a reported name may have them (read as spaces). */
    const char *c = text;
    while (*c && (unsigned char)*c >= 0x20) c++;
    if (*c || normalise(text, strlen(text), &nf))
        return bad(at, err, col, "'%s' is not UTF-8 text or holds a control character "
                                 "(expected a name as text)", text);
    if (nf.n == 0)
        return bad(at, err, col, "'%s' has no letter or digit (expected a name)", text);
    for (size_t i = 0; i < reg->nkeys; i++) {
        const dsms_substance_key *k = &reg->keys[i];
        if (k->n != nf.n || memcmp(k->s, nf.s, nf.n) != 0) continue;
        char where[32];
        return bad(at, err, col, "'%s' reads as '%s', which is %s of %s%s (expected each code, "
                                 "name and synonym to name one substance)",
                   text, key_text(reg, k),
                   k->kind == KEY_CODE ? "the code" : k->kind == KEY_NAME ? "the name"
                                                                          : "a synonym",
                   reg->items[k->substance].code,
                   line_of(at, k->substance, where, sizeof where));
    }
    dsms_substance_key *grown = realloc(p->keys, (p->nkeys + 1) * sizeof *grown);
    if (!grown) return dsms_err_set(err, "out of memory"), -1;
    p->keys = grown;
    char *buf = malloc(2 * nf.n + 1);
    if (!buf) return dsms_err_set(err, "out of memory"), -1;
    memcpy(buf, nf.s, nf.n + 1);
    memcpy(buf + nf.n + 1, nf.start, nf.n);
    p->keys[p->nkeys++] = (dsms_substance_key){buf, (unsigned char *)buf + nf.n + 1, nf.n,
                                                reg->n, kind, synonym};
    return 0;
}

/* The synonyms, ';' between them, spaces around each ignored. */
static int take_synonyms(const dsms_substances *reg, pending *p, const place *at,
                         const char *v, dsms_err *err)
{
    if (!*v) return 0;
    for (const char *q = v;;) {
        size_t n = strcspn(q, ";");
        const char *a = q, *b = q + n;
        while (a < b && *a == ' ') a++;
        while (b > a && b[-1] == ' ') b--;
        if (a == b)
            return bad(at, err, C_SYNONYMS, "'%s' has an empty synonym (expected names with "
                                            "';' between them, none empty)", v);
        if ((size_t)(b - a) >= DSMS_SUBSTANCE_NAME_MAX)
            return bad(at, err, C_SYNONYMS, "'%.*s' is %zu bytes long (expected at most %d)",
                       (int)(b - a), a, (size_t)(b - a), DSMS_SUBSTANCE_NAME_MAX - 1);
        if (p->s.nsynonyms == MAX_SYNONYMS)
            return bad(at, err, C_SYNONYMS, "more than %d synonyms (expected at most %d)",
                       MAX_SYNONYMS, MAX_SYNONYMS);
        char *one = malloc((size_t)(b - a) + 1);
        char **grown = one ? realloc(p->s.synonyms, (p->s.nsynonyms + 1) * sizeof *grown) : NULL;
        if (!grown) return free(one), dsms_err_set(err, "out of memory"), -1;
        p->s.synonyms = grown;
        memcpy(one, a, (size_t)(b - a));
        one[b - a] = 0;
        p->s.synonyms[p->s.nsynonyms++] = one;
        if (add_key(reg, p, at, C_SYNONYMS, one, KEY_SYNONYM, p->s.nsynonyms - 1, err))
            return -1;
        if (!q[n]) return 0;
        q += n + 1;
    }
}

static const char legal_expected[] =
    "STATUS:FROM or STATUS:FROM:TO, ';' between entries, STATUS one of class_a, class_b, "
    "class_c, tcdo, psa or uncontrolled, dates YYYY-MM-DD";

/* One entry STATUS:FROM[:TO] of e[0..n). */
static int legal_entry(const place *at, const char *e, size_t n, dsms_legal_entry *out,
                       dsms_err *err)
{
    size_t c1 = 0;
    while (c1 < n && e[c1] != ':') c1++;
    out->status = DSMS_LEGAL_UNKNOWN;
    for (int k = 1; k < DSMS_LEGALS; k++)
        if (strlen(legal_codes[k]) == c1 && memcmp(e, legal_codes[k], c1) == 0)
            out->status = (dsms_legal)k;
    if (out->status == DSMS_LEGAL_UNKNOWN)
        return bad(at, err, C_LEGAL, "'%.*s' is not a legal status (expected %s)", (int)c1, e,
                   legal_expected);
    if (c1 == n)
        return bad(at, err, C_LEGAL, "'%.*s' has no date it applies from (expected %s)", (int)n,
                   e, legal_expected);
    const char *d = e + c1 + 1;
    size_t rest = n - c1 - 1, c2 = 0;
    while (c2 < rest && d[c2] != ':') c2++;
    int64_t from = dsms_date_parse(d, c2), to = DSMS_DAY_OPEN;
    if (from == INT64_MIN)
        return bad(at, err, C_LEGAL, "'%.*s' in '%.*s' is not a date (expected %s)", (int)c2, d,
                   (int)n, e, legal_expected);
    if (c2 < rest) {
        to = dsms_date_parse(d + c2 + 1, rest - c2 - 1);
        if (to == INT64_MIN)
            return bad(at, err, C_LEGAL, "'%.*s' in '%.*s' is not a date (expected %s)",
                       (int)(rest - c2 - 1), d + c2 + 1, (int)n, e, legal_expected);
        if (to <= from)
            return bad(at, err, C_LEGAL, "'%.*s' ends on or before the day it starts (expected "
                                         "the day it no longer applies after the day it "
                                         "starts)", (int)n, e);
    }
    out->from = (int)from;
    out->to = (int)to;
    return 0;
}

static int take_legal(const place *at, pending *p, const char *v, dsms_err *err)
{
    if (!*v) return 0;
    for (const char *q = v;;) {
        size_t n = strcspn(q, ";");
        if (p->s.nlegal == MAX_LEGAL)
            return bad(at, err, C_LEGAL, "more than %d entries (expected at most %d)", MAX_LEGAL,
                       MAX_LEGAL);
        dsms_legal_entry e;
        if (legal_entry(at, q, n, &e, err)) return -1;
        if (p->s.nlegal > 0) {
            const dsms_legal_entry *before = &p->s.legal[p->s.nlegal - 1];
            if (before->to == DSMS_DAY_OPEN || e.from < before->to) {
                char from[16];
                dsms_date_format(e.from, from);
                return bad(at, err, C_LEGAL, "'%.*s' starts on %s, while the entry before it "
                                             "still applies (expected entries in date order, "
                                             "each starting on or after the day the one before "
                                             "ends)", (int)n, q, from);
            }
        }
        dsms_legal_entry *grown = realloc(p->s.legal, (p->s.nlegal + 1) * sizeof *grown);
        if (!grown) return dsms_err_set(err, "out of memory"), -1;
        p->s.legal = grown;
        p->s.legal[p->s.nlegal++] = e;
        if (!q[n]) return 0;
        q += n + 1;
    }
}

/* Every check of one row, building p from it. */
static int check_row(const dsms_substances *reg, const place *at, const char *const *v,
                     pending *p, dsms_err *err)
{
    memset(p, 0, sizeof *p);
    p->s.first_uk = DSMS_DAY_NONE;
    if (!code_ok(v[C_CODE]))
        return bad(at, err, C_CODE, "'%s' is not a substance code (expected 1 to %d lower-case "
                                    "letters, digits or '_', not starting with '_', such as "
                                    "isotonitazene or 3_mmc)", v[C_CODE],
                   DSMS_SUBSTANCE_CODE_MAX - 1);
    int dup = dsms_substances_find(reg, v[C_CODE]);
    if (dup >= 0 && at->lines)
        return bad(at, err, C_CODE, "'%s' is a duplicate of line %ld (expected each code once)",
                   v[C_CODE], at->lines[dup]);
    if (dup >= 0)
        return bad(at, err, C_CODE, "'%s' is already in the register (expected a new code)",
                   v[C_CODE]);
    if (!*v[C_NAME]) return bad(at, err, C_NAME, "empty (expected the substance's name)");
    if (strlen(v[C_NAME]) >= DSMS_SUBSTANCE_NAME_MAX)
        return bad(at, err, C_NAME, "%zu bytes long (expected at most %d)", strlen(v[C_NAME]),
                   DSMS_SUBSTANCE_NAME_MAX - 1);
    p->s.family = dsms_family_find(v[C_FAMILY]);
    if (p->s.family < 0) {
        char all[600] = "";
        for (int i = 0; i < DSMS_FAMILIES; i++)
            snprintf(all + strlen(all), sizeof all - strlen(all), "%s%s",
                     i == 0 ? "" : i == DSMS_FAMILIES - 1 ? " or " : ", ", dsms_families[i].code);
        return bad(at, err, C_FAMILY, "'%s' is not a family (expected %s)", v[C_FAMILY], all);
    }
    snprintf(p->s.code, sizeof p->s.code, "%s", v[C_CODE]);
    snprintf(p->s.name, sizeof p->s.name, "%s", v[C_NAME]);
    if (add_key(reg, p, at, C_CODE, v[C_CODE], KEY_CODE, 0, err) ||
        add_key(reg, p, at, C_NAME, v[C_NAME], KEY_NAME, 0, err) ||
        take_synonyms(reg, p, at, v[C_SYNONYMS], err) || take_legal(at, p, v[C_LEGAL], err))
        return -1;
    if (*v[C_FIRST_UK]) {
        int64_t d = dsms_date_parse(v[C_FIRST_UK], strlen(v[C_FIRST_UK]));
        if (d == INT64_MIN)
            return bad(at, err, C_FIRST_UK, "'%s' is not a date (expected YYYY-MM-DD, or "
                                            "empty when not known)", v[C_FIRST_UK]);
        p->s.first_uk = (int)d;
    }
    return 0;
}

/* p joins reg (taking what it holds), or -1 when out of memory with p as it was. */
static int commit(dsms_substances *reg, pending *p, dsms_err *err)
{
    if (dsms_room_for((void **)&reg->items, &reg->cap, reg->n, sizeof *reg->items, 64) ||
        (p->nkeys && dsms_room_for((void **)&reg->keys, &reg->keycap,
                                   reg->nkeys + p->nkeys - 1, sizeof *reg->keys, 256)))
        return dsms_err_set(err, "out of memory"), -1;
    reg->items[reg->n++] = p->s;
    memcpy(reg->keys + reg->nkeys, p->keys, p->nkeys * sizeof *p->keys);
    reg->nkeys += p->nkeys;
    free(p->keys);
    memset(p, 0, sizeof *p);
    return 0;
}

static int add_at(dsms_substances *reg, const char *const *values, const place *at,
                  dsms_err *err)
{
    const char *v[DSMS_SUBSTANCE_COLUMNS];
    for (int i = 0; i < DSMS_SUBSTANCE_COLUMNS; i++) v[i] = values[i] ? values[i] : "";
    pending p;
    if (check_row(reg, at, v, &p, err) || commit(reg, &p, err)) {
        pending_free(&p);
        return -1;
    }
    return 0;
}

int dsms_substances_add(dsms_substances *reg, const char *const *values, const char *where,
                        dsms_err *err)
{
    place at = {where ? where : "substance", 0, NULL};
    return add_at(reg, values, &at, err);
}

void dsms_substances_free(dsms_substances *reg)
{
    for (size_t i = 0; i < reg->n; i++) substance_clear(&reg->items[i]);
    free(reg->items);
    keys_free(reg->keys, reg->nkeys);
    free(reg->keys);
    memset(reg, 0, sizeof *reg);
}

int dsms_substances_find(const dsms_substances *reg, const char *code)
{
    for (size_t i = 0; code && i < reg->n; i++)
        if (strcmp(reg->items[i].code, code) == 0) return (int)i;
    return -1;
}

dsms_legal dsms_substance_legal_on(const dsms_substance *s, int day)
{
    for (size_t i = 0; i < s->nlegal; i++)
        if (day >= s->legal[i].from && (s->legal[i].to == DSMS_DAY_OPEN || day < s->legal[i].to))
            return s->legal[i].status;
    return DSMS_LEGAL_UNKNOWN;
}

/* ---- reading ---- */

/* Read every record of c into reg (empty at first), path naming it. */
static int read_all(dsms_substances *reg, dsms_csv *c, const char *path, dsms_err *err)
{
    dsms_csv_row row;
    place at = {path, 1, NULL};
    long *lines = NULL;
    size_t lines_cap = 0;
    int col[DSMS_SUBSTANCE_COLUMNS], rc = -1, r;
    if (!c) return dsms_err_set(err, "out of memory"), -1;
    if (dsms_csv_next(c, &row) != 1) {
        dsms_err_set(err, "%s: file: empty or unreadable (expected a header naming its columns)",
                     path);
        return -1;
    }
    if (row.status != DSMS_CSV_OK) {
        dsms_err_set(err, "%s:1: header: %s", path, dsms_csv_status_text(row.status));
        return -1;
    }
    size_t width = row.nfields;
    for (int k = 0; k < DSMS_SUBSTANCE_COLUMNS; k++) {
        col[k] = -1;
        for (size_t i = 0; i < row.nfields; i++) {
            if (strcmp(row.field[i], dsms_substance_columns[k]) != 0) continue;
            if (col[k] >= 0)
                return bad(&at, err, k, "named twice in the header (expected each column once)");
            col[k] = (int)i;
        }
        if (col[k] < 0)
            return bad(&at, err, k, "missing column (expected a header naming code, name, "
                                    "family, synonyms, legal_status, first_uk)");
    }
    while ((r = dsms_csv_next(c, &row)) == 1) {
        at.line = row.line;
        if (row.status != DSMS_CSV_OK) {
            dsms_err_set(err, "%s:%ld: row: %s", path, row.line,
                         dsms_csv_status_text(row.status));
            goto done;
        }
        if (row.nfields != width) {
            dsms_err_set(err, "%s:%ld: row: row has %zu field%s (expected %zu fields, as in the "
                              "header)", path, row.line, row.nfields, row.nfields == 1 ? "" : "s",
                         width);
            goto done;
        }
        const char *v[DSMS_SUBSTANCE_COLUMNS];
        int nul = 0;
        for (int k = 0; k < DSMS_SUBSTANCE_COLUMNS; k++) {
            v[k] = row.field[col[k]];
            if (!nul && strlen(v[k]) != row.len[col[k]]) nul = k + 1;
        }
        if (nul) {
            bad(&at, err, nul - 1, "holds a NUL byte (expected text)");
            goto done;
        }
        if (dsms_room_for((void **)&lines, &lines_cap, reg->n, sizeof *lines, 64)) {
            dsms_err_set(err, "out of memory");
            goto done;
        }
        at.lines = lines;
        if (add_at(reg, v, &at, err)) goto done;
        lines[reg->n - 1] = row.line;
    }
    if (r < 0) dsms_err_set(err, "%s: read error: %s", path, strerror(errno));
    else rc = 0;
done:
    free(lines);
    return rc;
}

int dsms_substances_parse(dsms_substances *reg, const char *path, const char *buf, size_t len,
                          dsms_err *err)
{
    memset(reg, 0, sizeof *reg);
    dsms_csv *c = dsms_csv_open_mem(buf, len);
    int rc = read_all(reg, c, path, err);
    dsms_csv_close(c);
    if (rc) dsms_substances_free(reg);
    return rc;
}

int dsms_substances_read(dsms_substances *reg, const char *dir, const char *override,
                         dsms_err *err)
{
    memset(reg, 0, sizeof *reg);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", override ? override : dir, DSMS_SUBSTANCES_FILE);
    if (override && access(path, F_OK) != 0)
        snprintf(path, sizeof path, "%s/%s", dir, DSMS_SUBSTANCES_FILE);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        dsms_err_set(err, "%s: cannot open the register of substances: %s", path,
                     strerror(errno));
        return -1;
    }
    dsms_csv *c = dsms_csv_open_fd(fd, NULL, NULL);
    int rc = read_all(reg, c, path, err);
    dsms_csv_close(c);
    close(fd);
    if (rc) dsms_substances_free(reg);
    return rc;
}

/* ---- writing ---- */

/* The synonyms or legal entries of s as one field, malloc'd; NULL when out of memory. */
static char *joined(const dsms_substance *s, int legal)
{
    size_t n = 1;
    for (size_t i = 0; !legal && i < s->nsynonyms; i++) n += strlen(s->synonyms[i]) + 1;
    n += legal ? s->nlegal * 40 : 0;
    char *out = malloc(n), *at = out;
    if (!out) return NULL;
    *out = 0;
    size_t items = legal ? s->nlegal : s->nsynonyms;
    for (size_t i = 0; i < items; i++) {
        if (i) *at++ = ';';
        if (!legal) {
            at = stpcpy(at, s->synonyms[i]);
            continue;
        }
        char from[16], to[16];
        dsms_date_format(s->legal[i].from, from);
        at += sprintf(at, "%s:%s", legal_codes[s->legal[i].status], from);
        if (s->legal[i].to != DSMS_DAY_OPEN) {
            dsms_date_format(s->legal[i].to, to);
            at += sprintf(at, ":%s", to);
        }
    }
    *at = 0;
    return out;
}

int dsms_substances_write(const dsms_substances *reg, FILE *f)
{
    for (int k = 0; k < DSMS_SUBSTANCE_COLUMNS; k++)
        fprintf(f, "%s%s", k ? "," : "", dsms_substance_columns[k]);
    fputc('\n', f);
    for (size_t i = 0; i < reg->n; i++) {
        const dsms_substance *s = &reg->items[i];
        char *syn = joined(s, 0), *legal = joined(s, 1), first[16] = "";
        if (!syn || !legal) {
            free(syn);
            free(legal);
            return -1;
        }
        if (s->first_uk != DSMS_DAY_NONE) dsms_date_format(s->first_uk, first);
        const char *v[DSMS_SUBSTANCE_COLUMNS] = {s->code, s->name, dsms_families[s->family].code,
                                                 syn, legal, first};
        for (int k = 0; k < DSMS_SUBSTANCE_COLUMNS; k++) {
            if (k) fputc(',', f);
            dsms_csv_put(f, v[k]);
        }
        fputc('\n', f);
        free(syn);
        free(legal);
    }
    return ferror(f) ? -1 : 0;
}

/* ---- matching ---- */

dsms_match_kind dsms_substance_match(const dsms_substances *reg, const char *text,
                                     dsms_match *out)
{
    return dsms_substance_match_n(reg, text, text ? strlen(text) : 0, out);
}

dsms_match_kind dsms_substance_match_n(const dsms_substances *reg, const char *text, size_t len,
                                       dsms_match *out)
{
    norm t;
    memset(out, 0, sizeof *out);
    out->substance = -1;
    if (!text) len = 0;
    if (len > DSMS_MATCH_TEXT_MAX || (len && normalise(text, len, &t)))
        return out->kind = DSMS_MATCH_INVALID;
    if (len == 0 || t.n == 0) return out->kind = DSMS_MATCH_NONE;

    /* The same normal form: a name, then a code, before a synonym (the
     * name is what a caller shows). Only one substance has it (add_key). */
    static const int rank[] = {[KEY_NAME] = 0, [KEY_CODE] = 1, [KEY_SYNONYM] = 2};
    const dsms_substance_key *hit = NULL;
    for (size_t i = 0; i < reg->nkeys; i++) {
        const dsms_substance_key *key = &reg->keys[i];
        if (key->n == t.n && memcmp(key->s, t.s, t.n) == 0 &&
            (!hit || rank[key->kind] < rank[hit->kind]))
            hit = key;
    }
    if (hit) {
        out->kind = hit->kind == KEY_SYNONYM ? DSMS_MATCH_SYNONYM : DSMS_MATCH_EXACT;
        out->substance = (int)hit->substance;
        out->matched = key_text(reg, hit);
        out->candidates[0] = out->substance;
        out->ncandidates = 1;
        return out->kind;
    }

    /* The nearest substances, each by its nearest key that may be a slip. */
    int best = INT_MAX;
    size_t nbest = 0, last = SIZE_MAX;
    const dsms_substance_key *first = NULL;
    for (size_t i = 0; i < reg->nkeys; i++) {
        const dsms_substance_key *key = &reg->keys[i];
        int max = budget(t.n < key->n ? t.n : key->n);
        if (max == 0 || max > best) continue;
        int d = distance(t.s, t.n, key->s, key->n, max);
        if (d > max || d > best) continue;
        view kv = {key->s, key->start, key->n};
        if (!may_be_slip(&t, &kv)) continue;
        if (d < best) {
            best = d;
            nbest = 0;
            first = key;
            last = SIZE_MAX;
        }
        /* A substance counts once, however many of its keys are as near: its
         * keys are together in reg->keys. */
        if (key->substance == last) continue;
        last = key->substance;
        if (nbest < DSMS_MATCH_CANDIDATES) out->candidates[nbest] = (int)key->substance;
        nbest++;
    }
    if (nbest == 0) return out->kind = DSMS_MATCH_NONE;
    out->distance = best;
    out->ncandidates = nbest < DSMS_MATCH_CANDIDATES ? nbest : DSMS_MATCH_CANDIDATES;
    if (nbest > 1) return out->kind = DSMS_MATCH_AMBIGUOUS;
    out->kind = DSMS_MATCH_NEAR;
    out->substance = out->candidates[0];
    out->matched = key_text(reg, first);
    return out->kind;
}
