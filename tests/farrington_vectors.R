# farrington_vectors.R: writes tests/farrington_vectors.h, the figures that
# tests/test_farrington.c checks lib/stats/farrington.c against, computed by
# farringtonFlexible of the R package surveillance (the reference
# implementation of the Farrington and Noufaily methods).
#
#   Rscript tests/farrington_vectors.R tests/data/farrington > tests/farrington_vectors.h
#
# It also writes, in the directory named, salmonella_agona.csv (the series as
# dsms stats farrington reads it: series,week,count, with the week's date as a
# fourth column) and R's figures for every week with enough history, with the
# original settings and with Noufaily's (salmonella_agona_original.csv and
# salmonella_agona_noufaily.csv: week,expected,threshold,alarm), for
# tests/farrington.sh.
#
# The series: salmonella.agona as shipped with surveillance (weekly from the
# Monday 1990-01-01), and five made here from a fixed seed: seasonal, sparse
# (mostly zeros), with past outbreaks, with runs of zeros, with a trend, and
# quiet (nothing for years, then a few cases).
# Every series is an sts object with epochAsDate = TRUE and Monday dates, so
# that the reference weeks are chosen by date (one year back to the nearest
# Monday, 29 February to 1 March), as dsms does. Each series is run with the
# original settings and the Noufaily settings (the two control lists of the
# package's vignette, monitoringCounts), and with a few other values of alpha,
# b, w and the other options, over its last two years.
suppressMessages(library(surveillance))

monday <- function(s) as.numeric(as.Date(s))

series <- list()
add <- function(name, counts, start) {
    series[[length(series) + 1]] <<- list(name = name, counts = as.numeric(counts),
                                          start = monday(start))
}

data("salmonella.agona")
add("salmonella_agona", observed(disProg2sts(salmonella.agona))[, 1], "1990-01-01")

set.seed(20240207)
n <- 520
t <- seq_len(n)
season <- exp(1.6 + 0.9 * sin(2 * pi * t / 52) + 0.3 * cos(2 * pi * t / 26))
add("seasonal", rnbinom(n, mu = season, size = 8), "2014-12-29")
add("sparse", rpois(n, 0.35), "2014-12-29")
outbreaks <- rnbinom(n, mu = 3 + 2 * sin(2 * pi * t / 52), size = 5)
for (at in c(60, 130, 250, 330, 420)) {
    k <- at:(at + 4)
    outbreaks[k] <- outbreaks[k] + c(6, 14, 22, 12, 5)
}
outbreaks[505] <- outbreaks[505] + 25
add("outbreaks", outbreaks, "2014-12-29")
zeros <- rpois(n, 4 + 2 * sin(2 * pi * t / 52))
for (k in list(40:90, 200:235, 300:330, 452:470)) zeros[k] <- 0
add("zero_runs", zeros, "2014-12-29")
add("trend", rpois(n, exp(0.8 + 0.0045 * t + 0.4 * sin(2 * pi * t / 52))), "2014-12-29")
# Nothing for eight years, then a few cases: a baseline of zeros only, on which
# the model of Noufaily's settings does not converge in 25 iterations (no alarm,
# NA) with five years back, while on four years' fewer weeks it does.
add("quiet", c(rep(0, 440), rpois(80, 2)), "2014-12-29")

# Settings: the original method and Noufaily's, as the vignette gives them,
# the rest at farringtonFlexible's defaults (alpha 0.05, reweighting, trend,
# limit54 5 cases in 4 weeks, powertrans 2/3).
original <- list(noPeriods = 1, b = 4, w = 3, weightsThreshold = 1, pastWeeksNotIncluded = 3,
                 pThresholdTrend = 0.05, thresholdMethod = "delta")
noufaily <- list(noPeriods = 10, b = 4, w = 3, weightsThreshold = 2.58,
                 pastWeeksNotIncluded = 26, pThresholdTrend = 1, thresholdMethod = "nbPlugin")
