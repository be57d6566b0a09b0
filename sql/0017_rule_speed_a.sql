-- 0017_rule_speed_a: placeholder, filled by the rule-speed work of issue #8.
SELECT 1;
