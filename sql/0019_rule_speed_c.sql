-- 0019_rule_speed_c: placeholder, filled by the rule-speed work of issue #8.
SELECT 1;
