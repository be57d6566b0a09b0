-- Tests of the working-day calendar: its tables and data (sql/0003_calendar.sql) against the CSV files, and its
-- functions (sql/engine/calendar.sql).
--
--   psql -v ON_ERROR_STOP=1 -v csvdir=/path/to/sql/calendar -d DB -f tests/sql/calendar.sql
--
-- Needs a database migrated through 0003. csvdir (default: sql/calendar, relative to the current directory) holds
-- the YYYY.csv files; point it at shared/domain/holidays to check the data against the originals. Every failed
-- assertion raises an exception. Everything runs in one transaction that is rolled back: the database is left as
-- it was. The last step prints the time of 1,000,000 ca_add_workdays_rel() calls (informational, not asserted).

\set ON_ERROR_STOP 1
\set QUIET 1
\o /dev/null
\if :{?csvdir}
\else
  \set csvdir sql/calendar
\endif

BEGIN;

-- ---- Helpers ----------------------------------------------------------------------------------------------------

CREATE FUNCTION pg_temp.ok(cond boolean, what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cond IS NOT TRUE THEN
    RAISE EXCEPTION 'calendar test FAILED: %', what;
  END IF;
END $$;

CREATE FUNCTION pg_temp.eq(got anycompatible, want anycompatible, what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF got IS DISTINCT FROM want THEN
    RAISE EXCEPTION 'calendar test FAILED: %: got %, want %', what, coalesce(got::text, 'NULL'),
      coalesce(want::text, 'NULL');
  END IF;
END $$;

-- Run stmt, which must fail with SQLSTATE state and a message containing msg. The failed statement's work is
-- undone by the implicit savepoint of the exception block.
CREATE FUNCTION pg_temp.fails(stmt text, state text, msg text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  got_state text;
  got_msg   text;
BEGIN
  BEGIN
    EXECUTE stmt;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS got_state = RETURNED_SQLSTATE, got_msg = MESSAGE_TEXT;
  END;
  IF got_state IS NULL THEN
    RAISE EXCEPTION 'calendar test FAILED: no error from: %', stmt;
  END IF;
  IF got_state <> state OR strpos(got_msg, msg) = 0 THEN
    RAISE EXCEPTION 'calendar test FAILED: %: got % "%", want % "...%..."', stmt, got_state, got_msg, state, msg;
  END IF;
END $$;

-- A fingerprint of everything the calendar stores, to prove that a rejected load changed nothing.
CREATE FUNCTION pg_temp.fingerprint() RETURNS text LANGUAGE sql AS $$
  SELECT md5(concat_ws('|',
    (SELECT string_agg(concat_ws(',', year, notice_title, notice_no, published_on, source_url, loaded_at,
                                 first_day, last_day), ';' ORDER BY year) FROM calendar_years),
    (SELECT string_agg(concat_ws(',', day, kind, name, year), ';' ORDER BY day) FROM calendar_days),
    (SELECT string_agg(concat_ws(',', day, working, ordinal, run_start, run_end), ';' ORDER BY day)
       FROM calendar_ordinals)))
$$;

-- calendar_ordinals must hold exactly the covered dates, each with its working flag, the running count of working
-- days and the first and last dates of its unbroken run, whatever has been loaded.
CREATE FUNCTION pg_temp.ordinals_consistent(what text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  bad int;
BEGIN
  WITH covered AS (SELECT DISTINCT g::date AS day
                     FROM calendar_years y, generate_series(y.first_day, y.last_day, interval '1 day') g),
  want AS (SELECT c.day, coalesce(d.kind = 'workday', extract(isodow FROM c.day) < 6) AS working,
                  lag(c.day) OVER (ORDER BY c.day) IS DISTINCT FROM c.day - 1 AS starts_run,
                  lead(c.day) OVER (ORDER BY c.day) IS DISTINCT FROM c.day + 1 AS ends_run
             FROM covered c LEFT JOIN calendar_days d ON d.day = c.day),
  want2 AS (SELECT day, working,
                   sum(working::int) OVER (ORDER BY day) AS ordinal,
                   max(CASE WHEN starts_run THEN day END) OVER (ORDER BY day) AS run_start,
                   min(CASE WHEN ends_run THEN day END)
                     OVER (ORDER BY day ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS run_end
              FROM want)
  SELECT count(*) INTO bad
    FROM want2 w FULL JOIN calendar_ordinals o USING (day)
   WHERE o.working IS DISTINCT FROM w.working OR o.ordinal IS DISTINCT FROM w.ordinal
      OR o.run_start IS DISTINCT FROM w.run_start OR o.run_end IS DISTINCT FROM w.run_end;
  PERFORM pg_temp.ok(bad = 0, what || ': calendar_ordinals rows differ from their definition: ' || bad);
END $$;

-- ---- The shipped data equals the CSV files ----------------------------------------------------------------------

CREATE TEMP TABLE csv_rows ("date" date, kind text, name text, file_year int);
\cd :csvdir
\copy csv_rows ("date", kind, name) FROM '2019.csv' WITH (FORMAT csv, HEADER match)
UPDATE csv_rows SET file_year = 2019 WHERE file_year IS NULL;
\copy csv_rows ("date", kind, name) FROM '2020.csv' WITH (FORMAT csv, HEADER match)
UPDATE csv_rows SET file_year = 2020 WHERE file_year IS NULL;
\copy csv_rows ("date", kind, name) FROM '2021.csv' WITH (FORMAT csv, HEADER match)
UPDATE csv_rows SET file_year = 2021 WHERE file_year IS NULL;
\copy csv_rows ("date", kind, name) FROM '2022.csv' WITH (FORMAT csv, HEADER match)
UPDATE csv_rows SET file_year = 2022 WHERE file_year IS NULL;
\copy csv_rows ("date", kind, name) FROM '2023.csv' WITH (FORMAT csv, HEADER match)
UPDATE csv_rows SET file_year = 2023 WHERE file_year IS NULL;
\copy csv_rows ("date", kind, name) FROM '2024.csv' WITH (FORMAT csv, HEADER match)
UPDATE csv_rows SET file_year = 2024 WHERE file_year IS NULL;
\copy csv_rows ("date", kind, name) FROM '2025.csv' WITH (FORMAT csv, HEADER match)
UPDATE csv_rows SET file_year = 2025 WHERE file_year IS NULL;
\copy csv_rows ("date", kind, name) FROM '2026.csv' WITH (FORMAT csv, HEADER match)
UPDATE csv_rows SET file_year = 2026 WHERE file_year IS NULL;

SELECT pg_temp.eq((SELECT count(*) FROM csv_rows)::int, 295, 'rows in the eight CSV files');
SELECT pg_temp.eq((SELECT array_agg(year ORDER BY year) FROM calendar_years),
                  ARRAY[2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026], 'loaded notice years');
-- Rows per year: the table against the file of the same year.
SELECT pg_temp.eq(coalesce(t.n, 0), coalesce(f.n, 0), 'rows of notice year ' || coalesce(t.year, f.year))
  FROM (SELECT year, count(*)::int AS n FROM calendar_days GROUP BY year) t
  FULL JOIN (SELECT file_year AS year, count(*)::int AS n FROM csv_rows GROUP BY file_year) f USING (year);
-- And row by row.
SELECT pg_temp.ok(false, format('row %s differs between calendar_days and the CSV files', coalesce(t.day, f."date")))
  FROM calendar_days t
  FULL JOIN csv_rows f ON f."date" = t.day AND f.kind = t.kind AND f.name = t.name AND f.file_year = t.year
 WHERE t.day IS NULL OR f."date" IS NULL;
SELECT pg_temp.eq(first_day, want, 'first_day of ' || year)
  FROM calendar_years
  JOIN (VALUES (2019, date '2018-12-29'), (2020, date '2020-01-01'), (2021, date '2021-01-01'),
               (2022, date '2022-01-01'), (2023, date '2022-12-31'), (2024, date '2023-12-30'),
               (2025, date '2025-01-01'), (2026, date '2026-01-01')) v (year, want) USING (year);
SELECT pg_temp.ok(notice_no LIKE '国办发明电〔____〕%号' AND source_url LIKE 'http%://www.gov.cn/%'
                  AND notice_title LIKE '国务院办公厅关于' || year || '年部分节假日安排的通知'
                  AND published_on BETWEEN make_date(year - 1, 10, 1) AND make_date(year - 1, 12, 31)
                  AND last_day = make_date(year, 12, 31), 'notice metadata of ' || year)
  FROM calendar_years;
SELECT pg_temp.ordinals_consistent('as migrated');

-- Cross-check: for every date from 2018-12-29 to 2026-12-31, ca_is_workday() and ca_is_workday_rel() equal the
-- README's formula, working(d) = workday row OR (Monday-Friday AND NOT holiday row), computed from the CSV rows.
SELECT pg_temp.eq((SELECT count(*) FROM calendar_ordinals)::int, 2925, 'covered dates 2018-12-29..2026-12-31');
SELECT pg_temp.ok(false, format('%s: ca_is_workday %s, ca_is_workday_rel %s, formula %s', g.day,
                                ca_is_workday(g.day), r.working, f.working))
  FROM (SELECT g::date AS day FROM generate_series(date '2018-12-29', date '2026-12-31', interval '1 day') g) g
  CROSS JOIN LATERAL ca_is_workday_rel(g.day) r
  CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM csv_rows c WHERE c."date" = g.day AND c.kind = 'workday')
                             OR (extract(isodow FROM g.day) < 6
                                 AND NOT EXISTS (SELECT 1 FROM csv_rows c
                                                  WHERE c."date" = g.day AND c.kind = 'holiday')) AS working) f
 WHERE ca_is_workday(g.day) IS DISTINCT FROM f.working OR r.working IS DISTINCT FROM f.working;

-- ---- Spot checks of the README ----------------------------------------------------------------------------------

CREATE TEMP TABLE spot (day date, kind text, working boolean);
INSERT INTO spot VALUES
  -- 2022 National Day: 1-7 October holiday, Saturday 8 and Sunday 9 October worked.
  ('2022-10-01', 'holiday', false), ('2022-10-02', 'holiday', false), ('2022-10-03', 'holiday', false),
  ('2022-10-04', 'holiday', false), ('2022-10-05', 'holiday', false), ('2022-10-06', 'holiday', false),
  ('2022-10-07', 'holiday', false), ('2022-10-08', 'workday', true), ('2022-10-09', 'workday', true),
  -- 2022 Spring Festival: 31 January-6 February holiday, Saturday 29 and Sunday 30 January worked.
  ('2022-01-29', 'workday', true), ('2022-01-30', 'workday', true), ('2022-01-31', 'holiday', false),
  ('2022-02-01', 'holiday', false), ('2022-02-02', 'holiday', false), ('2022-02-03', 'holiday', false),
  ('2022-02-04', 'holiday', false), ('2022-02-05', 'holiday', false), ('2022-02-06', 'holiday', false),
  -- 2022 Qingming: 3-5 April holiday, Saturday 2 April worked.
  ('2022-04-02', 'workday', true), ('2022-04-03', 'holiday', false), ('2022-04-04', 'holiday', false),
  ('2022-04-05', 'holiday', false),
  -- 2018-12-29 (Saturday) worked, 2018-12-31 (Monday) not: both from the 2019 notice.
  ('2018-12-29', 'workday', true), ('2018-12-31', 'holiday', false),
  -- 2020-02-01 (Saturday): the make-up day was cancelled by the Spring Festival extension.
  ('2020-02-01', 'holiday', false),
  -- 2020-02-03 (Monday): work resumed, an ordinary working day without a row.
  ('2020-02-03', NULL, true),
  -- 2024-02-09 (Friday, 除夕): a working day without a row.
  ('2024-02-09', NULL, true),
  -- 2026: Saturdays 14 and 28 February worked, Monday 23 February not.
  ('2026-02-14', 'workday', true), ('2026-02-28', 'workday', true), ('2026-02-23', 'holiday', false),
  -- Ordinary days without rows: a Wednesday works, a Sunday does not.
  ('2023-03-15', NULL, true), ('2023-03-19', NULL, false);
SELECT pg_temp.eq(d.kind, s.kind, 'row kind of ' || s.day),
       pg_temp.eq(ca_is_workday(s.day), s.working, 'ca_is_workday(' || s.day || ')')
  FROM spot s LEFT JOIN calendar_days d USING (day);
SELECT pg_temp.eq((SELECT year FROM calendar_days WHERE day = '2018-12-29'), 2019, '2018-12-29 is the 2019 notice''s');
SELECT pg_temp.eq((SELECT year FROM calendar_days WHERE day = '2022-12-31'), 2023, '2022-12-31 is the 2023 notice''s');

-- ---- ca_add_workdays ----------------------------------------------------------------------------------------------

CREATE TEMP TABLE adds (d date, n int, want date, why text);
INSERT INTO adds VALUES
  ('2022-09-30', 1, '2022-10-08', 'Friday before National Day: the next working day is make-up Saturday 8 Oct'),
  ('2022-09-30', 2, '2022-10-09', 'then make-up Sunday 9 Oct'),
  ('2022-09-30', 3, '2022-10-10', 'then Monday 10 Oct'),
  ('2022-09-29', 7, '2022-10-13', '7 working days from Thursday 29 Sep: 30 Sep, 8, 9, 10, 11, 12, 13 Oct'),
  ('2022-09-26', 7, '2022-10-10', '7 working days from Monday 26 Sep: 27-30 Sep, 8, 9, 10 Oct'),
  ('2022-03-24', 5, '2022-03-31', 'Thursday + 5 across a weekend'),
  ('2022-03-25', 1, '2022-03-28', 'Friday + 1 is Monday'),
  ('2022-03-26', 1, '2022-03-28', 'Saturday + 1 is Monday'),
  ('2022-03-25', 0, '2022-03-25', 'n = 0 on a working day is the day itself'),
  ('2022-03-26', 0, '2022-03-28', 'n = 0 on a Saturday rolls forward to Monday'),
  ('2022-10-01', 0, '2022-10-08', 'n = 0 in a holiday rolls forward to the make-up Saturday'),
  ('2022-10-01', 1, '2022-10-08', 'n = 1 from a holiday is the same day as n = 0'),
  ('2018-12-29', 0, '2018-12-29', 'first covered date, a make-up Saturday'),
  ('2018-12-29', 1, '2019-01-02', 'across 元旦 2019, from the 2019 notice''s December days'),
  ('2022-12-30', 1, '2023-01-03', 'across 元旦 2023, whose first day 2022-12-31 is in the 2023 notice'),
  ('2023-12-29', 1, '2024-01-02', 'across 元旦 2024 (30 Dec - 1 Jan)'),
  ('2020-01-23', 1, '2020-02-03', 'across the extended Spring Festival 2020'),
  ('2024-02-08', 1, '2024-02-09', '除夕 2024 is a working day'),
  ('2024-02-09', 1, '2024-02-18', 'then make-up Sunday 18 Feb'),
  ('2026-02-13', 1, '2026-02-14', 'make-up Saturday 14 Feb 2026'),
  ('2026-02-14', 1, '2026-02-24', 'Spring Festival 15-23 Feb 2026'),
  ('2026-12-24', 5, '2026-12-31', 'the last covered date');
SELECT pg_temp.eq(ca_add_workdays(d, n), want, format('ca_add_workdays(%s, %s): %s', d, n, why)),
       pg_temp.eq(r.day, want, format('ca_add_workdays_rel(%s, %s): %s', d, n, why))
  FROM adds CROSS JOIN LATERAL ca_add_workdays_rel(d, n) r;

-- Against a brute-force count from the CSV formula, for every start date and n in 0..25 whose result is covered:
-- the n-th working day after d (n >= 1), or d rolled forward to a working day (n = 0).
CREATE TEMP TABLE naive AS
  SELECT g::date AS day,
         EXISTS (SELECT 1 FROM csv_rows c WHERE c."date" = g::date AND c.kind = 'workday')
         OR (extract(isodow FROM g) < 6
             AND NOT EXISTS (SELECT 1 FROM csv_rows c WHERE c."date" = g::date AND c.kind = 'holiday')) AS working
    FROM generate_series(date '2018-12-29', date '2026-12-31', interval '1 day') g;
CREATE TEMP TABLE naive_wd AS SELECT day, row_number() OVER (ORDER BY day)::int AS k FROM naive WHERE working;
CREATE INDEX ON naive_wd (day);
CREATE INDEX ON naive_wd (k);
ANALYZE naive;
ANALYZE naive_wd;
SELECT pg_temp.ok(false, format('ca_add_workdays(%s, %s) = %s, brute force %s', s.day, n, r.day, w.day))
  FROM naive s
  CROSS JOIN generate_series(0, 25) n
  -- the first working day after s, or from s on when n = 0
  CROSS JOIN LATERAL (SELECT x.k AS k0 FROM naive_wd x
                       WHERE x.day >= s.day + CASE WHEN n = 0 THEN 0 ELSE 1 END ORDER BY x.day LIMIT 1) f
  JOIN naive_wd w ON w.k = f.k0 + greatest(n, 1) - 1
  CROSS JOIN LATERAL ca_add_workdays_rel(s.day, n) r
 WHERE s.day <= date '2026-11-15'
   AND r.day IS DISTINCT FROM w.day;
SELECT pg_temp.eq((SELECT count(*) FROM naive)::int, 2925, 'brute-force dates');

-- ---- ca_workdays_between ------------------------------------------------------------------------------------------

SELECT pg_temp.eq(ca_workdays_between(a, b), want, format('ca_workdays_between(%s, %s)', a, b)),
       pg_temp.eq(ca_workdays_between(b, a), -want, format('ca_workdays_between(%s, %s)', b, a)),
       pg_temp.eq(r.workdays, want, format('ca_workdays_between_rel(%s, %s)', a, b))
  FROM (VALUES (date '2022-09-30', date '2022-10-08', 1),   -- only the make-up Saturday
               (date '2022-09-30', date '2022-10-07', 0),   -- all holiday
               (date '2022-09-29', date '2022-10-13', 7),
               (date '2022-03-24', date '2022-03-31', 5),
               (date '2022-03-25', date '2022-03-27', 0),   -- a weekend
               (date '2022-03-25', date '2022-03-28', 1),
               (date '2022-03-26', date '2022-03-26', 0),
               (date '2022-03-25', date '2022-03-25', 0),
               (date '2018-12-29', date '2026-12-31', 1994), -- 1995 working days, the first one excluded
               -- 2022 (1 January a holiday): 260 weekdays - 18 weekdays off + 7 make-up weekend days
               (date '2022-01-01', date '2022-12-31', 249))
       v (a, b, want)
  CROSS JOIN LATERAL ca_workdays_between_rel(a, b) r;
-- For every date and n in 1..25: exactly n working days lie in (d, ca_add_workdays(d, n)], and n - 1 in
-- (d, ca_add_workdays(d, n) - 1]; ca_workdays_between is antisymmetric.
SELECT pg_temp.ok(false, format('d=%s n=%s due=%s between=%s before=%s reverse=%s', s.day, n, due.day, b1.workdays,
                                b2.workdays, b3.workdays))
  FROM naive s
  CROSS JOIN generate_series(1, 25) n
  CROSS JOIN LATERAL ca_add_workdays_rel(s.day, n) due
  CROSS JOIN LATERAL ca_workdays_between_rel(s.day, due.day) b1
  CROSS JOIN LATERAL ca_workdays_between_rel(s.day, due.day - 1) b2
  CROSS JOIN LATERAL ca_workdays_between_rel(due.day, s.day) b3
 WHERE s.day <= date '2026-11-15'
   AND (b1.workdays <> n OR b2.workdays <> n - 1 OR b3.workdays <> -n);

-- ---- NULLs, bad arguments, uncovered dates --------------------------------------------------------------------

SELECT pg_temp.ok(ca_is_workday(NULL) IS NULL AND ca_add_workdays(NULL, 1) IS NULL
                  AND ca_add_workdays('2022-01-04', NULL) IS NULL AND ca_workdays_between(NULL, '2022-01-04') IS NULL
                  AND ca_workdays_between('2022-01-04', NULL) IS NULL, 'NULL in, NULL out');
SELECT pg_temp.ok((SELECT count(*) FROM ca_add_workdays_rel(NULL, 1) r WHERE r.day IS NULL) = 1,
                  'a relation form gives one NULL row for NULL input');
SELECT pg_temp.fails($$SELECT ca_add_workdays('2022-01-04', -1)$$, '22023', 'must be >= 0');
SELECT pg_temp.fails($$SELECT ca_is_workday('2027-03-01')$$, 'CA001',
                     'working-day calendar has no data for 2027 (load it with: caseaudit calendar load FILE)');
SELECT pg_temp.fails($$SELECT ca_is_workday('2018-06-01')$$, 'CA001', 'no data for 2018');
SELECT pg_temp.fails($$SELECT ca_is_workday('2018-12-28')$$, 'CA001', 'no data for 2018');
SELECT pg_temp.fails($$SELECT ca_add_workdays('2027-03-01', 1)$$, 'CA001', 'no data for 2027');
SELECT pg_temp.fails($$SELECT ca_add_workdays('2018-06-01', 0)$$, 'CA001', 'no data for 2018');
SELECT pg_temp.fails($$SELECT ca_add_workdays('2026-12-24', 6)$$, 'CA001', 'no data for 2027');
SELECT pg_temp.fails($$SELECT ca_workdays_between('2018-06-01', '2022-01-04')$$, 'CA001', 'no data for 2018');
SELECT pg_temp.fails($$SELECT ca_workdays_between('2022-01-04', '2027-03-01')$$, 'CA001', 'no data for 2027');
SELECT pg_temp.fails($$SELECT ca_workdays_between('2027-03-01', '2022-01-04')$$, 'CA001', 'no data for 2027');
SELECT pg_temp.fails($$SELECT ca_is_workday('infinity')$$, 'CA001', 'no data for infinity');
-- The relation forms raise too, also in the middle of a set; a NULL row does not.
SELECT pg_temp.fails($$SELECT count(r.day) FROM (VALUES (date '2022-01-04'), (NULL), (date '2027-03-01')) v (d)
                       CROSS JOIN LATERAL ca_add_workdays_rel(v.d, 3) r$$, 'CA001', 'no data for 2027');
SELECT pg_temp.fails($$SELECT count(r.workdays) FROM (VALUES (date '2018-06-01')) v (d)
                       CROSS JOIN LATERAL ca_workdays_between_rel(v.d, date '2022-01-04') r$$, 'CA001', 'for 2018');
SELECT pg_temp.fails($$SELECT count(r.working) FROM (VALUES (date '2027-01-01')) v (d)
                       CROSS JOIN LATERAL ca_is_workday_rel(v.d) r$$, 'CA001', 'no data for 2027');
-- ca_calendar_gap never raises: it names the first uncovered date, or gives NULL.
SELECT pg_temp.eq(ca_calendar_gap(a, b), want, format('ca_calendar_gap(%s, %s)', a, b)),
       pg_temp.eq(ca_calendar_gap(b, a), want, format('ca_calendar_gap(%s, %s)', b, a)),
       pg_temp.eq(g.gap, want, format('ca_calendar_gap_rel(%s, %s)', a, b))
  FROM (VALUES (date '2018-12-29', date '2026-12-31', NULL::date),
               ('2022-03-01', '2022-03-01', NULL),
               ('2018-06-01', '2019-01-01', '2018-06-01'),
               ('2018-12-28', '2018-12-29', '2018-12-28'),
               ('2026-12-01', '2027-02-01', '2027-01-01'),
               ('2027-03-01', '2027-03-01', '2027-03-01'),
               ('2026-12-31', 'infinity', '2027-01-01'),
               (NULL, '2027-03-01', NULL),
               ('2027-03-01', NULL, NULL)) v (a, b, want)
  CROSS JOIN LATERAL ca_calendar_gap_rel(a, b) g;
-- The pattern docs/calendar.md gives for reporting a missing year per case instead of failing: pass NULL to the
-- working-day function where the gap check found one. Nothing raises, and each row has exactly one answer.
SELECT pg_temp.ok((g.gap IS NULL) = (w.workdays IS NOT NULL), format('gap %s, workdays %s', g.gap, w.workdays))
  FROM (VALUES (date '2018-06-01', date '2019-03-01'), ('2019-03-01', '2027-06-01'), ('2020-01-01', '2020-02-01'),
               ('2027-01-01', '2027-01-01'), ('2026-12-31', '2018-12-29'), ('2018-12-28', '2018-12-28')) v (a, b)
  CROSS JOIN LATERAL ca_calendar_gap_rel(a, b) g
  CROSS JOIN LATERAL ca_workdays_between_rel(CASE WHEN g.gap IS NULL THEN a END, b) w;

-- Planning alone never raises, even where the planner pre-evaluates constant expressions for its estimates.
DO $$
BEGIN
  EXECUTE $q$EXPLAIN SELECT * FROM calendar_days d CROSS JOIN LATERAL ca_add_workdays_rel('2026-12-24', 6) r
                      WHERE d.day < r.day$q$;
  EXECUTE $q$EXPLAIN SELECT * FROM calendar_days
                WHERE day < (SELECT r.day FROM ca_add_workdays_rel('2027-03-01', 1) r)$q$;
  EXECUTE $q$EXPLAIN SELECT * FROM calendar_days WHERE day < ca_add_workdays('2022-01-04', 3)$q$;
END $$;

-- The relation forms must be inlined, or set-based rules lose their speed: no function name in the plan.
DO $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE $q$EXPLAIN (VERBOSE, COSTS OFF)
                SELECT a.day, b.working, c.workdays, g.gap FROM calendar_days d
                  CROSS JOIN LATERAL ca_add_workdays_rel(d.day, 7) a
                  CROSS JOIN LATERAL ca_is_workday_rel(d.day) b
                  CROSS JOIN LATERAL ca_workdays_between_rel(d.day, d.day + 9) c
                  CROSS JOIN LATERAL ca_calendar_gap_rel(d.day, d.day + 9) g$q$
  LOOP
    PERFORM pg_temp.ok(line !~ '_rel|Function Scan', 'relation form not inlined: ' || line);
  END LOOP;
END $$;

-- ---- Loading a year -----------------------------------------------------------------------------------------------

-- A fake year 2028 first, leaving 2027 out: 2028 works on its own, nothing counts across the gap.
SELECT pg_temp.eq(ca_calendar_load_year(2028, '测试：2028年部分节假日安排', NULL, NULL, NULL,
                    '[{"date": "2028-01-01", "kind": "holiday", "name": "元旦"}]'), 1, 'load 2028');
SELECT pg_temp.ordinals_consistent('after loading 2028');
SELECT pg_temp.eq(ca_is_workday('2028-01-01'), false, '2028-01-01 (Saturday, holiday row)');
SELECT pg_temp.eq(ca_is_workday('2028-01-03'), true, '2028-01-03 (Monday)');
SELECT pg_temp.eq(ca_add_workdays('2028-01-01', 1), date '2028-01-03', 'within 2028');
SELECT pg_temp.fails($$SELECT ca_add_workdays('2026-12-30', 5)$$, 'CA001', 'no data for 2027');
SELECT pg_temp.fails($$SELECT ca_workdays_between('2026-12-30', '2028-01-05')$$, 'CA001', 'no data for 2027');
SELECT pg_temp.fails($$SELECT ca_workdays_between('2028-01-05', '2026-12-30')$$, 'CA001', 'no data for 2027');
SELECT pg_temp.fails($$SELECT ca_is_workday('2027-06-01')$$, 'CA001', 'no data for 2027');
SELECT pg_temp.eq(ca_calendar_gap('2026-12-30', '2028-01-05'), date '2027-01-01', 'the gap of 2027');
SELECT pg_temp.eq(ca_calendar_gap('2028-01-05', '2028-12-31'), NULL, 'no gap within 2028');

-- Then 2027, whose notice also lists 31 December 2026 (as the 2019 notice did for 2018): the gap closes, the
-- December date changes, and ordinals are rebuilt across all years.
SELECT pg_temp.eq(ca_is_workday('2026-12-31'), true, '2026-12-31 before the 2027 notice (provisional)');
SELECT pg_temp.eq(ca_calendar_load_year(2027, '测试：2027年部分节假日安排', '测试〔2026〕1号', '2026-11-01',
                    'https://www.gov.cn/example',
                    '[{"date": "2026-12-31", "kind": "holiday", "name": "元旦"},
                      {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
                      {"date": "2027-02-06", "kind": "workday", "name": "春节"},
                      {"date": "2027-02-08", "kind": "holiday", "name": "春节"},
                      {"date": "2027-02-09", "kind": "holiday", "name": "春节"}]'), 5, 'load 2027');
SELECT pg_temp.ordinals_consistent('after loading 2027');
SELECT pg_temp.eq(first_day, date '2026-12-31', 'first_day of 2027'),
       pg_temp.eq(last_day, date '2027-12-31', 'last_day of 2027'),
       pg_temp.eq(notice_no, '测试〔2026〕1号', 'notice_no of 2027')
  FROM calendar_years WHERE year = 2027;
SELECT pg_temp.eq((SELECT count(DISTINCT run_start) FROM calendar_ordinals)::int, 1, 'one unbroken run again');
SELECT pg_temp.eq(ca_calendar_gap('2018-12-29', '2028-12-31'), NULL, 'no gap 2018-12-29..2028-12-31');
SELECT pg_temp.eq(ca_is_workday('2026-12-31'), false, '2026-12-31 after the 2027 notice');
SELECT pg_temp.eq(ca_is_workday('2027-03-01'), true, '2027-03-01 (Monday)');
SELECT pg_temp.eq(ca_is_workday('2027-02-06'), true, '2027-02-06 (make-up Saturday)');
SELECT pg_temp.eq(ca_add_workdays('2026-12-30', 1), date '2027-01-04', 'across 元旦 2027');
SELECT pg_temp.eq(ca_add_workdays('2027-02-05', 2), date '2027-02-10', 'across the fake Spring Festival');
SELECT pg_temp.eq(ca_add_workdays('2026-12-24', 6), date '2027-01-05', 'the call that failed before 2027 was loaded');
-- (2026-12-30, 2028-01-05]: 0 + 2027 (261 weekdays - 3 off + 1 make-up) + 3 in 2028
SELECT pg_temp.eq(ca_workdays_between('2026-12-30', '2028-01-05'), 262, 'across 2027 into 2028');
-- Replacing 2027 drops its old rows and keeps the others.
SELECT pg_temp.eq(ca_calendar_load_year(2027, '测试：2027年部分节假日安排（修订）', '', NULL, NULL,
                    '[{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]'), 1, 'reload 2027');
SELECT pg_temp.ordinals_consistent('after reloading 2027');
SELECT pg_temp.eq((SELECT count(*) FROM calendar_days WHERE year = 2027)::int, 1, 'rows of 2027 after the reload');
SELECT pg_temp.eq((SELECT first_day FROM calendar_years WHERE year = 2027), date '2027-01-01', 'first_day after');
SELECT pg_temp.eq((SELECT notice_no FROM calendar_years WHERE year = 2027), NULL, 'blank notice_no is stored as NULL');
SELECT pg_temp.eq(ca_is_workday('2026-12-31'), true, '2026-12-31 after the 2027 reload');
SELECT pg_temp.eq(ca_is_workday('2027-02-06'), false, '2027-02-06 after the 2027 reload');
SELECT pg_temp.eq((SELECT count(*) FROM calendar_days WHERE year <= 2026)::int, 295, 'the real years are untouched');

-- Invalid input is rejected with 22023 and changes nothing.
SELECT pg_temp.fingerprint() AS before \gset
SELECT pg_temp.fails(format('SELECT ca_calendar_load_year(%L, %L, NULL, NULL, %L, %L)', y, title, url, rows),
                     '22023', msg)
  FROM (VALUES
    (2027, 't', NULL, '[{"date": "2027-01-06", "kind": "workday", "name": "春节"}]', 'is a Wednesday, not a Saturday'),
    (2027, 't', NULL, '[{"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
                        {"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]',
     'row 2: 2027-01-01 is listed twice'),
    (2027, 't', NULL, '[{"date": "2026-11-30", "kind": "holiday", "name": "x"}]',
     'is outside 2026-12-01 to 2027-12-31'),
    (2027, 't', NULL, '[{"date": "2028-01-01", "kind": "holiday", "name": "x"}]', 'is outside'),
    (2022, 't', NULL, '[{"date": "2022-12-31", "kind": "holiday", "name": "元旦"}]',
     '2022-12-31 is already listed by the 2023 notice'),
    (2027, 't', NULL, '[{"date": "2027/01/01", "kind": "holiday", "name": "x"}]', 'is not a date YYYY-MM-DD'),
    (2027, 't', NULL, '[{"date": "2027-02-30", "kind": "holiday", "name": "x"}]', 'is not a date YYYY-MM-DD'),
    (2027, 't', NULL, '[{"date": "2027-01-01", "kind": "rest", "name": "x"}]', 'kind must be holiday or workday'),
    (2027, 't', NULL, '[{"date": "2027-01-01", "kind": "holiday", "name": " "}]', 'name is blank'),
    (2027, 't', NULL, '[{"date": "2027-01-01", "kind": "holiday", "name": "' || repeat('节', 51) || '"}]',
     'longer than 50 characters'),
    (2027, repeat('t', 201), NULL, '[{"date": "2027-01-01", "kind": "holiday", "name": "x"}]', 'too long'),
    (2027, 't', 'https://' || repeat('x', 2000), '[{"date": "2027-01-01", "kind": "holiday", "name": "x"}]',
     'must be an http(s) URL'),
    (2027, 't', NULL, '[{"date": "2027-01-01", "kind": "holiday"}]', 'expected {"date", "kind", "name"}'),
    (2027, 't', NULL, '[{"date": "2027-01-01", "kind": "holiday", "name": "x", "extra": 1}]', 'expected'),
    (2027, 't', NULL, '[{"date": 20270101, "kind": "holiday", "name": "x"}]', 'expected'),
    (2027, 't', NULL, '[["2027-01-01", "holiday", "x"]]', 'expected'),
    (2027, 't', NULL, '[]', 'rows must be a non-empty JSON array'),
    (2027, 't', NULL, '{"date": "2027-01-01"}', 'rows must be a non-empty JSON array'),
    (2027, 't', NULL, 'null', 'rows must be a non-empty JSON array'),
    (2027, ' ', NULL, '[{"date": "2027-01-01", "kind": "holiday", "name": "x"}]', 'the notice title is required'),
    (2027, 't', 'ftp://x', '[{"date": "2027-01-01", "kind": "holiday", "name": "x"}]', 'must be an http(s) URL'),
    (1899, 't', NULL, '[{"date": "1899-01-01", "kind": "holiday", "name": "x"}]', 'year must be 1900..2999'),
    (NULL, 't', NULL, '[{"date": "2027-01-01", "kind": "holiday", "name": "x"}]', 'year must be 1900..2999'))
    v (y, title, url, rows, msg);
SELECT pg_temp.eq(pg_temp.fingerprint(), :'before', 'a rejected load changed nothing');
SELECT pg_temp.fails($$SELECT ca_calendar_load_year(2027, NULL, NULL, NULL, NULL,
                       '[{"date": "2027-01-01", "kind": "holiday", "name": "x"}]')$$, '22023', 'title is required');
SELECT pg_temp.fails($$SELECT ca_calendar_load_year(2027, 't', NULL, NULL, NULL, NULL)$$, '22023', 'rows must be');
SELECT pg_temp.eq(pg_temp.fingerprint(), :'before', 'a rejected load changed nothing');

-- The table constraints stop direct writes that would break the model.
SELECT pg_temp.fails($$INSERT INTO calendar_days VALUES ('2026-03-04', 'workday', 'x', 2026)$$, '23514', 'check');
SELECT pg_temp.fails($$INSERT INTO calendar_days VALUES ('2025-11-30', 'holiday', 'x', 2026)$$, '23514', 'check');
SELECT pg_temp.fails($$INSERT INTO calendar_days VALUES ('2026-03-04', 'off', 'x', 2026)$$, '23514', 'check');
SELECT pg_temp.fails($$INSERT INTO calendar_days VALUES ('2030-03-04', 'holiday', 'x', 2030)$$, '23503', 'foreign key');

-- ---- Timing (informational) -------------------------------------------------------------------------------------

CREATE TEMP TABLE bench AS  -- every date 2020-01-01..2025-12-31, scattered
  SELECT date '2020-01-01' + (i::bigint * 7919 % 2192)::int AS d FROM generate_series(1, 1000000) i;
ANALYZE bench;
DO $$
DECLARE
  t0 timestamptz := clock_timestamp();
  got bigint;
BEGIN
  SELECT count(r.day) INTO got FROM bench b CROSS JOIN LATERAL ca_add_workdays_rel(b.d, 7) r;
  PERFORM pg_temp.eq(got, 1000000::bigint, 'timed rows');
  RAISE NOTICE 'calendar: 1,000,000 x ca_add_workdays_rel(d, 7): % ms',
    round(extract(epoch FROM clock_timestamp() - t0) * 1000);
END $$;

ROLLBACK;
\o
\echo 'calendar tests passed'
