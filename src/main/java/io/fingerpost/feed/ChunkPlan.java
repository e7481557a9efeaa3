package io.fingerpost.feed;

import io.fingerpost.store.FeedChunkStore.StoredChunk;
import io.fingerpost.store.Rejection;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One read of a chunked file ({@link FileChunks}): the chunks whose fingerprint the feed's latest
 * successful read stored are skipped (their rows are in the store; their rejections are kept, moved to
 * where the chunk now starts), the others are parsed and go through the store's compare-and-write.
 */
public final class ChunkPlan {
  private final FileChunks file;
  private final List<FileChunks.Chunk> parse = new ArrayList<>();
  private final boolean[] skipped;
  private final Map<String, StoredChunk> stored;

  public ChunkPlan(FileChunks file, Map<String, StoredChunk> stored) {
    this.file = file;
    this.stored = stored;
    List<FileChunks.Chunk> all = file.chunks();
    skipped = new boolean[all.size()];
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < all.size(); i++) {
      FileChunks.Chunk c = all.get(i);
      // A chunk repeated in the file is parsed again: its rows are duplicates to reject.
      skipped[i] = seen.add(c.fingerprint()) && stored.containsKey(c.fingerprint());
      if (!skipped[i]) {
        parse.add(c);
      }
    }
  }

  /**
   * False when the file changed since it was cut, or since {@code stamp} ({@link FileChunks#stamp}; null: not
   * asked) was taken: then its chunks must not be stored.
   */
  public boolean unchangedOnDisk(String stamp) throws java.io.IOException {
    return file.unchangedOnDisk() && (stamp == null || file.cutAt(stamp));
  }

  /** SHA-256 of the whole file from the cut's pass (null: not asked for, {@link FileChunks#withContentHash}). */
  public String contentHash() {
    return file.contentHash();
  }

  public int chunks() {
    return skipped.length;
  }

  public int skippedChunks() {
    return skipped.length - parse.size();
  }

  /**
   * Opens the header and the chunks to parse, with file line numbers: read on more than one core
   * ({@link ParallelChunks}) where {@link #parallel()}, else as one stream.
   */
  public RowReader open() throws Exception {
    if (ParallelChunks.ENABLED) {
      return new ParallelChunks(file, parse);
    }
    return FingertipsCsvReader.open(CsvRecords.utf8(file.open(parse)), file.lineMap(parse));
  }

  /**
   * Whether chunks are read on more than one core ({@code fingerpost.csv.parallel}; default: only on a machine of
   * more than 2 cores: on 2, one stream with its read-ahead is faster).
   */
  public static boolean parallel() {
    return ParallelChunks.ENABLED;
  }

  /** The threads that read chunks ({@code fingerpost.csv.threads}). */
  public static int threads() {
    return ParallelChunks.THREADS;
  }

  /** The records of the chunks to parse (how large the read is: the store decides how to compare by it). */
  public long recordsToRead() {
    long n = 0;
    for (int i = 0; i < skipped.length; i++) {
      n += skipped[i] ? 0 : file.chunks().get(i).records();
    }
    return n;
  }

  public long skippedRecords() {
    long n = 0;
    for (int i = 0; i < skipped.length; i++) {
      if (skipped[i]) {
        n += file.chunks().get(i).records();
      }
    }
    return n;
  }

  public long skippedRejected() {
    long n = 0;
    for (int i = 0; i < skipped.length; i++) {
      if (skipped[i]) {
        n += stored.get(file.chunks().get(i).fingerprint()).rejected();
      }
    }
    return n;
  }

  /** The read's rejections and the skipped chunks' stored ones, at today's lines, in line order. */
  public List<Rejection> rejections(String source, List<Rejection> parsed) {
    List<Rejection> all = new ArrayList<>(parsed);
    for (int i = 0; i < skipped.length; i++) {
      if (skipped[i]) {
        FileChunks.Chunk c = file.chunks().get(i);
        for (Object o : stored.get(c.fingerprint()).rejections()) {
          JsonObject r = (JsonObject) o;
          all.add(new Rejection(source, c.firstLine() + r.getLong("offset"), r.getString("reason"),
              r.getString("content")));
        }
      }
    }
    all.sort(Comparator.comparingLong(Rejection::line));
    return all;
  }

  /**
   * What to store for the next read: every chunk of the file with its rejections, less the parsed chunks
   * that hold {@code unread} lines (broken quoting): their rows are not all loaded, so the next read must
   * parse them.
   */
  public List<StoredChunk> toStore(List<Rejection> parsed, List<RowReader.LineRange> unread) {
    List<FileChunks.Chunk> all = file.chunks();
    long[] firstLines = new long[all.size()];
    List<JsonArray> rejections = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      firstLines[i] = all.get(i).firstLine();
      rejections.add(new JsonArray());
    }
    for (Rejection r : parsed) {
      int i = java.util.Arrays.binarySearch(firstLines, r.line());
      i = i < 0 ? -i - 2 : i;
      if (i >= 0) {
        rejections.get(i).add(new JsonObject().put("offset", r.line() - firstLines[i]).put("reason", r.reason())
            .put("content", r.content()));
      }
    }
    List<StoredChunk> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      FileChunks.Chunk c = all.get(i);
      if (skipped[i]) {
        out.add(stored.get(c.fingerprint()));
      } else if (unread.stream().noneMatch(u -> u.overlaps(c.firstLine(), c.firstLine() + c.lines() - 1))) {
        int rejected = 0;
        for (Object r : rejections.get(i)) {
          rejected += ((JsonObject) r).getString("reason").startsWith(Rejection.WARNING) ? 0 : 1;
        }
        out.add(new StoredChunk(c.fingerprint(), c.records(), rejected, rejections.get(i)));
      }
    }
    return out;
  }
}
