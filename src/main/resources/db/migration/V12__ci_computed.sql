-- Issue 12, item 4: true when the store computed the row's confidence interval(s) from its count and
-- denominator (store.ComputedIntervals: Wilson for proportions, exact/Byar's for crude rates) because the
-- source published none; a published interval is never replaced and stays false. Revisions keep the flag
-- of the value they hold.
ALTER TABLE observation ADD COLUMN ci_computed boolean NOT NULL DEFAULT false;
ALTER TABLE observation_revision ADD COLUMN ci_computed boolean NOT NULL DEFAULT false;
