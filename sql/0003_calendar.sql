-- 0003: the PRC working-day calendar (national holiday arrangements 2019-2026) and the ca_* working-day functions.
--
-- 行政处罚法 art. 85: "二日""三日""五日""七日" are working days, statutory holidays excluded; make-up working days
-- (调休上班) are working days. A date d is a working day when
--     d has a 'workday' row  OR  (d is Monday-Friday AND d has no 'holiday' row).
-- Coverage: a date is covered when it lies in [first_day, last_day] of some loaded notice year. Any function that
-- needs an uncovered date raises SQLSTATE CA001 ("working-day calendar has no data for YYYY ..."); nothing here ever
-- falls back to counting weekdays. The last days of December of the newest loaded year are provisional: the next
-- year's notice may still move them (the 2019 notice did so for 29-31 December 2018). They are used as loaded.
-- docs/calendar.md explains the model, the sources and how to load a later year; sql/calendar/ holds the CSV files
-- this data was generated from.
--
-- Distributed PostgreSQL: all three tables are reference tables (small, replicated to every node). The only writers
-- are this migration and ca_calendar_load_year(); never write to them directly, because calendar_ordinals is derived.

-- One row per loaded notice year (the year the notice is for, not the year it was published).
CREATE TABLE calendar_years (
  year         int PRIMARY KEY CHECK (year BETWEEN 1900 AND 2999),
  notice_title text NOT NULL CHECK (btrim(notice_title) <> ''),
  notice_no    text,                                    -- 文号, e.g. 国办发明电〔2025〕7号
  published_on date,
  source_url   text,
  loaded_at    timestamptz NOT NULL DEFAULT now(),
  -- The dates this notice is authoritative for: 1 January (or the first December date the notice lists, when it
  -- lists any) to 31 December. Ranges of consecutive years overlap on such December dates; their rows win.
  first_day    date NOT NULL,
  last_day     date NOT NULL,
  CHECK (first_day BETWEEN make_date(year - 1, 12, 1) AND make_date(year, 1, 1)),
  CHECK (last_day = make_date(year, 12, 31))
);

-- The dated items of the notices: days off of a holiday period ('holiday', including the weekend days inside it)
-- and weekend days made working days ('workday'). Dates without a row follow the weekday rule.
CREATE TABLE calendar_days (
  day  date PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name text NOT NULL CHECK (btrim(name) <> ''),         -- the festival as the notice heads the item, e.g. 国庆节
  year int NOT NULL REFERENCES calendar_years,          -- the notice year that lists this date
  CHECK (kind = 'holiday' OR extract(isodow FROM day) IN (6, 7)),
  CHECK (day BETWEEN make_date(year - 1, 12, 1) AND make_date(year, 12, 31))
);

-- Derived from the two tables above by ca_calendar_rebuild(): one row per covered date. ordinal counts the working
-- days from the first covered date up to and including day, so the working days in (a, b] number
-- ordinal(b) - ordinal(a), and the k-th working day after d is the working day whose ordinal is ordinal(d) + k.
-- run_start..run_end is the unbroken stretch of covered dates holding day: two dates can be counted between only
-- when their run_start is equal (loaded years need not be consecutive), and run_end + 1 is the first uncovered
-- date after day. Ordinals are renumbered on every rebuild: never store them.
CREATE TABLE calendar_ordinals (
  day       date PRIMARY KEY,
  working   boolean NOT NULL,
  ordinal   int NOT NULL,
  run_start date NOT NULL,
  run_end   date NOT NULL
);
CREATE UNIQUE INDEX calendar_ordinals_working_ordinal ON calendar_ordinals (ordinal) WHERE working;

-- ---- Maintenance -------------------------------------------------------------------------------------------------

-- Recompute calendar_ordinals from calendar_years and calendar_days. Called by this migration and by
-- ca_calendar_load_year(); a few thousand rows, a few milliseconds.
CREATE FUNCTION ca_calendar_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  stray record;
BEGIN
  -- Every listed date must lie in its own notice's range; otherwise the range of years would not cover it.
  SELECT d.day, d.year, y.first_day INTO stray
    FROM calendar_days d JOIN calendar_years y USING (year)
   WHERE d.day NOT BETWEEN y.first_day AND y.last_day
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'calendar_days row % lies outside its notice year % (which starts on %)',
      stray.day, stray.year, stray.first_day USING ERRCODE = '23514';
  END IF;

  DELETE FROM calendar_ordinals;
  INSERT INTO calendar_ordinals (day, working, ordinal, run_start, run_end)
  SELECT day, working,
         count(*) FILTER (WHERE working) OVER (ORDER BY day),
         min(day) OVER (PARTITION BY grp),
         max(day) OVER (PARTITION BY grp)
    FROM (SELECT c.day,
                 coalesce(d.kind = 'workday', extract(isodow FROM c.day) < 6) AS working,
                 c.day - row_number() OVER (ORDER BY c.day)::int AS grp  -- constant within a run of dates
            FROM (SELECT DISTINCT g::date AS day
                    FROM calendar_years y, generate_series(y.first_day, y.last_day, interval '1 day') g) c
            LEFT JOIN calendar_days d ON d.day = c.day) s;
  -- The functions below look rows up by index; give the planner the real size at once.
  ANALYZE calendar_ordinals;
END $$;

-- ---- Coverage ----------------------------------------------------------------------------------------------------

-- The first date between a and b (inclusive, in either order) that no loaded notice covers; NULL when all are
-- covered or a or b is NULL. Never raises: rules use it to report a missing year per case instead of failing
-- (see docs/calendar.md). Scalar and relation form, as the working-day functions below.
CREATE FUNCTION ca_calendar_gap_rel(a date, b date) RETURNS TABLE (gap date)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN a IS NULL OR b IS NULL THEN NULL
              WHEN x.day IS NULL THEN least(a, b)
              WHEN x.run_end < greatest(a, b) THEN x.run_end + 1 END
    FROM (SELECT) AS one
    LEFT JOIN calendar_ordinals x ON x.day = least(a, b)
$$;

CREATE FUNCTION ca_calendar_gap(a date, b date) RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT r.gap FROM ca_calendar_gap_rel(a, b) r $$;

-- ---- Errors -------------------------------------------------------------------------------------------------------

