/* test_trajectory.c — targets, trajectories and standings (trajectory.c),
 * on small cases worked by hand, with the 2021 strategy's own kinds of
 * target: a change in people (54,500 more treatment places), a share (53% of
 * opiate and crack users in treatment), a change in percent (+20%
 * disruptions) and a fall (deaths prevented). */
#include <math.h>

#include "check.h"
#include "dsms/trajectory.h"

static int near(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fmax(1, fabs(b));
}

#define CHECK_NEAR(got, want)                                                         \
    do {                                                                              \
        double g_ = (got), w_ = (want);                                               \
        if (near(g_, w_)) check_passed++;                                             \
        else {                                                                        \
            check_failed++;                                                           \
            fprintf(stderr, "%s:%d: %s is %.17g, expected %.17g\n", __FILE__, __LINE__, \
                    #got, g_, w_);                                                    \
        }                                                                             \
    } while (0)

/* Days: the baseline period ends on day 0, the target's on day 1,000. */
static dsms_goal goal(double baseline, dsms_target_kind kind, double target)
{
    return (dsms_goal){baseline, 0, kind, target, 1000};
}

static dsms_figure count(double value, double lo, double hi, int32_t day)
{
    return (dsms_figure){value, lo, hi, day, 1, 1};
}

static void target_values(void)
{
    dsms_goal g = goal(289215, DSMS_TARGET_CHANGE, 54500);
    CHECK_NEAR(dsms_target_value(&g), 343715);
    g = goal(5333, DSMS_TARGET_PERCENT, 20);
    CHECK_NEAR(dsms_target_value(&g), 6399.6);
    g = goal(47, DSMS_TARGET_VALUE, 53);
    CHECK_NEAR(dsms_target_value(&g), 53);
    g = goal(NAN, DSMS_TARGET_CHANGE, 100); /* a change of nothing known */
    CHECK(isnan(dsms_target_value(&g)));
    g = goal(NAN, DSMS_TARGET_VALUE, 100); /* a value needs no baseline */
    CHECK_NEAR(dsms_target_value(&g), 100);
    g = goal(10, DSMS_TARGET_VALUE, INFINITY);
    CHECK(isnan(dsms_target_value(&g)));
    g = goal(10, DSMS_TARGET_PERCENT, NAN);
    CHECK(isnan(dsms_target_value(&g)));
}

static void trajectories(void)
{
    dsms_goal g = goal(100, DSMS_TARGET_VALUE, 200);
    CHECK(isnan(dsms_trajectory_at(&g, -1))); /* before the baseline */
    CHECK_NEAR(dsms_trajectory_at(&g, 0), 100);
    CHECK_NEAR(dsms_trajectory_at(&g, 250), 125);
    CHECK_NEAR(dsms_trajectory_at(&g, 500), 150);
    CHECK_NEAR(dsms_trajectory_at(&g, 1000), 200);
    CHECK_NEAR(dsms_trajectory_at(&g, 5000), 200); /* past the date: the target */
    g = goal(4859, DSMS_TARGET_CHANGE, -1000);      /* falling */
    CHECK_NEAR(dsms_trajectory_at(&g, 365), 4859 - 365);
    g = goal(NAN, DSMS_TARGET_VALUE, 200);
    CHECK(isnan(dsms_trajectory_at(&g, 500)));
    g = (dsms_goal){100, 1000, DSMS_TARGET_VALUE, 200, 1000}; /* due at the baseline */
    CHECK(isnan(dsms_trajectory_at(&g, 1000)));
}

static void standing(const dsms_goal *g, dsms_figure x, dsms_status want, double gap,
                     int line)
{
    dsms_standing s;
    dsms_standing_of(g, &x, &s);
    if (s.status != want)
        fprintf(stderr, "%s:%d: status %s, expected %s\n", __FILE__, line,
                dsms_status_name(s.status), dsms_status_name(want));
    CHECK_INT(s.status, want);
    if (isnan(gap)) CHECK(isnan(s.gap_people));
    else CHECK_NEAR(s.gap_people, gap);
    CHECK((s.status == DSMS_STATUS_NOT_ASSESSABLE) == (s.reason[0] != 0));
}

static void standings(void)
{
    /* 100 to 200 over 1,000 days: 150 is due on day 500. */
    dsms_goal g = goal(100, DSMS_TARGET_VALUE, 200);
    standing(&g, count(140, NAN, NAN, 500), DSMS_STATUS_OFF_TRACK, 10, __LINE__);
    standing(&g, count(140, 128, 152, 500), DSMS_STATUS_ON_TRACK, 10, __LINE__);
    standing(&g, count(140, 128, 149.9, 500), DSMS_STATUS_OFF_TRACK, 10, __LINE__);
    standing(&g, count(150, NAN, NAN, 500), DSMS_STATUS_ON_TRACK, 0, __LINE__);
    standing(&g, count(170, NAN, NAN, 500), DSMS_STATUS_ON_TRACK, 0, __LINE__);
    standing(&g, count(200, NAN, NAN, 500), DSMS_STATUS_ACHIEVED, 0, __LINE__); /* early */
    standing(&g, count(139.5, NAN, NAN, 500), DSMS_STATUS_OFF_TRACK, 11, __LINE__);
    /* Due, or past due: the target, not the way to it; an interval holding
     * the target does not save a figure short of it. */
    standing(&g, count(199, 190, 210, 1000), DSMS_STATUS_OFF_TRACK, 1, __LINE__);
    standing(&g, count(199, 190, 210, 1400), DSMS_STATUS_OFF_TRACK, 1, __LINE__);
    standing(&g, count(201, NAN, NAN, 1400), DSMS_STATUS_ACHIEVED, 0, __LINE__);

    /* Lower is better: deaths, 4,859 at baseline, 1,000 fewer in 1,000 days. */
    g = goal(4859, DSMS_TARGET_CHANGE, -1000);
    standing(&g, count(4500, NAN, NAN, 500), DSMS_STATUS_OFF_TRACK, 141, __LINE__);
    standing(&g, count(4500, 4369, 4631, 500), DSMS_STATUS_OFF_TRACK, 141, __LINE__);
    standing(&g, count(4500, 4359, 4641, 500), DSMS_STATUS_ON_TRACK, 141, __LINE__);
    standing(&g, count(4300, NAN, NAN, 500), DSMS_STATUS_ON_TRACK, 0, __LINE__);
    standing(&g, count(3859, NAN, NAN, 900), DSMS_STATUS_ACHIEVED, 0, __LINE__);

    /* A share of people: 47% to 53% of 300,000 opiate and crack users; on
     * day 500 the trajectory is 50%, and 49% is 3,000 people short. */
    g = goal(47, DSMS_TARGET_VALUE, 53);
    dsms_figure share = {49, 48.8, 49.2, 500, 300000, 100};
    standing(&g, share, DSMS_STATUS_OFF_TRACK, 3000, __LINE__);
    share.value = 49.1; /* 2,700 people, though 0.1 * 3,000 is not exactly 300 */
    standing(&g, share, DSMS_STATUS_OFF_TRACK, 2700, __LINE__);
    share.denominator = NAN; /* short, but not to be counted in people */
    standing(&g, share, DSMS_STATUS_OFF_TRACK, NAN, __LINE__);

    /* +20% disruptions, 5,333 to 6,399.6: a part of a person is one more. */
    g = goal(5333, DSMS_TARGET_PERCENT, 20);
    standing(&g, count(5800, NAN, NAN, 500), DSMS_STATUS_OFF_TRACK, 67, __LINE__);

    /* Not yet assessable, each for its reason. */
    g = goal(NAN, DSMS_TARGET_VALUE, 200); /* a baseline with no data */
    standing(&g, count(150, NAN, NAN, 500), DSMS_STATUS_NOT_ASSESSABLE, NAN, __LINE__);
    g = goal(100, DSMS_TARGET_VALUE, 200);
    standing(&g, count(NAN, NAN, NAN, 500), DSMS_STATUS_NOT_ASSESSABLE, NAN, __LINE__);
    standing(&g, count(150, NAN, NAN, 0), DSMS_STATUS_NOT_ASSESSABLE, NAN, __LINE__);
    standing(&g, count(150, NAN, NAN, -30), DSMS_STATUS_NOT_ASSESSABLE, NAN, __LINE__);
    g = goal(100, DSMS_TARGET_CHANGE, 0); /* the target is the baseline */
    standing(&g, count(150, NAN, NAN, 500), DSMS_STATUS_NOT_ASSESSABLE, NAN, __LINE__);
    g = (dsms_goal){100, 1000, DSMS_TARGET_VALUE, 200, 500}; /* due before the baseline */
    standing(&g, count(150, NAN, NAN, 1500), DSMS_STATUS_NOT_ASSESSABLE, NAN, __LINE__);

    dsms_standing s;
    g = goal(4859, DSMS_TARGET_CHANGE, -1000);
    dsms_figure x = count(4500, NAN, NAN, 1200);
    dsms_standing_of(&g, &x, &s);
    CHECK_INT(s.rising, 0);
    CHECK_INT(s.due, 1);
    CHECK_NEAR(s.target, 3859);
    CHECK_NEAR(s.trajectory, 3859);
    CHECK_STR(dsms_status_name(s.status), "off track");
    CHECK_STR(dsms_status_name((dsms_status)99), "not yet assessable");
}

int main(void)
{
    target_values();
    trajectories();
    standings();
    return check_summary();
}