# (The first argument is not called base: b = 5 would be taken for it.)
full <- function(control, ...) {
    ctl <- modifyList(list(reweight = TRUE, alpha = 0.05, trend = TRUE, limit54 = c(5, 4),
                           powertrans = "2/3"), control)
    modifyList(ctl, list(...))
}
settings <- list(
    list(name = "original", ctl = full(original)),
    list(name = "noufaily", ctl = full(noufaily)),
    list(name = "original alpha 0.01 b 5 w 2", ctl = full(original, alpha = 0.01, b = 5, w = 2,
                                                         pastWeeksNotIncluded = 2)),
    list(name = "noufaily alpha 0.1 b 3 w 2", ctl = full(noufaily, alpha = 0.1, b = 3, w = 2)),
    list(name = "original limit54 0/4 powertrans 1/2", ctl = full(original, limit54 = c(0, 4),
                                                                 powertrans = "1/2")),
    list(name = "noufaily limit54 0/4 muan", ctl = full(noufaily, limit54 = c(0, 4),
                                                       thresholdMethod = "muan")),
    list(name = "original no reweighting, no trend, powertrans none, b 2",
         ctl = full(original, reweight = FALSE, trend = FALSE, powertrans = "none", b = 2)),
    list(name = "original b 2 w 1, 6 periods, pastWeeksNotIncluded 1",
         ctl = full(original, b = 2, w = 1, noPeriods = 6, pastWeeksNotIncluded = 1,
                    limit54 = c(3, 2))),
    list(name = "noufaily b 5 pastWeeksNotIncluded 4", ctl = full(noufaily, b = 5,
                                                                 pastWeeksNotIncluded = 4)),
    # alpha above 0.5: the delta method's two limits change places (R sorts them).
    list(name = "original alpha 0.6", ctl = full(original, alpha = 0.6)))

num <- function(x) ifelse(is.na(x), "NAN", sprintf("%.17g", x))

# The files for tests/farrington.sh.
out_dir <- commandArgs(trailingOnly = TRUE)[1]
if (!is.na(out_dir)) {
    s <- series[[1]]
    dates <- as.Date(s$start + 7 * (seq_along(s$counts) - 1), origin = "1970-01-01")
    iso <- format(dates, "%G-W%V")
    write.csv(data.frame(series = "salmonella.agona", week = iso, count = s$counts,
                         date = format(dates)),
              file.path(out_dir, "salmonella_agona.csv"), row.names = FALSE, quote = FALSE)
    obj <- sts(observed = matrix(s$counts, ncol = 1), epoch = as.numeric(dates),
               epochAsDate = TRUE, frequency = 52)
    for (which in c("original", "noufaily")) {
        ctl <- full(if (which == "original") original else noufaily)
        # The first week whose reference weeks and their windows are all in the series.
        ok <- sapply(seq_along(dates), function(k) {
            r <- surveillance:::algo.farrington.referencetimepoints(dates[k], b = ctl$b,
                freq = 52, epochAsDate = TRUE, epochStr = "week")
            at <- match(r, dates)
            !anyNA(at) && min(at) - ctl$w >= 1
        })
        ctl$range <- which(ok)[1]:length(dates)
        ctl$glmWarnings <- FALSE
        res <- suppressWarnings(farringtonFlexible(obj, control = ctl))
        al <- as.integer(alarms(res))
        fig <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))
        write.csv(data.frame(week = iso[ctl$range], expected = fig(res@control$expected),
                             threshold = fig(as.numeric(upperbound(res))), alarm = al),
                  file.path(out_dir, sprintf("salmonella_agona_%s.csv", which)),
                  row.names = FALSE, quote = FALSE, na = "")
    }
}

cat("/* farrington_vectors.h: expected figures for tests/test_farrington.c, made by\n",
    " * tests/farrington_vectors.R with farringtonFlexible of the R package\n",
    " * surveillance ", format(packageVersion("surveillance")), " (", R.version.string,
    ").\n * Do not edit: run the script again. */\n", sep = "")
cat("#ifndef DSMS_FARRINGTON_VECTORS_H\n#define DSMS_FARRINGTON_VECTORS_H\n\n#include <math.h>\n\n")
cat("typedef struct {\n    const char *name;\n    long start; /* the first week's Monday, ",
    "days since 1970-01-01 */\n    size_t n;\n    const double *counts;\n} fv_series;\n\n",
    sep = "")