-- Raise CA001 for the first uncovered date between a and b (in either order). Returns NULL when a or b is NULL.
-- The slow path of the working-day functions, reached only when their lookup found nothing; result only carries
-- the return type.
CREATE FUNCTION ca_calendar_raise_uncovered(a date, b date, result anyelement) RETURNS anyelement
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
  gap date := ca_calendar_gap(a, b);
  loaded text;
BEGIN
  IF a IS NULL OR b IS NULL THEN
    RETURN NULL;
  END IF;
  IF gap IS NULL THEN
    RAISE EXCEPTION 'working-day calendar: no uncovered date between % and %', least(a, b), greatest(a, b)
      USING ERRCODE = 'XX000', HINT = 'calendar_ordinals is stale or damaged: run SELECT ca_calendar_rebuild()';
  END IF;
  SELECT coalesce(string_agg(format('%s to %s', r.run_start, r.run_end), ', ' ORDER BY r.run_start), 'nothing')
    INTO loaded
    FROM (SELECT DISTINCT run_start, run_end FROM calendar_ordinals) r;
  RAISE EXCEPTION 'working-day calendar has no data for % (load it with: caseaudit calendar load FILE)',
    CASE WHEN isfinite(gap) THEN extract(year FROM gap)::text ELSE gap::text END
    USING ERRCODE = 'CA001',
          DETAIL = format('%s is not covered by a loaded holiday notice; covered: %s.', gap, loaded),
          HINT = 'FILE is the year''s holiday arrangement as CSV (date,kind,name); see docs/calendar.md.';
END $$;

-- Slow path of ca_add_workdays(): NULL for NULL input, 22023 for a negative count, else CA001.
CREATE FUNCTION ca_calendar_add_failed(d date, n int) RETURNS date
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
  IF d IS NULL OR n IS NULL THEN
    RETURN NULL;
  END IF;
  IF n < 0 THEN
    RAISE EXCEPTION 'ca_add_workdays: the number of working days must be >= 0, got %', n USING ERRCODE = '22023';
  END IF;
  RETURN ca_calendar_raise_uncovered(d, 'infinity', NULL::date);
END $$;

-- ---- Working-day functions ---------------------------------------------------------------------------------------
-- Each comes in two forms with the same meaning:
--   ca_is_workday(d), ca_add_workdays(d, n), ca_workdays_between(a, b): scalar, for single values and small sets.
--     PostgreSQL never inlines a scalar SQL function whose body reads a table, so each call costs ~10-16 us.
--   ca_is_workday_rel(d), ca_add_workdays_rel(d, n), ca_workdays_between_rel(a, b): one-row relations for set-based
--     rules, called as  CROSS JOIN LATERAL ca_add_workdays_rel(c.decided_on, 7) AS due  (then due.day). They are
--     inlined into the calling query (LANGUAGE sql, STABLE, not STRICT, one SELECT), which then probes the calendar
--     by index, memoized per distinct input when the input column has statistics: ~0.3-1 s per million rows
--     (~3.5-5 s without statistics) instead of ~9-16 s. docs/calendar.md has the figures and examples.
-- Every form returns exactly one value per call: NULL for NULL input, else the answer or an error. The error is a
-- COALESCE fallback reached only when the lookup found nothing; its arguments are wrapped in (SELECT ...) so that
-- the planner, which pre-evaluates stable functions of constants when it estimates selectivity, can never call it
-- at plan time.

-- Is d a working day? Raises CA001 when d is not covered.
CREATE FUNCTION ca_is_workday_rel(d date) RETURNS TABLE (working boolean)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(c.working, ca_calendar_raise_uncovered((SELECT d), (SELECT d), NULL::boolean))
    FROM (SELECT) AS one
    LEFT JOIN calendar_ordinals c ON c.day = d
$$;

-- The n-th working day after d, d itself not counted: the deadline of "within n working days of d" (a period
-- starts on the day after the event, 行政处罚法 art. 85, 民事诉讼法 art. 85). n = 0 gives d when d is a working day,
-- else the first working day after d (a date rolled forward to a working day). n < 0 raises 22023. Raises CA001
-- when d or any date up to the result is not covered.
CREATE FUNCTION ca_add_workdays_rel(d date, n int) RETURNS TABLE (day date)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(w.day, ca_calendar_add_failed((SELECT d), (SELECT n)))
    FROM (SELECT) AS one
    LEFT JOIN calendar_ordinals c ON c.day = d AND n >= 0
    LEFT JOIN calendar_ordinals w
           ON w.working
          AND w.ordinal = c.ordinal + n + CASE WHEN n = 0 AND NOT c.working THEN 1 ELSE 0 END
          AND w.run_start = c.run_start
$$;

-- The signed number of working days from a to b: when a <= b, the working days in (a, b] (a excluded, b included);
-- when b < a, minus the working days in (b, a]. So ca_workdays_between(a, a) = 0, ca_workdays_between(b, a) =
-- -ca_workdays_between(a, b), and for n >= 1: ca_workdays_between(a, b) >= n  <=>  b >= ca_add_workdays(a, n).
-- Raises CA001 when any date from a to b is not covered.
CREATE FUNCTION ca_workdays_between_rel(a date, b date) RETURNS TABLE (workdays int)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(y.ordinal - x.ordinal, ca_calendar_raise_uncovered((SELECT a), (SELECT b), NULL::int))
    FROM (SELECT) AS one
    LEFT JOIN calendar_ordinals x ON x.day = a
    LEFT JOIN calendar_ordinals y ON y.day = b AND y.run_start = x.run_start
$$;

CREATE FUNCTION ca_is_workday(d date) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT r.working FROM ca_is_workday_rel(d) r $$;

CREATE FUNCTION ca_add_workdays(d date, n int) RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT r.day FROM ca_add_workdays_rel(d, n) r $$;

CREATE FUNCTION ca_workdays_between(a date, b date) RETURNS int
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT r.workdays FROM ca_workdays_between_rel(a, b) r $$;

-- ---- Loading a notice year ---------------------------------------------------------------------------------------

