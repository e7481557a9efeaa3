-- Where an indicator's or area's name came from: 'feed' (a configured feed or its metadata) or 'push'.
-- A push may add a name that is missing (or replace a name an earlier push gave); it never overwrites a
-- feed's name (reliability issue, item 6: a pushed areaName became the name of E08000027 for everyone).
-- Numbered 3.1: store's range, out of order is allowed (see docs/internals.md "Database").
ALTER TABLE indicator ADD COLUMN name_source text;
ALTER TABLE area ADD COLUMN name_source text;
-- Names stored before this version came from feeds or pushes alike; the next poll of a feed re-asserts its own.
UPDATE indicator SET name_source = 'feed' WHERE name IS NOT NULL;
UPDATE area SET name_source = 'feed' WHERE name IS NOT NULL;