cat("/* One run: a series, the settings (as farringtonFlexible's control), the weeks\n",
    " * assessed (0-based, first to first + count - 1) and R's figures for each:\n",
    " * upperbound (NAN for NA), control$expected (NAN for NA), alarm (1, 0, or -1\n",
    " * for NA), phiVector (NAN for NA). */\n", sep = "")
cat("typedef struct {\n    int series;\n    const char *settings;\n    int b, w, reweight, trend,",
    " no_periods, past_weeks, limit_cases, limit_weeks;\n    double alpha, weights_threshold,",
    " p_trend;\n    const char *powertrans, *method;\n    size_t first, count;\n",
    "    const double *threshold, *expected, *phi;\n    const int *alarm;\n} fv_run;\n\n",
    sep = "")

for (i in seq_along(series)) {
    s <- series[[i]]
    cat(sprintf("static const double fv_counts_%d[%d] = {\n", i - 1, length(s$counts)))
    cat(paste0("    ", sapply(split(s$counts, ceiling(seq_along(s$counts) / 16)),
                               function(x) paste(x, collapse = ", ")), collapse = ",\n"))
    cat("};\n")
}
cat("\nstatic const fv_series fv_series_list[] = {\n")
for (i in seq_along(series)) {
    s <- series[[i]]
    cat(sprintf("    {\"%s\", %d, %d, fv_counts_%d},\n", s$name, s$start, length(s$counts), i - 1))
}
cat("};\n\n")

runs <- list()
for (i in seq_along(series)) {
    s <- series[[i]]
    dates <- as.Date(s$start + 7 * (seq_along(s$counts) - 1), origin = "1970-01-01")
    obj <- sts(observed = matrix(s$counts, ncol = 1), epoch = as.numeric(dates),
               epochAsDate = TRUE, frequency = 52)
    for (j in seq_along(settings)) {
        ctl <- settings[[j]]$ctl
        n <- length(s$counts)
        first <- max(n - 103, 53 * ctl$b + ctl$w + 2)
        ctl$range <- first:n
        ctl$glmWarnings <- FALSE
        res <- suppressWarnings(farringtonFlexible(obj, control = ctl))
        id <- length(runs)
        up <- as.numeric(upperbound(res))
        ex <- as.numeric(res@control$expected)
        ph <- as.numeric(res@control$phiVector)
        al <- as.integer(alarms(res))
        al[is.na(al)] <- -1L
        for (what in c("threshold", "expected", "phi")) {
            v <- switch(what, threshold = up, expected = ex, phi = ph)
            cat(sprintf("static const double fv_%s_%d[] = {\n", what, id))
            cat(paste0("    ", sapply(split(v, ceiling(seq_along(v) / 4)),
                                       function(x) paste(num(x), collapse = ", ")),
                       collapse = ",\n"))
            cat("};\n")
        }
        cat(sprintf("static const int fv_alarm_%d[] = {\n", id))
        cat(paste0("    ", sapply(split(al, ceiling(seq_along(al) / 26)),
                                   function(x) paste(x, collapse = ", ")), collapse = ",\n"))
        cat("};\n")
        runs[[id + 1]] <- sprintf(paste0(
            "    {%d, \"%s\", %d, %d, %d, %d, %d, %d, %d, %d, %s, %s, %s, \"%s\", \"%s\", %d, %d,\n",
            "     fv_threshold_%d, fv_expected_%d, fv_phi_%d, fv_alarm_%d},\n"),
            i - 1, settings[[j]]$name, ctl$b, ctl$w, as.integer(ctl$reweight),
            as.integer(ctl$trend), ctl$noPeriods, ctl$pastWeeksNotIncluded, ctl$limit54[1],
            ctl$limit54[2], num(ctl$alpha), num(ctl$weightsThreshold), num(ctl$pThresholdTrend),
            ctl$powertrans, ctl$thresholdMethod, first - 1, n - first + 1, id, id, id, id)
    }
}
cat("\nstatic const fv_run fv_runs[] = {\n")
cat(unlist(runs), sep = "")
cat("};\n\n#endif\n")
