-- sql/engine/helpers_documents_procedure.sql: Helpers shared by the procedure rules of the documents system
-- (D01-D09). Engine file: one current definition of each function, applied by `caseaudit migrate` after the numbered
-- migrations and again whenever this file changes (its SHA-256 is recorded in schema_engine; see docs/schema.md).
-- CREATE OR REPLACE only: it runs on new databases and on databases that have it already.

-- The n-th working day after d (the deadline of "within n working days of d", as ca_add_workdays) without ever
-- raising, for deciding about the date `upto` (the date the deadline is compared with):
--   due           the deadline, or NULL when it cannot be computed;
--   beyond        true when due lies past the loaded calendar but certainly after `upto` (upto is on or before the
--                 last covered day of d's stretch), so "upto < due" holds without knowing due;
--   missing_year  the year to load when the deadline is needed and not covered (d itself, or the year after the
--                 covered stretch when upto lies past it too); NULL otherwise.
-- NULL d or n, a negative n or an infinite d give three NULLs: nothing to decide.
CREATE OR REPLACE FUNCTION ca_dp_due_rel(d date, n int, upto date) RETURNS TABLE (due date, beyond boolean, missing_year int)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT w.day,
         coalesce(c.day IS NOT NULL AND w.day IS NULL AND upto <= c.run_end, false),
         CASE WHEN d IS NULL OR n IS NULL OR n < 0 OR NOT isfinite(d) THEN NULL
              WHEN c.day IS NULL THEN extract(year FROM d)::int
              WHEN w.day IS NULL AND (upto IS NULL OR NOT upto <= c.run_end) THEN extract(year FROM c.run_end + 1)::int
         END
    FROM (SELECT) AS one
    LEFT JOIN calendar_ordinals c ON c.day = d AND n >= 0
    LEFT JOIN calendar_ordinals w
           ON w.working
          AND w.ordinal = c.ordinal + least(n, 1000000) + CASE WHEN n = 0 AND NOT c.working THEN 1 ELSE 0 END
          AND w.run_start = c.run_start
$$;

-- A parameter as a number, NULL unless it is a JSON number (the pack loader keeps each parameter's type, so this
-- only guards against a hand-made pack); ca_dp_int() rounds and clamps it to 0..100000, so that no value can make
-- an integer cast or a date computation raise.
CREATE OR REPLACE FUNCTION ca_dp_num(j jsonb) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN jsonb_typeof(j) = 'number' THEN j::numeric END
$$;

CREATE OR REPLACE FUNCTION ca_dp_int(j jsonb) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN jsonb_typeof(j) = 'number' THEN least(greatest(round(j::numeric), 0), 100000)::int END
$$;

-- The message text of a missing calendar year.
CREATE OR REPLACE FUNCTION ca_dp_calendar_zh(y int) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT format('工作日历缺少%s年的节假日安排，无法计算该期限；请加载%s年数据后重新评查', y, y)
$$;

CREATE OR REPLACE FUNCTION ca_dp_calendar_en(y int) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT format('the working-day calendar has no data for %s, so the period cannot be computed; '
                'load %s and audit again', y, y)
$$;

CREATE OR REPLACE FUNCTION ca_dp_date(d date) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT to_char(d, 'YYYY-MM-DD') $$;

-- Chinese names of the enumerations used in messages.
CREATE OR REPLACE FUNCTION ca_dp_penalty_zh(k text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE k
    WHEN 'warning' THEN '警告' WHEN 'fine' THEN '罚款' WHEN 'confiscate_gains' THEN '没收违法所得'
    WHEN 'confiscate_property' THEN '没收非法财物' WHEN 'suspend_license' THEN '暂扣许可证件'
    WHEN 'revoke_license' THEN '吊销许可证件' WHEN 'lower_qualification' THEN '降低资质等级'
    WHEN 'suspend_business' THEN '责令停产停业' WHEN 'order_closure' THEN '责令关闭'
    WHEN 'restrict_practice' THEN '限制从业' WHEN 'detention' THEN '行政拘留' WHEN 'other' THEN '其他处罚'
    ELSE coalesce(k, '未注明种类的处罚') END
$$;

-- A certificate number as compared: trimmed of white space (full-width space included), full-width digits and
-- letters folded to ASCII, letters upper-cased.
-- ca_dp_cert() (sql/0008), the same value, faster: translate() with its 73 multibyte characters cost ~11 us per
-- call (most of the 1.7 s of D01 on 10,000 cases). The certificate numbers are ASCII as a rule (octet_length =
-- length in UTF-8), and on ASCII text the full-width translation and the trimming of U+3000 change nothing, so
-- only the rest goes through them. Used by D01 and D08 (inlined: the argument is referenced several times, which
-- the planner accepts for a column).
CREATE OR REPLACE FUNCTION ca_dp_cert(s text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT upper(CASE WHEN octet_length(s) = length(s) THEN btrim(s, E' \t\r\n')
                    ELSE translate(btrim(s, E' \t\r\n\u3000'),
                                   '０１２３４５６７８９－' || 'ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ'
                                     || 'ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ',
                                   '0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz') END)
$$;
