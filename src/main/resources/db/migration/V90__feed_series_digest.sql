-- Issue 14: per feed and series, a 128-bit digest of the rows the feed's file held for the series when its latest
-- full read left the store holding exactly those rows (store.SeriesDigestStore, feed.SeriesDigester). A row
-- means "the store holds these rows with these values for this series, as this feed delivered them": an
-- unchanged full re-read skips the series without reading its stored rows. key_hash: 64 bits of a hash of the
-- series key, to find a parsed series' digest without the series table (the digest itself binds the key).
CREATE TABLE feed_series_digest (
  feed text COLLATE "C" NOT NULL, -- byte order: the primary key compares bytes, not the locale's rules
  series_id bigint NOT NULL,
  key_hash bigint NOT NULL,
  digest_a bigint NOT NULL,
  digest_b bigint NOT NULL,
  PRIMARY KEY (feed, series_id)
);
CREATE INDEX feed_series_digest_series ON feed_series_digest (series_id);

-- Any update or delete of an observation, by anybody (the store's merges, pushes, plain SQL), drops the
-- digests of its series in the same transaction. An insert needs nothing: a digest is written only after every
-- row of the file is stored, so a row inserted at one of its periods had been deleted first (and the digest
-- with it); a row at another period is not one the digest speaks of.
CREATE FUNCTION forget_series_digests() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM feed_series_digest WHERE series_id IN (SELECT DISTINCT series_id FROM old_rows);
  RETURN NULL;
END $$;

CREATE FUNCTION forget_renamed_series_digests() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM feed_series_digest WHERE series_id IN (SELECT id FROM old_rows);
  RETURN NULL;
END $$;

CREATE FUNCTION forget_all_series_digests() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM feed_series_digest;
  RETURN NULL;
END $$;

-- (a trigger with a transition table has one event, so two each)
CREATE TRIGGER observation_updated_forgets_digests AFTER UPDATE ON observation
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION forget_series_digests();
CREATE TRIGGER observation_deleted_forgets_digests AFTER DELETE ON observation
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION forget_series_digests();
CREATE TRIGGER observation_truncated_forgets_digests AFTER TRUNCATE ON observation
  FOR EACH STATEMENT EXECUTE FUNCTION forget_all_series_digests();
-- a series whose key changes or that goes away is no longer the series a digest's key names
CREATE TRIGGER series_updated_forgets_digests AFTER UPDATE ON series
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION forget_renamed_series_digests();
CREATE TRIGGER series_deleted_forgets_digests AFTER DELETE ON series
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION forget_renamed_series_digests();
CREATE TRIGGER series_truncated_forgets_digests AFTER TRUNCATE ON series
  FOR EACH STATEMENT EXECUTE FUNCTION forget_all_series_digests();
