-- measures.sql — three national measures as an analyst would compute them in
-- SQL, for DuckDB and SQLite alike (the same text runs in both). Input, from
-- duckdb_prepare.sql or sqlite_prepare.sql:
--   periods (period, ps, pe)        each financial year, first and last day
--   ep  (eid, provider_code, episode_ref, person, area_code, grp, community,
--        ref_day, first_day, dis_day, success, ost)   current episodes
--   rel (rid, person, area_code, release_day, need)     current prison releases
-- Days are DATE in DuckDB and integer day numbers in SQLite: both compare, and
-- both add a number of days with +. Each measure leaves its figures in a table
-- m_NAME (period, area_code, grp, numerator, denominator): one row per area and
-- substance group, per area for all groups ('all'), and for the nation
-- (area_code 'national'). Window functions and joins throughout; no subquery
-- is run once per row.

-- step: in_treatment
-- People in community treatment in a period: a community episode (setting C)
-- started on or before its last day and not discharged before its first; an
-- episode with no first intervention never started. A person counts once, with the area
-- and substance group of their latest such episode (by referral, first
-- intervention, discharge with an open episode latest, then key).
CREATE TABLE it_people AS
SELECT period, person, area_code, grp
FROM (
  SELECT p.period, e.person, e.area_code, e.grp,
         row_number() OVER (PARTITION BY p.period, e.person
                            ORDER BY e.ref_day DESC, e.first_day DESC,
                                     (e.dis_day IS NULL) DESC, e.dis_day DESC,
                                     e.provider_code DESC, e.episode_ref DESC) AS rn
  FROM ep e
  JOIN periods p ON e.first_day <= p.pe AND (e.dis_day IS NULL OR e.dis_day >= p.ps)
  WHERE e.community = 1
) latest
WHERE rn = 1;

CREATE TABLE m_in_treatment AS
WITH a AS (
  SELECT period, area_code, grp, count(*) AS n FROM it_people GROUP BY period, area_code, grp
)
SELECT period, area_code, grp, n AS numerator, CAST(NULL AS INTEGER) AS denominator FROM a
UNION ALL
SELECT period, area_code, 'all', sum(n), CAST(NULL AS INTEGER) FROM a GROUP BY period, area_code
UNION ALL
SELECT period, 'national', grp, sum(n), CAST(NULL AS INTEGER) FROM a GROUP BY period, grp
UNION ALL
SELECT period, 'national', 'all', sum(n), CAST(NULL AS INTEGER) FROM a GROUP BY period;

-- step: successful_completion
-- Of the people in treatment (it_people), those whose latest discharge from a
-- community episode that started treatment in the period is a successful
-- completion (not an opiate episode left on OST) with no started episode of
-- theirs still open after it (referred on or before the day, discharged after
-- it or not at all) and no re-presentation: no referral in the 182 days after
-- to a community episode that started treatment. The latest discharge: greatest discharge date, ties
-- broken as for the latest episode. An episode without consent is its own
-- person, so nothing else is ever found for it.
CREATE TABLE sc_people AS
WITH last AS (
  SELECT period, person, eid, dis_day, success, grp, ost
  FROM (
    SELECT p.period, e.person, e.eid, e.dis_day, e.success, e.grp, e.ost,
           row_number() OVER (PARTITION BY p.period, e.person
                              ORDER BY e.dis_day DESC, e.ref_day DESC, e.first_day DESC,
                                       e.provider_code DESC, e.episode_ref DESC) AS rn
    FROM ep e
    JOIN periods p ON e.dis_day >= p.ps AND e.dis_day <= p.pe AND e.first_day <= p.pe
    WHERE e.community = 1
  ) d
  WHERE rn = 1
), done AS (
  SELECT period, person, eid, dis_day FROM last
  WHERE success = 1 AND NOT (grp = 'opiate' AND ost = 1)
), spoilt AS (
  SELECT DISTINCT d.period, d.person
  FROM done d
  JOIN ep o ON o.person = d.person AND o.eid <> d.eid AND o.first_day IS NOT NULL
           AND ((o.ref_day <= d.dis_day AND (o.dis_day IS NULL OR o.dis_day > d.dis_day))
                OR (o.community = 1 AND o.ref_day > d.dis_day AND o.ref_day <= d.dis_day + 182))
)
SELECT d.period, d.person
FROM done d
LEFT JOIN spoilt s ON s.period = d.period AND s.person = d.person
WHERE s.person IS NULL;

CREATE TABLE m_successful_completion AS
WITH a AS (
  SELECT i.period, i.area_code, i.grp, count(s.person) AS num, count(*) AS den
  FROM it_people i
  LEFT JOIN sc_people s ON s.period = i.period AND s.person = i.person
  GROUP BY i.period, i.area_code, i.grp
)
SELECT period, area_code, grp, num AS numerator, den AS denominator FROM a
UNION ALL
SELECT period, area_code, 'all', sum(num), sum(den) FROM a GROUP BY period, area_code
UNION ALL
SELECT period, 'national', grp, sum(num), sum(den) FROM a GROUP BY period, grp
UNION ALL
SELECT period, 'national', 'all', sum(num), sum(den) FROM a GROUP BY period;

-- step: continuity_of_care
-- Prison releases with a treatment need in the period, by the area released
-- to; met when the person has a community episode that started within 21 days
-- of release (day 21 counts) or was already open on the day. The join is on
-- the person alone and the conditions are in the aggregate: with them in the
-- join, DuckDB plans a range join over every episode and takes minutes.
CREATE TABLE cc_releases AS
SELECT r.rid, p.period, r.area_code,
       max(CASE WHEN e.community = 1
                 AND ((e.first_day >= r.release_day AND e.first_day <= r.release_day + 21)
                      OR (e.first_day <= r.release_day
                          AND (e.dis_day IS NULL OR e.dis_day >= r.release_day)))
                THEN 1 ELSE 0 END) AS met
FROM rel r
JOIN periods p ON r.release_day >= p.ps AND r.release_day <= p.pe
LEFT JOIN ep e ON e.person = r.person
WHERE r.need = 1
GROUP BY r.rid, p.period, r.area_code;

CREATE TABLE m_continuity_of_care AS
WITH a AS (
  SELECT period, area_code, sum(met) AS num, count(*) AS den
  FROM cc_releases GROUP BY period, area_code
)
SELECT period, area_code, 'all' AS grp, num AS numerator, den AS denominator FROM a
UNION ALL
SELECT period, 'national', 'all', sum(num), sum(den) FROM a GROUP BY period;