-- Store (or replace) the holiday arrangement of one notice year and rebuild calendar_ordinals. rows is a JSON
-- array of {"date": "YYYY-MM-DD", "kind": "holiday"|"workday", "name": "..."}, the rows of a YYYY.csv file
-- (`caseaudit calendar load FILE` converts the file and passes the notice metadata from its flags). Validation:
-- rows is a non-empty array of objects with exactly those three string keys; dates are real ISO dates from
-- 1 December of year-1 to 31 December of year, each listed once and by no other loaded year; every 'workday' is a
-- Saturday or Sunday; names are non-blank, at most 50 characters; notice_title is non-blank (at most 200),
-- notice_no at most 100, source_url, if given, an http(s) URL. Any failure raises 22023 naming the row (1-based:
-- CSV line = row + 1) and changes nothing. Returns the number of
-- rows stored. Replacing a year keeps the other years' rows; first_day becomes the earliest December date listed,
-- else 1 January. Concurrent loads queue on a lock; readers are never blocked and see the old or the new calendar.
CREATE FUNCTION ca_calendar_load_year(year int, notice_title text, notice_no text, published_on date,
                                      source_url text, rows jsonb) RETURNS int
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  y     int := ca_calendar_load_year.year;
  lo    date;
  hi    date;
  r     record;
  d     date;
  taken record;
  seen  date[] := '{}';
BEGIN
  IF y IS NULL OR y NOT BETWEEN 1900 AND 2999 THEN
    RAISE EXCEPTION 'calendar load: year must be 1900..2999, got %', coalesce(y::text, 'NULL') USING ERRCODE = '22023';
  END IF;
  lo := make_date(y - 1, 12, 1);
  hi := make_date(y, 12, 31);
  IF btrim(coalesce(ca_calendar_load_year.notice_title, '')) = '' THEN
    RAISE EXCEPTION 'calendar load %: the notice title is required', y USING ERRCODE = '22023';
  END IF;
  IF length(ca_calendar_load_year.notice_title) > 200 OR length(ca_calendar_load_year.notice_no) > 100 THEN
    RAISE EXCEPTION 'calendar load %: notice title (max 200) or number (max 100) too long', y USING ERRCODE = '22023';
  END IF;
  IF length(ca_calendar_load_year.source_url) > 2000 OR ca_calendar_load_year.source_url !~ '^https?://\S+$' THEN
    RAISE EXCEPTION 'calendar load %: source_url must be an http(s) URL, got "%"', y,
      left(ca_calendar_load_year.source_url, 100) USING ERRCODE = '22023';
  END IF;
  IF jsonb_typeof(ca_calendar_load_year.rows) IS DISTINCT FROM 'array'
     OR jsonb_array_length(ca_calendar_load_year.rows) = 0 THEN
    RAISE EXCEPTION 'calendar load %: rows must be a non-empty JSON array', y USING ERRCODE = '22023';
  END IF;

  FOR r IN SELECT e.value AS v, e.ordinality AS i
             FROM jsonb_array_elements(ca_calendar_load_year.rows) WITH ORDINALITY e
  LOOP
    IF jsonb_typeof(r.v) IS DISTINCT FROM 'object'
       OR (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(r.v) k) IS DISTINCT FROM ARRAY['date', 'kind', 'name']
       OR jsonb_typeof(r.v->'date') <> 'string' OR jsonb_typeof(r.v->'kind') <> 'string'
       OR jsonb_typeof(r.v->'name') <> 'string' THEN
      RAISE EXCEPTION 'calendar load %, row %: expected {"date", "kind", "name"} as strings, got %', y, r.i,
        left(r.v::text, 200) USING ERRCODE = '22023';
    END IF;
    d := NULL;
    IF r.v->>'date' ~ '^\d{4}-\d{2}-\d{2}$' THEN
      BEGIN
        d := (r.v->>'date')::date;
      EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
        d := NULL;
      END;
    END IF;
    IF d IS NULL THEN
      RAISE EXCEPTION 'calendar load %, row %: "%" is not a date YYYY-MM-DD', y, r.i, left(r.v->>'date', 40)
        USING ERRCODE = '22023';
    END IF;
    IF d NOT BETWEEN lo AND hi THEN
      RAISE EXCEPTION 'calendar load %, row %: % is outside % to %', y, r.i, d, lo, hi USING ERRCODE = '22023';
    END IF;
    IF d = ANY (seen) THEN
      RAISE EXCEPTION 'calendar load %, row %: % is listed twice', y, r.i, d USING ERRCODE = '22023';
    END IF;
    seen := seen || d;
    IF r.v->>'kind' NOT IN ('holiday', 'workday') THEN
      RAISE EXCEPTION 'calendar load %, row %: kind must be holiday or workday, got "%"', y, r.i,
        left(r.v->>'kind', 40) USING ERRCODE = '22023';
    END IF;
    IF r.v->>'kind' = 'workday' AND extract(isodow FROM d) NOT IN (6, 7) THEN
      RAISE EXCEPTION 'calendar load %, row %: workday % is a %, not a Saturday or Sunday', y, r.i, d,
        trim(to_char(d, 'Day')) USING ERRCODE = '22023';
    END IF;
    IF btrim(r.v->>'name') = '' OR length(r.v->>'name') > 50 THEN
      RAISE EXCEPTION 'calendar load %, row %: name is blank or longer than 50 characters', y, r.i
        USING ERRCODE = '22023';
    END IF;
  END LOOP;

  -- One loader at a time (this lock conflicts with itself, not with readers).
  LOCK TABLE calendar_years IN SHARE ROW EXCLUSIVE MODE;
  SELECT c.day, c.year INTO taken FROM calendar_days c WHERE c.day = ANY (seen) AND c.year <> y LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'calendar load %: % is already listed by the % notice', y, taken.day, taken.year
      USING ERRCODE = '22023';
  END IF;

  INSERT INTO calendar_years (year, notice_title, notice_no, published_on, source_url, loaded_at,
                              first_day, last_day)
  VALUES (y, btrim(ca_calendar_load_year.notice_title), nullif(btrim(ca_calendar_load_year.notice_no), ''),
          ca_calendar_load_year.published_on, ca_calendar_load_year.source_url, now(),
          least(make_date(y, 1, 1), (SELECT min(x) FROM unnest(seen) x)), hi)
  ON CONFLICT (year) DO UPDATE
    SET notice_title = excluded.notice_title, notice_no = excluded.notice_no,
        published_on = excluded.published_on, source_url = excluded.source_url,
        loaded_at = excluded.loaded_at, first_day = excluded.first_day, last_day = excluded.last_day;
  DELETE FROM calendar_days c WHERE c.year = y;
  INSERT INTO calendar_days (day, kind, name, year)
  SELECT (e->>'date')::date, e->>'kind', btrim(e->>'name'), y
    FROM jsonb_array_elements(ca_calendar_load_year.rows) e;
  PERFORM ca_calendar_rebuild();
  RETURN cardinality(seen);
