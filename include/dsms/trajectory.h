/* dsms/trajectory.h — a metric held against its target: the target as a
 * value, the trajectory from the baseline to it, and where the latest figure
 * stands on that path (achieved, on track, off track, or not yet
 * assessable), with the gap in people to the trajectory.
 *
 * Everything here is arithmetic on figures already computed (a measure's
 * result or a series' value, with its 95% interval): the framework layer
 * finds them and turns periods into days. The rules are in
 * docs/statistics.md ("Targets and trajectories"). */
#ifndef DSMS_TRAJECTORY_H
#define DSMS_TRAJECTORY_H

#include <stdint.h>

/* How a target is given: the value to reach, a change from the baseline in
 * the metric's units (54,500 more treatment places), or a change in percent
 * of the baseline (+20% disruptions). */
typedef enum { DSMS_TARGET_VALUE, DSMS_TARGET_CHANGE, DSMS_TARGET_PERCENT } dsms_target_kind;

typedef struct {
    double baseline;      /* the metric at its baseline period; NaN: no figure */
    int32_t baseline_day; /* the last day of the baseline period (days since 1970) */
    dsms_target_kind kind;
    double target;        /* the value, or the change, as kind says */
    int32_t target_day;   /* the last day of the period the target is due in */
} dsms_goal;

/* The latest figure: its value, 95% limits (NaN when it has none: then the
 * value alone is held against the trajectory), the last day of its period,
 * and what one person is worth in its units: for a count 1 person is 1
 * (denominator 1, per 1); for a percentage of a denominator of people, per
 * is 100; for a rate per 100,000 of a population, per is 100,000. */
typedef struct {
    double value, lower95, upper95;
    int32_t day;
    double denominator, per;
} dsms_figure;

typedef enum {
    DSMS_STATUS_NOT_ASSESSABLE,
    DSMS_STATUS_ACHIEVED,
    DSMS_STATUS_ON_TRACK,
    DSMS_STATUS_OFF_TRACK
} dsms_status;

typedef struct {
    dsms_status status;
    double target;      /* the target as a value; NaN when it cannot be known */
    double trajectory;  /* the trajectory's value on the figure's day; NaN likewise */
    int rising;         /* 1 when the target is above the baseline, 0 below */
    int due;            /* the figure's period ends on or after the target's */
    double gap_people;  /* people (a whole number) the figure is short of the
                           trajectory, in the target's direction; 0 when on or
                           beyond it, NaN when not assessable or not in people */
    const char *reason; /* why not assessable (static text), else "" */
} dsms_standing;

/* The target of g as a value: g->target itself, or the baseline changed by
 * it. NaN when a change is asked of a baseline with no figure, or when the
 * target is not finite. Cannot fail otherwise. */
double dsms_target_value(const dsms_goal *g);

/* The trajectory's value on day: linear from the baseline on baseline_day to
 * the target on target_day, the target itself from then on, NaN before the
 * baseline or without one (or when target_day is not after baseline_day). */
double dsms_trajectory_at(const dsms_goal *g, int32_t day);

/* Where the figure x stands against g, in *out. Not yet assessable, with a
 * reason: no baseline figure, no latest figure, no period since the baseline,
 * or a target equal to the baseline (no direction). Achieved: the figure has
 * reached the target (in its direction). On track: its 95% interval holds the
 * trajectory's value on its day, or the figure is beyond that value in the
 * target's direction. Off track: otherwise, and always once the target is
 * due and not reached. Cannot fail. */
void dsms_standing_of(const dsms_goal *g, const dsms_figure *x, dsms_standing *out);

/* "achieved", "on track", "off track", "not yet assessable" (also for any
 * other value): a static string. */
const char *dsms_status_name(dsms_status s);

#endif
