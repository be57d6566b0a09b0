-- 0020_rule_speed_d: placeholder, filled by the rule-speed work of issue #8.
SELECT 1;