END $$;

-- ---- The notices 2019-2026 ---------------------------------------------------------------------------------------
-- Generated once from sql/calendar/YYYY.csv (identical to shared/domain/holidays/YYYY.csv); tests/sql/calendar.sql
-- checks that these rows equal the files. The trailing comment is the day of the week.

INSERT INTO calendar_years (year, notice_title, notice_no, published_on, source_url, first_day, last_day) VALUES
  (2019, '国务院办公厅关于2019年部分节假日安排的通知', '国办发明电〔2018〕15号', '2018-12-06',
   'http://www.gov.cn/zhengce/zhengceku/2018-12/06/content_5346276.htm', '2018-12-29', '2019-12-31'),
  (2020, '国务院办公厅关于2020年部分节假日安排的通知', '国办发明电〔2019〕16号', '2019-11-21',
   'http://www.gov.cn/zhengce/content/2019-11/21/content_5454164.htm', '2020-01-01', '2020-12-31'),
  (2021, '国务院办公厅关于2021年部分节假日安排的通知', '国办发明电〔2020〕27号', '2020-11-25',
   'http://www.gov.cn/zhengce/content/2020-11/25/content_5564127.htm', '2021-01-01', '2021-12-31'),
  (2022, '国务院办公厅关于2022年部分节假日安排的通知', '国办发明电〔2021〕11号', '2021-10-25',
   'http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm', '2022-01-01', '2022-12-31'),
  (2023, '国务院办公厅关于2023年部分节假日安排的通知', '国办发明电〔2022〕16号', '2022-12-08',
   'http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm', '2022-12-31', '2023-12-31'),
  (2024, '国务院办公厅关于2024年部分节假日安排的通知', '国办发明电〔2023〕7号', '2023-10-25',
   'https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm', '2023-12-30', '2024-12-31'),
  (2025, '国务院办公厅关于2025年部分节假日安排的通知', '国办发明电〔2024〕12号', '2024-11-12',
   'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm', '2025-01-01', '2025-12-31'),
  (2026, '国务院办公厅关于2026年部分节假日安排的通知', '国办发明电〔2025〕7号', '2025-11-04',
   'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm', '2026-01-01', '2026-12-31');

-- ------------------------------------------------------------------------------------------------------------------
-- 2019: 《国务院办公厅关于2019年部分节假日安排的通知》
--   国办发明电〔2018〕15号, signed 2018-12-04, published 2018-12-06
--   http://www.gov.cn/zhengce/zhengceku/2018-12/06/content_5346276.htm
-- 2019 (change): 《国务院办公厅关于调整2019年劳动节假期安排的通知》
--   国办发明电〔2019〕3号, signed 2019-03-22, published 2019-03-22
--   http://www.gov.cn/zhengce/content/2019-03/22/content_5375877.htm
-- Also lists 2018-12-29 (Sat, worked) and 2018-12-30/31 (元旦). Labour Day as changed by the second notice:
-- 1-4 May off, Sundays 28 April and 5 May worked.
-- 37 rows, as 2019.csv.
INSERT INTO calendar_days (day, kind, name, year) VALUES
  ('2018-12-29', 'workday', '元旦', 2019),          -- Sat
  ('2018-12-30', 'holiday', '元旦', 2019),          -- Sun
  ('2018-12-31', 'holiday', '元旦', 2019),          -- Mon
  ('2019-01-01', 'holiday', '元旦', 2019),          -- Tue
  ('2019-02-02', 'workday', '春节', 2019),          -- Sat
  ('2019-02-03', 'workday', '春节', 2019),          -- Sun
  ('2019-02-04', 'holiday', '春节', 2019),          -- Mon
  ('2019-02-05', 'holiday', '春节', 2019),          -- Tue
  ('2019-02-06', 'holiday', '春节', 2019),          -- Wed
  ('2019-02-07', 'holiday', '春节', 2019),          -- Thu
  ('2019-02-08', 'holiday', '春节', 2019),          -- Fri
  ('2019-02-09', 'holiday', '春节', 2019),          -- Sat
  ('2019-02-10', 'holiday', '春节', 2019),          -- Sun
  ('2019-04-05', 'holiday', '清明节', 2019),        -- Fri
  ('2019-04-06', 'holiday', '清明节', 2019),        -- Sat
  ('2019-04-07', 'holiday', '清明节', 2019),        -- Sun
  ('2019-04-28', 'workday', '劳动节', 2019),        -- Sun
  ('2019-05-01', 'holiday', '劳动节', 2019),        -- Wed
  ('2019-05-02', 'holiday', '劳动节', 2019),        -- Thu
  ('2019-05-03', 'holiday', '劳动节', 2019),        -- Fri
  ('2019-05-04', 'holiday', '劳动节', 2019),        -- Sat
  ('2019-05-05', 'workday', '劳动节', 2019),        -- Sun
  ('2019-06-07', 'holiday', '端午节', 2019),        -- Fri
  ('2019-06-08', 'holiday', '端午节', 2019),        -- Sat
  ('2019-06-09', 'holiday', '端午节', 2019),        -- Sun
  ('2019-09-13', 'holiday', '中秋节', 2019),        -- Fri
  ('2019-09-14', 'holiday', '中秋节', 2019),        -- Sat
  ('2019-09-15', 'holiday', '中秋节', 2019),        -- Sun
  ('2019-09-29', 'workday', '国庆节', 2019),        -- Sun
  ('2019-10-01', 'holiday', '国庆节', 2019),        -- Tue
  ('2019-10-02', 'holiday', '国庆节', 2019),        -- Wed
  ('2019-10-03', 'holiday', '国庆节', 2019),        -- Thu
  ('2019-10-04', 'holiday', '国庆节', 2019),        -- Fri
  ('2019-10-05', 'holiday', '国庆节', 2019),        -- Sat
  ('2019-10-06', 'holiday', '国庆节', 2019),        -- Sun
  ('2019-10-07', 'holiday', '国庆节', 2019),        -- Mon
  ('2019-10-12', 'workday', '国庆节', 2019);        -- Sat

