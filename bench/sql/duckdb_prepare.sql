-- duckdb_prepare.sql — the episodes and prison releases of a simulated tree read
-- straight from its CSV files into DuckDB, then reduced to one current version
-- of each record with the columns the measures need. Shared by every measure in
-- measures.sql. {{DIR}} is the tree (DIR/YYYY-YY/SOURCE/TABLE.csv).

-- step: load
-- Every submission of every year; the period is the file's directory. Only the
-- columns the measures use are read. Columns are matched by header name.
CREATE TABLE episodes_raw AS
SELECT regexp_extract(filename, '([0-9]{4}-[0-9]{2})/[^/]+/[^/]+$', 1) AS period,
       provider_code, episode_ref, initials, date_of_birth, sex, consent, area_code,
       referral_date, first_intervention_date, setting,
       substance_1, substance_2, substance_3,
       discharge_date, discharge_reason, ost_at_exit
FROM read_csv('{{DIR}}/*/*/episodes.csv', filename = true, header = true,
              types = {'date_of_birth': 'VARCHAR', 'referral_date': 'DATE',
                       'first_intervention_date': 'DATE', 'discharge_date': 'DATE'});

CREATE TABLE releases_raw AS
SELECT regexp_extract(filename, '([0-9]{4}-[0-9]{2})/[^/]+/[^/]+$', 1) AS period,
       prison_code, release_ref, initials, date_of_birth, sex,
       release_date, release_area_code, treatment_need
FROM read_csv('{{DIR}}/*/*/prison_releases.csv', filename = true, header = true,
              types = {'date_of_birth': 'VARCHAR', 'release_date': 'DATE'});

-- step: prepare
-- The financial years present: 1 April to 31 March.
CREATE TABLE periods AS
SELECT period,
       make_date(CAST(substr(period, 1, 4) AS INTEGER), 4, 1) AS ps,
       make_date(CAST(substr(period, 1, 4) AS INTEGER) + 1, 3, 31) AS pe
FROM (SELECT DISTINCT period FROM episodes_raw);

-- One row per episode: the version from the latest period replaces the earlier
-- ones. person is the client attributor, or the episode itself without consent.
CREATE TABLE ep AS
WITH cur AS (
  SELECT *, rowid AS eid,
         row_number() OVER (PARTITION BY provider_code, episode_ref ORDER BY period DESC) AS rn
  FROM episodes_raw
), s AS (
  SELECT *, lower(trim(substance_1)) AS s1, lower(trim(substance_2)) AS s2,
         lower(trim(substance_3)) AS s3
  FROM cur WHERE rn = 1
)
SELECT eid, provider_code, episode_ref,
       CASE WHEN upper(trim(consent)) = 'Y'
            THEN upper(trim(initials)) || trim(date_of_birth) || upper(trim(sex))
            ELSE provider_code || '/' || episode_ref END AS person,
       area_code,
       CASE WHEN s1 IN ('heroin', 'methadone_illicit', 'other_opiates', 'buprenorphine_illicit')
              OR s2 IN ('heroin', 'methadone_illicit', 'other_opiates', 'buprenorphine_illicit')
              OR s3 IN ('heroin', 'methadone_illicit', 'other_opiates', 'buprenorphine_illicit')
            THEN 'opiate'
            WHEN 'alcohol' IN (s1, s2, s3)
             AND (s1 <> 'alcohol' OR coalesce(s2, 'alcohol') <> 'alcohol'
                  OR coalesce(s3, 'alcohol') <> 'alcohol')
            THEN 'non_opiate_alcohol'
            WHEN 'alcohol' IN (s1, s2, s3) THEN 'alcohol'
            ELSE 'non_opiate' END AS grp,
       CASE WHEN upper(trim(setting)) = 'C' THEN 1 ELSE 0 END AS community,
       referral_date AS ref_day, first_intervention_date AS first_day,
       discharge_date AS dis_day,
       CASE WHEN lower(trim(discharge_reason)) IN ('completed_drug_free', 'completed_alcohol_free',
                                                   'completed_occasional_user')
            THEN 1 ELSE 0 END AS success,
       CASE WHEN upper(trim(ost_at_exit)) = 'Y' THEN 1 ELSE 0 END AS ost
FROM s;

CREATE TABLE rel AS
SELECT rid, upper(trim(initials)) || trim(date_of_birth) || upper(trim(sex)) AS person,
       release_area_code AS area_code, release_date AS release_day,
       CASE WHEN upper(trim(treatment_need)) = 'Y' THEN 1 ELSE 0 END AS need
FROM (SELECT *, rowid AS rid,
             row_number() OVER (PARTITION BY prison_code, release_ref ORDER BY period DESC) AS rn
      FROM releases_raw)
WHERE rn = 1;
