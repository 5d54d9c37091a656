/* trajectory.c — targets, trajectories and a figure's standing on them
 * (dsms/trajectory.h; the rules in docs/statistics.md, "Targets and
 * trajectories"). */
#include "dsms/trajectory.h"

#include <math.h>
#include <stddef.h>

double dsms_target_value(const dsms_goal *g)
{
    if (!isfinite(g->target)) return NAN;
    switch (g->kind) {
    case DSMS_TARGET_VALUE: return g->target;
    case DSMS_TARGET_CHANGE: return isfinite(g->baseline) ? g->baseline + g->target : NAN;
    case DSMS_TARGET_PERCENT:
        return isfinite(g->baseline) ? g->baseline * (1 + g->target / 100) : NAN;
    }
    return NAN;
}

double dsms_trajectory_at(const dsms_goal *g, int32_t day)
{
    double target = dsms_target_value(g);
    if (!isfinite(g->baseline) || isnan(target) || g->target_day <= g->baseline_day ||
        day < g->baseline_day)
        return NAN;
    if (day >= g->target_day) return target;
    double share = (double)((int64_t)day - g->baseline_day) /
                   (double)((int64_t)g->target_day - g->baseline_day);
    return g->baseline + (target - g->baseline) * share;
}

static void not_assessable(dsms_standing *out, const char *reason)
{
    out->status = DSMS_STATUS_NOT_ASSESSABLE;
    out->gap_people = NAN;
    out->reason = reason;
}

/* People short of the trajectory t, in the target's direction: the
 * difference in the figure's units, over what one person is worth there,
 * rounded up (part of a person is still a person to find). */
static double people_short(const dsms_figure *x, double t, int rising)
{
    double short_by = rising ? t - x->value : x->value - t;
    if (!(short_by > 0)) return 0;
    if (!(x->per > 0) || !(x->denominator > 0) || !isfinite(x->denominator)) return NAN;
    double people = short_by * x->denominator / x->per;
    /* A figure computed from whole people can land a hair past a whole
     * number (0.1 + 0.2): a relative tolerance keeps 3 from becoming 4. */
    return ceil(people - 1e-9 * fmax(1, people));
}

void dsms_standing_of(const dsms_goal *g, const dsms_figure *x, dsms_standing *out)
{
    *out = (dsms_standing){.status = DSMS_STATUS_NOT_ASSESSABLE, .target = dsms_target_value(g),
                           .trajectory = NAN, .gap_people = NAN, .reason = ""};
    if (!isfinite(g->baseline)) return not_assessable(out, "no figure for the baseline period");
    if (isnan(out->target)) return not_assessable(out, "the target is not a number");
    if (out->target == g->baseline)
        return not_assessable(out, "the target is the baseline: no direction to go");
    if (g->target_day <= g->baseline_day)
        return not_assessable(out, "the target is due no later than the baseline");
    if (!isfinite(x->value)) return not_assessable(out, "no figure for the period");
    if (x->day <= g->baseline_day) return not_assessable(out, "no period since the baseline");
    out->rising = out->target > g->baseline;
    out->due = x->day >= g->target_day;
    out->trajectory = dsms_trajectory_at(g, x->day);
    int up = out->rising;
    if (up ? x->value >= out->target : x->value <= out->target) {
        out->status = DSMS_STATUS_ACHIEVED;
        out->gap_people = 0;
        return;
    }
    double t = out->trajectory;
    int beyond = up ? x->value >= t : x->value <= t;
    int within = isfinite(x->lower95) && isfinite(x->upper95) && x->lower95 <= t &&
                 t <= x->upper95;
    out->status = !out->due && (beyond || within) ? DSMS_STATUS_ON_TRACK : DSMS_STATUS_OFF_TRACK;
    out->gap_people = people_short(x, t, up); /* t is the target once due */
}

const char *dsms_status_name(dsms_status s)
{
    switch (s) {
    case DSMS_STATUS_ACHIEVED: return "achieved";
    case DSMS_STATUS_ON_TRACK: return "on track";
    case DSMS_STATUS_OFF_TRACK: return "off track";
    case DSMS_STATUS_NOT_ASSESSABLE: break;
    }
    return "not yet assessable";
}