-- ------------------------------------------------------------------------------------------------------------------
-- 2020: 《国务院办公厅关于2020年部分节假日安排的通知》
--   国办发明电〔2019〕16号, signed 2019-11-21, published 2019-11-21
--   http://www.gov.cn/zhengce/content/2019-11/21/content_5454164.htm
-- 2020 (change): 《国务院办公厅关于延长2020年春节假期的通知》
--   国办发明电〔2020〕1号, signed 2020-01-26, published 2020-01-27
--   http://www.gov.cn/zhengce/content/2020-01/27/content_5472352.htm
-- Spring Festival as extended by the second notice: 24 Jan - 2 Feb off; only Sunday 19 Jan stays a make-up
-- day (Saturday 1 Feb is a rest day); work resumed Monday 3 Feb, an ordinary working day with no row.
-- 36 rows, as 2020.csv.
INSERT INTO calendar_days (day, kind, name, year) VALUES
  ('2020-01-01', 'holiday', '元旦', 2020),          -- Wed
  ('2020-01-19', 'workday', '春节', 2020),          -- Sun
  ('2020-01-24', 'holiday', '春节', 2020),          -- Fri
  ('2020-01-25', 'holiday', '春节', 2020),          -- Sat
  ('2020-01-26', 'holiday', '春节', 2020),          -- Sun
  ('2020-01-27', 'holiday', '春节', 2020),          -- Mon
  ('2020-01-28', 'holiday', '春节', 2020),          -- Tue
  ('2020-01-29', 'holiday', '春节', 2020),          -- Wed
  ('2020-01-30', 'holiday', '春节', 2020),          -- Thu
  ('2020-01-31', 'holiday', '春节', 2020),          -- Fri
  ('2020-02-01', 'holiday', '春节', 2020),          -- Sat
  ('2020-02-02', 'holiday', '春节', 2020),          -- Sun
  ('2020-04-04', 'holiday', '清明节', 2020),        -- Sat
  ('2020-04-05', 'holiday', '清明节', 2020),        -- Sun
  ('2020-04-06', 'holiday', '清明节', 2020),        -- Mon
  ('2020-04-26', 'workday', '劳动节', 2020),        -- Sun
  ('2020-05-01', 'holiday', '劳动节', 2020),        -- Fri
  ('2020-05-02', 'holiday', '劳动节', 2020),        -- Sat
  ('2020-05-03', 'holiday', '劳动节', 2020),        -- Sun
  ('2020-05-04', 'holiday', '劳动节', 2020),        -- Mon
  ('2020-05-05', 'holiday', '劳动节', 2020),        -- Tue
  ('2020-05-09', 'workday', '劳动节', 2020),        -- Sat
  ('2020-06-25', 'holiday', '端午节', 2020),        -- Thu
  ('2020-06-26', 'holiday', '端午节', 2020),        -- Fri
  ('2020-06-27', 'holiday', '端午节', 2020),        -- Sat
  ('2020-06-28', 'workday', '端午节', 2020),        -- Sun
  ('2020-09-27', 'workday', '国庆节、中秋节', 2020),-- Sun
  ('2020-10-01', 'holiday', '国庆节、中秋节', 2020),-- Thu
  ('2020-10-02', 'holiday', '国庆节、中秋节', 2020),-- Fri
  ('2020-10-03', 'holiday', '国庆节、中秋节', 2020),-- Sat
  ('2020-10-04', 'holiday', '国庆节、中秋节', 2020),-- Sun
  ('2020-10-05', 'holiday', '国庆节、中秋节', 2020),-- Mon
  ('2020-10-06', 'holiday', '国庆节、中秋节', 2020),-- Tue
  ('2020-10-07', 'holiday', '国庆节、中秋节', 2020),-- Wed
  ('2020-10-08', 'holiday', '国庆节、中秋节', 2020),-- Thu
  ('2020-10-10', 'workday', '国庆节、中秋节', 2020);-- Sat

-- ------------------------------------------------------------------------------------------------------------------
-- 2021: 《国务院办公厅关于2021年部分节假日安排的通知》
--   国办发明电〔2020〕27号, signed 2020-11-25, published 2020-11-25
--   http://www.gov.cn/zhengce/content/2020-11/25/content_5564127.htm
-- 38 rows, as 2021.csv.
INSERT INTO calendar_days (day, kind, name, year) VALUES
  ('2021-01-01', 'holiday', '元旦', 2021),          -- Fri
  ('2021-01-02', 'holiday', '元旦', 2021),          -- Sat
  ('2021-01-03', 'holiday', '元旦', 2021),          -- Sun
  ('2021-02-07', 'workday', '春节', 2021),          -- Sun
  ('2021-02-11', 'holiday', '春节', 2021),          -- Thu
  ('2021-02-12', 'holiday', '春节', 2021),          -- Fri
  ('2021-02-13', 'holiday', '春节', 2021),          -- Sat
  ('2021-02-14', 'holiday', '春节', 2021),          -- Sun
  ('2021-02-15', 'holiday', '春节', 2021),          -- Mon
  ('2021-02-16', 'holiday', '春节', 2021),          -- Tue
  ('2021-02-17', 'holiday', '春节', 2021),          -- Wed
  ('2021-02-20', 'workday', '春节', 2021),          -- Sat
  ('2021-04-03', 'holiday', '清明节', 2021),        -- Sat
  ('2021-04-04', 'holiday', '清明节', 2021),        -- Sun
  ('2021-04-05', 'holiday', '清明节', 2021),        -- Mon
  ('2021-04-25', 'workday', '劳动节', 2021),        -- Sun
  ('2021-05-01', 'holiday', '劳动节', 2021),        -- Sat
  ('2021-05-02', 'holiday', '劳动节', 2021),        -- Sun
  ('2021-05-03', 'holiday', '劳动节', 2021),        -- Mon
  ('2021-05-04', 'holiday', '劳动节', 2021),        -- Tue
  ('2021-05-05', 'holiday', '劳动节', 2021),        -- Wed
  ('2021-05-08', 'workday', '劳动节', 2021),        -- Sat
  ('2021-06-12', 'holiday', '端午节', 2021),        -- Sat
  ('2021-06-13', 'holiday', '端午节', 2021),        -- Sun
  ('2021-06-14', 'holiday', '端午节', 2021),        -- Mon
  ('2021-09-18', 'workday', '中秋节', 2021),        -- Sat
  ('2021-09-19', 'holiday', '中秋节', 2021),        -- Sun
  ('2021-09-20', 'holiday', '中秋节', 2021),        -- Mon
  ('2021-09-21', 'holiday', '中秋节', 2021),        -- Tue
  ('2021-09-26', 'workday', '国庆节', 2021),        -- Sun
  ('2021-10-01', 'holiday', '国庆节', 2021),        -- Fri
  ('2021-10-02', 'holiday', '国庆节', 2021),        -- Sat
  ('2021-10-03', 'holiday', '国庆节', 2021),        -- Sun
  ('2021-10-04', 'holiday', '国庆节', 2021),        -- Mon
  ('2021-10-05', 'holiday', '国庆节', 2021),        -- Tue
  ('2021-10-06', 'holiday', '国庆节', 2021),        -- Wed
  ('2021-10-07', 'holiday', '国庆节', 2021),        -- Thu
  ('2021-10-09', 'workday', '国庆节', 2021);        -- Sat

