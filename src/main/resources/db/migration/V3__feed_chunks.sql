-- The chunks of a file feed's source as its latest successful read saw them (feed.FileChunks): a
-- re-read skips the chunks whose fingerprint is here (their rows are stored), and keeps their
-- rejections, held with lines relative to the chunk's first line (a chunk moves when rows before it
-- are added or removed).
CREATE TABLE feed_chunk (
  feed        text NOT NULL,
  seq         int NOT NULL,
  fingerprint text NOT NULL,
  records     bigint NOT NULL,
  rejected    bigint NOT NULL,
  rejections  jsonb NOT NULL DEFAULT '[]',
  PRIMARY KEY (feed, seq)
);
