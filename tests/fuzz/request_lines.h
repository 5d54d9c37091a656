/* request_lines.h — how fuzz_api and fuzz_web read a request from their
 * input's text: lines, the path first, then query parameters as NAME=VALUE
 * (at most DSMS_API_MAX_PARAMS), then, after a line "--", the body. Lines
 * end at '\n'; a NUL ends the text, as the server's decoding would. The
 * request's strings point into text, which is cut into them. */
#ifndef DSMS_FUZZ_REQUEST_LINES_H
#define DSMS_FUZZ_REQUEST_LINES_H

#include <string.h>

#include "dsms/api.h"

static void request_lines(char *text, dsms_api_request *req)
{
    char *s = text, *end = text + strlen(text);
    char *nl = strchr(s, '\n');
    if (nl) *nl = 0;
    req->path = s;
    s = nl ? nl + 1 : end;
    while (s < end) {
        nl = strchr(s, '\n');
        if (nl) *nl = 0;
        if (strcmp(s, "--") == 0) {
            s = nl ? nl + 1 : end;
            req->body = s;
            req->body_len = (size_t)(end - s);
            return;
        }
        if (req->nparams < DSMS_API_MAX_PARAMS) {
            char *eq = strchr(s, '=');
            req->key[req->nparams] = s;
            req->value[req->nparams++] = eq ? (*eq = 0, eq + 1) : "";
        }
        s = nl ? nl + 1 : end;
    }
}

#endif