-- ------------------------------------------------------------------------------------------------------------------
-- 2022: 《国务院办公厅关于2022年部分节假日安排的通知》
--   国办发明电〔2021〕11号, signed 2021-10-25, published 2021-10-25
--   http://www.gov.cn/zhengce/zhengceku/2021-10/25/content_5644835.htm
-- 38 rows, as 2022.csv.
INSERT INTO calendar_days (day, kind, name, year) VALUES
  ('2022-01-01', 'holiday', '元旦', 2022),          -- Sat
  ('2022-01-02', 'holiday', '元旦', 2022),          -- Sun
  ('2022-01-03', 'holiday', '元旦', 2022),          -- Mon
  ('2022-01-29', 'workday', '春节', 2022),          -- Sat
  ('2022-01-30', 'workday', '春节', 2022),          -- Sun
  ('2022-01-31', 'holiday', '春节', 2022),          -- Mon
  ('2022-02-01', 'holiday', '春节', 2022),          -- Tue
  ('2022-02-02', 'holiday', '春节', 2022),          -- Wed
  ('2022-02-03', 'holiday', '春节', 2022),          -- Thu
  ('2022-02-04', 'holiday', '春节', 2022),          -- Fri
  ('2022-02-05', 'holiday', '春节', 2022),          -- Sat
  ('2022-02-06', 'holiday', '春节', 2022),          -- Sun
  ('2022-04-02', 'workday', '清明节', 2022),        -- Sat
  ('2022-04-03', 'holiday', '清明节', 2022),        -- Sun
  ('2022-04-04', 'holiday', '清明节', 2022),        -- Mon
  ('2022-04-05', 'holiday', '清明节', 2022),        -- Tue
  ('2022-04-24', 'workday', '劳动节', 2022),        -- Sun
  ('2022-04-30', 'holiday', '劳动节', 2022),        -- Sat
  ('2022-05-01', 'holiday', '劳动节', 2022),        -- Sun
  ('2022-05-02', 'holiday', '劳动节', 2022),        -- Mon
  ('2022-05-03', 'holiday', '劳动节', 2022),        -- Tue
  ('2022-05-04', 'holiday', '劳动节', 2022),        -- Wed
  ('2022-05-07', 'workday', '劳动节', 2022),        -- Sat
  ('2022-06-03', 'holiday', '端午节', 2022),        -- Fri
  ('2022-06-04', 'holiday', '端午节', 2022),        -- Sat
  ('2022-06-05', 'holiday', '端午节', 2022),        -- Sun
  ('2022-09-10', 'holiday', '中秋节', 2022),        -- Sat
  ('2022-09-11', 'holiday', '中秋节', 2022),        -- Sun
  ('2022-09-12', 'holiday', '中秋节', 2022),        -- Mon
  ('2022-10-01', 'holiday', '国庆节', 2022),        -- Sat
  ('2022-10-02', 'holiday', '国庆节', 2022),        -- Sun
  ('2022-10-03', 'holiday', '国庆节', 2022),        -- Mon
  ('2022-10-04', 'holiday', '国庆节', 2022),        -- Tue
  ('2022-10-05', 'holiday', '国庆节', 2022),        -- Wed
  ('2022-10-06', 'holiday', '国庆节', 2022),        -- Thu
  ('2022-10-07', 'holiday', '国庆节', 2022),        -- Fri
  ('2022-10-08', 'workday', '国庆节', 2022),        -- Sat
  ('2022-10-09', 'workday', '国庆节', 2022);        -- Sun

