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
--
-- Issue 16 (rule pack v2): the functions this migration defined are now defined once, in sql/engine/*.sql and
-- rules/<ID>/rule.sql, applied after the migrations whenever they change; git history keeps the bodies as they
-- were. This file keeps its tables, indexes and data.

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

-- calendar_ordinals, derived from these rows, is filled by ca_calendar_rebuild() at the end of
-- sql/engine/calendar.sql, which `caseaudit migrate` applies after the migrations.
