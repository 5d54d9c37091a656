-- sqlite_prepare.sql — the imported episodes and prison releases (text, as
-- .import leaves them: an empty field is '') reduced to one current version of
-- each record with the columns the measures need. Dates become day numbers
-- (Julian day, an integer), so the measures compare and add integers. The
-- import itself (episodes_raw, releases_raw, with the period of each file) is
-- written by measures.sh from the tree's manifest.

-- step: prepare
CREATE TABLE periods AS
SELECT period,
       CAST(julianday(substr(period, 1, 4) || '-04-01') AS INTEGER) AS ps,
       CAST(julianday((substr(period, 1, 4) + 1) || '-03-31') AS INTEGER) AS pe
FROM (SELECT DISTINCT period FROM episodes_raw);

CREATE TABLE ep AS
WITH cur AS (
  SELECT *, rowid AS eid,
         row_number() OVER (PARTITION BY provider_code, episode_ref ORDER BY period DESC) AS rn
  FROM episodes_raw
), s AS (
  SELECT *, lower(trim(substance_1)) AS s1, nullif(lower(trim(substance_2)), '') AS s2,
         nullif(lower(trim(substance_3)), '') AS s3
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
       CAST(julianday(nullif(referral_date, '')) AS INTEGER) AS ref_day,
       CAST(julianday(nullif(first_intervention_date, '')) AS INTEGER) AS first_day,
       CAST(julianday(nullif(discharge_date, '')) AS INTEGER) AS dis_day,
       CASE WHEN lower(trim(discharge_reason)) IN ('completed_drug_free', 'completed_alcohol_free',
                                                   'completed_occasional_user')
            THEN 1 ELSE 0 END AS success,
       CASE WHEN upper(trim(ost_at_exit)) = 'Y' THEN 1 ELSE 0 END AS ost
FROM s;
-- The measures join a person's episodes to each other and to prison releases.
CREATE INDEX ep_person ON ep (person);

CREATE TABLE rel AS
SELECT rid, upper(trim(initials)) || trim(date_of_birth) || upper(trim(sex)) AS person,
       release_area_code AS area_code,
       CAST(julianday(release_date) AS INTEGER) AS release_day,
       CASE WHEN upper(trim(treatment_need)) = 'Y' THEN 1 ELSE 0 END AS need
FROM (SELECT *, rowid AS rid,
             row_number() OVER (PARTITION BY prison_code, release_ref ORDER BY period DESC) AS rn
      FROM releases_raw)
WHERE rn = 1;