-- ------------------------------------------------------------------------------------------------------------------
-- 2023: 《国务院办公厅关于2023年部分节假日安排的通知》
--   国办发明电〔2022〕16号, signed 2022-12-08, published 2022-12-08
--   http://www.gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm
-- Also lists 2022-12-31 (元旦).
-- 34 rows, as 2023.csv.
INSERT INTO calendar_days (day, kind, name, year) VALUES
  ('2022-12-31', 'holiday', '元旦', 2023),          -- Sat
  ('2023-01-01', 'holiday', '元旦', 2023),          -- Sun
  ('2023-01-02', 'holiday', '元旦', 2023),          -- Mon
  ('2023-01-21', 'holiday', '春节', 2023),          -- Sat
  ('2023-01-22', 'holiday', '春节', 2023),          -- Sun
  ('2023-01-23', 'holiday', '春节', 2023),          -- Mon
  ('2023-01-24', 'holiday', '春节', 2023),          -- Tue
  ('2023-01-25', 'holiday', '春节', 2023),          -- Wed
  ('2023-01-26', 'holiday', '春节', 2023),          -- Thu
  ('2023-01-27', 'holiday', '春节', 2023),          -- Fri
  ('2023-01-28', 'workday', '春节', 2023),          -- Sat
  ('2023-01-29', 'workday', '春节', 2023),          -- Sun
  ('2023-04-05', 'holiday', '清明节', 2023),        -- Wed
  ('2023-04-23', 'workday', '劳动节', 2023),        -- Sun
  ('2023-04-29', 'holiday', '劳动节', 2023),        -- Sat
  ('2023-04-30', 'holiday', '劳动节', 2023),        -- Sun
  ('2023-05-01', 'holiday', '劳动节', 2023),        -- Mon
  ('2023-05-02', 'holiday', '劳动节', 2023),        -- Tue
  ('2023-05-03', 'holiday', '劳动节', 2023),        -- Wed
  ('2023-05-06', 'workday', '劳动节', 2023),        -- Sat
  ('2023-06-22', 'holiday', '端午节', 2023),        -- Thu
  ('2023-06-23', 'holiday', '端午节', 2023),        -- Fri
  ('2023-06-24', 'holiday', '端午节', 2023),        -- Sat
  ('2023-06-25', 'workday', '端午节', 2023),        -- Sun
  ('2023-09-29', 'holiday', '中秋节、国庆节', 2023),-- Fri
  ('2023-09-30', 'holiday', '中秋节、国庆节', 2023),-- Sat
  ('2023-10-01', 'holiday', '中秋节、国庆节', 2023),-- Sun
  ('2023-10-02', 'holiday', '中秋节、国庆节', 2023),-- Mon
  ('2023-10-03', 'holiday', '中秋节、国庆节', 2023),-- Tue
  ('2023-10-04', 'holiday', '中秋节、国庆节', 2023),-- Wed
  ('2023-10-05', 'holiday', '中秋节、国庆节', 2023),-- Thu
  ('2023-10-06', 'holiday', '中秋节、国庆节', 2023),-- Fri
  ('2023-10-07', 'workday', '中秋节、国庆节', 2023),-- Sat
  ('2023-10-08', 'workday', '中秋节、国庆节', 2023);-- Sun

-- ------------------------------------------------------------------------------------------------------------------
-- 2024: 《国务院办公厅关于2024年部分节假日安排的通知》
--   国办发明电〔2023〕7号, signed 2023-10-25, published 2023-10-25
--   https://www.gov.cn/zhengce/zhengceku/202310/content_6911528.htm
-- Also lists 2023-12-30/31 (元旦, weekend joined to 1 January). 2024-02-09 (除夕) is a working day, no row.
-- 40 rows, as 2024.csv.
INSERT INTO calendar_days (day, kind, name, year) VALUES
  ('2023-12-30', 'holiday', '元旦', 2024),          -- Sat
  ('2023-12-31', 'holiday', '元旦', 2024),          -- Sun
  ('2024-01-01', 'holiday', '元旦', 2024),          -- Mon
  ('2024-02-04', 'workday', '春节', 2024),          -- Sun
  ('2024-02-10', 'holiday', '春节', 2024),          -- Sat
  ('2024-02-11', 'holiday', '春节', 2024),          -- Sun
  ('2024-02-12', 'holiday', '春节', 2024),          -- Mon
  ('2024-02-13', 'holiday', '春节', 2024),          -- Tue
  ('2024-02-14', 'holiday', '春节', 2024),          -- Wed
  ('2024-02-15', 'holiday', '春节', 2024),          -- Thu
  ('2024-02-16', 'holiday', '春节', 2024),          -- Fri
  ('2024-02-17', 'holiday', '春节', 2024),          -- Sat
  ('2024-02-18', 'workday', '春节', 2024),          -- Sun
  ('2024-04-04', 'holiday', '清明节', 2024),        -- Thu
  ('2024-04-05', 'holiday', '清明节', 2024),        -- Fri
  ('2024-04-06', 'holiday', '清明节', 2024),        -- Sat
  ('2024-04-07', 'workday', '清明节', 2024),        -- Sun
  ('2024-04-28', 'workday', '劳动节', 2024),        -- Sun
  ('2024-05-01', 'holiday', '劳动节', 2024),        -- Wed
  ('2024-05-02', 'holiday', '劳动节', 2024),        -- Thu
  ('2024-05-03', 'holiday', '劳动节', 2024),        -- Fri
  ('2024-05-04', 'holiday', '劳动节', 2024),        -- Sat
  ('2024-05-05', 'holiday', '劳动节', 2024),        -- Sun
  ('2024-05-11', 'workday', '劳动节', 2024),        -- Sat
  ('2024-06-08', 'holiday', '端午节', 2024),        -- Sat
  ('2024-06-09', 'holiday', '端午节', 2024),        -- Sun
  ('2024-06-10', 'holiday', '端午节', 2024),        -- Mon
  ('2024-09-14', 'workday', '中秋节', 2024),        -- Sat
  ('2024-09-15', 'holiday', '中秋节', 2024),        -- Sun
  ('2024-09-16', 'holiday', '中秋节', 2024),        -- Mon
  ('2024-09-17', 'holiday', '中秋节', 2024),        -- Tue
  ('2024-09-29', 'workday', '国庆节', 2024),        -- Sun
  ('2024-10-01', 'holiday', '国庆节', 2024),        -- Tue
  ('2024-10-02', 'holiday', '国庆节', 2024),        -- Wed
  ('2024-10-03', 'holiday', '国庆节', 2024),        -- Thu
  ('2024-10-04', 'holiday', '国庆节', 2024),        -- Fri
  ('2024-10-05', 'holiday', '国庆节', 2024),        -- Sat
  ('2024-10-06', 'holiday', '国庆节', 2024),        -- Sun
  ('2024-10-07', 'holiday', '国庆节', 2024),        -- Mon
  ('2024-10-12', 'workday', '国庆节', 2024);        -- Sat

