-- When a feed's first load began (its first poll attempt), kept until that load completes
-- (first_success set) and across restarts: a load killed half way and run again stays an initial load
-- (history, no notification) for every series that had no observation from before this time.
ALTER TABLE feed_status ADD COLUMN first_load_started timestamptz;

-- Why the latest read of a feed looks wrong although it succeeded (e.g. its row count fell sharply against
-- the read before); null when nothing is wrong. Kept while the source is unchanged.
ALTER TABLE feed_status ADD COLUMN warning text;
