-- 0018_rule_speed_b: placeholder, filled by the rule-speed work of issue #8.
SELECT 1;
