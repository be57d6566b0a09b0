-- sql/engine/calendar.sql: The working-day calendar: coverage, working-day arithmetic, loading a year (tables and
-- data: sql/0003_calendar.sql). Engine file: one current definition of each function, applied by `caseaudit migrate`
-- after the numbered migrations and again whenever this file changes (its SHA-256 is recorded in schema_engine; see
-- docs/schema.md). CREATE OR REPLACE only: it runs on new databases and on databases that have it already.

-- Recompute calendar_ordinals from calendar_years and calendar_days. Called by this migration and by
-- ca_calendar_load_year(); a few thousand rows, a few milliseconds.
CREATE OR REPLACE FUNCTION ca_calendar_rebuild() RETURNS void
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

-- The first date between a and b (inclusive, in either order) that no loaded notice covers; NULL when all are
-- covered or a or b is NULL. Never raises: rules use it to report a missing year per case instead of failing
-- (see docs/calendar.md). Scalar and relation form, as the working-day functions below.
CREATE OR REPLACE FUNCTION ca_calendar_gap_rel(a date, b date) RETURNS TABLE (gap date)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN a IS NULL OR b IS NULL THEN NULL
              WHEN x.day IS NULL THEN least(a, b)
              WHEN x.run_end < greatest(a, b) THEN x.run_end + 1 END
    FROM (SELECT) AS one
    LEFT JOIN calendar_ordinals x ON x.day = least(a, b)
$$;

CREATE OR REPLACE FUNCTION ca_calendar_gap(a date, b date) RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT r.gap FROM ca_calendar_gap_rel(a, b) r $$;

-- Raise CA001 for the first uncovered date between a and b (in either order). Returns NULL when a or b is NULL.
-- The slow path of the working-day functions, reached only when their lookup found nothing; result only carries
-- the return type.
CREATE OR REPLACE FUNCTION ca_calendar_raise_uncovered(a date, b date, result anyelement) RETURNS anyelement
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
CREATE OR REPLACE FUNCTION ca_calendar_add_failed(d date, n int) RETURNS date
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

-- Is d a working day? Raises CA001 when d is not covered.
CREATE OR REPLACE FUNCTION ca_is_workday_rel(d date) RETURNS TABLE (working boolean)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(c.working, ca_calendar_raise_uncovered((SELECT d), (SELECT d), NULL::boolean))
    FROM (SELECT) AS one
    LEFT JOIN calendar_ordinals c ON c.day = d
$$;

-- The n-th working day after d, d itself not counted: the deadline of "within n working days of d" (a period
-- starts on the day after the event, 行政处罚法 art. 85, 民事诉讼法 art. 85). n = 0 gives d when d is a working day,
-- else the first working day after d (a date rolled forward to a working day). n < 0 raises 22023. Raises CA001
-- when d or any date up to the result is not covered.
CREATE OR REPLACE FUNCTION ca_add_workdays_rel(d date, n int) RETURNS TABLE (day date)
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
CREATE OR REPLACE FUNCTION ca_workdays_between_rel(a date, b date) RETURNS TABLE (workdays int)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(y.ordinal - x.ordinal, ca_calendar_raise_uncovered((SELECT a), (SELECT b), NULL::int))
    FROM (SELECT) AS one
    LEFT JOIN calendar_ordinals x ON x.day = a
    LEFT JOIN calendar_ordinals y ON y.day = b AND y.run_start = x.run_start
$$;

CREATE OR REPLACE FUNCTION ca_is_workday(d date) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT r.working FROM ca_is_workday_rel(d) r $$;

CREATE OR REPLACE FUNCTION ca_add_workdays(d date, n int) RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT r.day FROM ca_add_workdays_rel(d, n) r $$;

CREATE OR REPLACE FUNCTION ca_workdays_between(a date, b date) RETURNS int
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT r.workdays FROM ca_workdays_between_rel(a, b) r $$;

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
CREATE OR REPLACE FUNCTION ca_calendar_load_year(year int, notice_title text, notice_no text, published_on date,
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

-- calendar_ordinals is derived data: rebuilt here, so that a new database gets it (sql/0003 loads the notices before
-- this function exists) and a changed definition above recomputes it. A few milliseconds.
SELECT ca_calendar_rebuild();
