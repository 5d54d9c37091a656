/* definitions.c — each measure's definition, as docs/measures.md gives it
 * (built into the program: dsms/assets.h), so that the dashboard and the
 * reports define a measure in the words of the one document that is
 * authoritative, never in a copy of them. A definition is the measure's row
 * of the tables there whose first heading is "id": each other column's
 * heading and text, with the Markdown's code and bold marks taken out. */
#include <string.h>

#include "dsms/assets.h"
#include "dsms/report.h"

enum { MAX_COLUMNS = 8, CELL = 2048 }; /* a cell longer than CELL is cut */

/* The cells of a table line "| a | b |" into cells (marks removed): how many. */
static size_t split(const char *line, size_t len, char cells[][CELL], size_t most)
{
    size_t n = 0, at = 0;
    int inside = 0;
    for (size_t i = 0; i < len && n < most; i++) {
        char ch = line[i];
        if (ch == '|' && (i == 0 || line[i - 1] != '\\')) {
            if (inside) {
                while (at && cells[n][at - 1] == ' ') at--;
                cells[n++][at] = 0;
            }
            inside = 1, at = 0;
            continue;
        }
        if (!inside || ch == '`' || (ch == '*' && i + 1 < len && line[i + 1] == '*') ||
            (ch == '*' && i && line[i - 1] == '*') || ch == '\\')
            continue;
        if (at == 0 && ch == ' ') continue;
        if (at + 1 < CELL) cells[n][at++] = ch;
    }
    return n;
}

int dsms_measure_definition(const char *id,
                            void (*fn)(void *ctx, const char *heading, const char *text),
                            void *ctx)
{
    size_t len;
    const char *doc = (const char *)dsms_asset("docs/measures.md", &len);
    if (!doc || !id || !*id) return 0;
    char heads[MAX_COLUMNS][CELL], cells[MAX_COLUMNS][CELL]; /* 32 KiB: threads have room */
    size_t nheads = 0;
    for (const char *line = doc; line < doc + len;) {
        const char *end = memchr(line, '\n', (size_t)(doc + len - line));
        size_t n = end ? (size_t)(end - line) : (size_t)(doc + len - line);
        if (n > 4 && line[0] == '|') {
            size_t k = split(line, n, cells, MAX_COLUMNS);
            if (k > 1 && strcmp(cells[0], "id") == 0) {
                memcpy(heads, cells, sizeof heads);
                nheads = k;
            } else if (nheads && k == nheads && strcmp(cells[0], id) == 0) {
                for (size_t j = 1; j < k; j++)
                    if (strcmp(cells[j], "—") != 0 && cells[j][0]) fn(ctx, heads[j], cells[j]);
                return 1;
            }
        } else if (n == 0 || line[0] != '|') {
            nheads = 0;
        }
        line += n + 1;
    }
    return 0;
}
