-- 0021_rule_speed_e: placeholder, filled by the rule-speed work of issue #8.
SELECT 1;