-- ------------------------------------------------------------------------------------------------------------------
-- 2025: 《国务院办公厅关于2025年部分节假日安排的通知》
--   国办发明电〔2024〕12号, signed 2024-11-12, published 2024-11-12
--   https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm
-- 33 rows, as 2025.csv.
INSERT INTO calendar_days (day, kind, name, year) VALUES
  ('2025-01-01', 'holiday', '元旦', 2025),          -- Wed
  ('2025-01-26', 'workday', '春节', 2025),          -- Sun
  ('2025-01-28', 'holiday', '春节', 2025),          -- Tue
  ('2025-01-29', 'holiday', '春节', 2025),          -- Wed
  ('2025-01-30', 'holiday', '春节', 2025),          -- Thu
  ('2025-01-31', 'holiday', '春节', 2025),          -- Fri
  ('2025-02-01', 'holiday', '春节', 2025),          -- Sat
  ('2025-02-02', 'holiday', '春节', 2025),          -- Sun
  ('2025-02-03', 'holiday', '春节', 2025),          -- Mon
  ('2025-02-04', 'holiday', '春节', 2025),          -- Tue
  ('2025-02-08', 'workday', '春节', 2025),          -- Sat
  ('2025-04-04', 'holiday', '清明节', 2025),        -- Fri
  ('2025-04-05', 'holiday', '清明节', 2025),        -- Sat
  ('2025-04-06', 'holiday', '清明节', 2025),        -- Sun
  ('2025-04-27', 'workday', '劳动节', 2025),        -- Sun
  ('2025-05-01', 'holiday', '劳动节', 2025),        -- Thu
  ('2025-05-02', 'holiday', '劳动节', 2025),        -- Fri
  ('2025-05-03', 'holiday', '劳动节', 2025),        -- Sat
  ('2025-05-04', 'holiday', '劳动节', 2025),        -- Sun
  ('2025-05-05', 'holiday', '劳动节', 2025),        -- Mon
  ('2025-05-31', 'holiday', '端午节', 2025),        -- Sat
  ('2025-06-01', 'holiday', '端午节', 2025),        -- Sun
  ('2025-06-02', 'holiday', '端午节', 2025),        -- Mon
  ('2025-09-28', 'workday', '国庆节、中秋节', 2025),-- Sun
  ('2025-10-01', 'holiday', '国庆节、中秋节', 2025),-- Wed
  ('2025-10-02', 'holiday', '国庆节、中秋节', 2025),-- Thu
  ('2025-10-03', 'holiday', '国庆节、中秋节', 2025),-- Fri
  ('2025-10-04', 'holiday', '国庆节、中秋节', 2025),-- Sat
  ('2025-10-05', 'holiday', '国庆节、中秋节', 2025),-- Sun
  ('2025-10-06', 'holiday', '国庆节、中秋节', 2025),-- Mon
  ('2025-10-07', 'holiday', '国庆节、中秋节', 2025),-- Tue
  ('2025-10-08', 'holiday', '国庆节、中秋节', 2025),-- Wed
  ('2025-10-11', 'workday', '国庆节、中秋节', 2025);-- Sat

-- ------------------------------------------------------------------------------------------------------------------
-- 2026: 《国务院办公厅关于2026年部分节假日安排的通知》
--   国办发明电〔2025〕7号, signed 2025-11-04, published 2025-11-04
--   https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm
-- 39 rows, as 2026.csv.
INSERT INTO calendar_days (day, kind, name, year) VALUES
  ('2026-01-01', 'holiday', '元旦', 2026),          -- Thu
  ('2026-01-02', 'holiday', '元旦', 2026),          -- Fri
  ('2026-01-03', 'holiday', '元旦', 2026),          -- Sat
  ('2026-01-04', 'workday', '元旦', 2026),          -- Sun
  ('2026-02-14', 'workday', '春节', 2026),          -- Sat
  ('2026-02-15', 'holiday', '春节', 2026),          -- Sun
  ('2026-02-16', 'holiday', '春节', 2026),          -- Mon
  ('2026-02-17', 'holiday', '春节', 2026),          -- Tue
  ('2026-02-18', 'holiday', '春节', 2026),          -- Wed
  ('2026-02-19', 'holiday', '春节', 2026),          -- Thu
  ('2026-02-20', 'holiday', '春节', 2026),          -- Fri
  ('2026-02-21', 'holiday', '春节', 2026),          -- Sat
  ('2026-02-22', 'holiday', '春节', 2026),          -- Sun
  ('2026-02-23', 'holiday', '春节', 2026),          -- Mon
  ('2026-02-28', 'workday', '春节', 2026),          -- Sat
  ('2026-04-04', 'holiday', '清明节', 2026),        -- Sat
  ('2026-04-05', 'holiday', '清明节', 2026),        -- Sun
  ('2026-04-06', 'holiday', '清明节', 2026),        -- Mon
  ('2026-05-01', 'holiday', '劳动节', 2026),        -- Fri
  ('2026-05-02', 'holiday', '劳动节', 2026),        -- Sat
  ('2026-05-03', 'holiday', '劳动节', 2026),        -- Sun
  ('2026-05-04', 'holiday', '劳动节', 2026),        -- Mon
  ('2026-05-05', 'holiday', '劳动节', 2026),        -- Tue
  ('2026-05-09', 'workday', '劳动节', 2026),        -- Sat
  ('2026-06-19', 'holiday', '端午节', 2026),        -- Fri
  ('2026-06-20', 'holiday', '端午节', 2026),        -- Sat
  ('2026-06-21', 'holiday', '端午节', 2026),        -- Sun
  ('2026-09-20', 'workday', '国庆节', 2026),        -- Sun
  ('2026-09-25', 'holiday', '中秋节', 2026),        -- Fri
  ('2026-09-26', 'holiday', '中秋节', 2026),        -- Sat
  ('2026-09-27', 'holiday', '中秋节', 2026),        -- Sun
  ('2026-10-01', 'holiday', '国庆节', 2026),        -- Thu
  ('2026-10-02', 'holiday', '国庆节', 2026),        -- Fri
  ('2026-10-03', 'holiday', '国庆节', 2026),        -- Sat
  ('2026-10-04', 'holiday', '国庆节', 2026),        -- Sun
  ('2026-10-05', 'holiday', '国庆节', 2026),        -- Mon
  ('2026-10-06', 'holiday', '国庆节', 2026),        -- Tue
  ('2026-10-07', 'holiday', '国庆节', 2026),        -- Wed
  ('2026-10-10', 'workday', '国庆节', 2026);        -- Sat

-- ---- Derived data ----------------------------------------------------------------------------------------------

SELECT ca_calendar_rebuild();
