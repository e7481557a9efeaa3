package io.fingerpost.feed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads chunks of a Fingertips file ({@link FileChunks}: cut at record boundaries) on more than one core
 * (issue 14): runs of chunks ("parts") are tokenised and mapped to rows on a small shared pool, at most
 * {@link #THREADS} parts at once for the whole service and a few parts ahead per reader; this reader hands
 * the rows out in file order and makes the one check that needs the whole file, a (series, period) seen on
 * an earlier line, exactly as one {@link FingertipsCsvReader} over the same chunks would.
 *
 * <p>Broken quoting: a part whose read lost lines (its {@link RowReader#unread()}) is not used; from its
 * first chunk to the end, the chunks are read by one sequential reader, so the fault, what is lost after it
 * and every message are those of one stream. A chunk cut inside a quoted field (a file whose quotes mislead
 * the cutter) always leaves its part with a quote open at its end, so it falls back the same way.
 *
 * <p>{@code -Dfingerpost.csv.parallel=false} turns it off (one stream, as before);
 * {@code -Dfingerpost.csv.threads=N} sets the pool (default: 2, or 1 on one core).
 */
final class ParallelChunks implements RowReader {

  static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("fingerpost.csv.parallel", "true"));
  static final int THREADS = Math.max(1, Integer.getInteger("fingerpost.csv.threads",
      Math.min(2, Runtime.getRuntime().availableProcessors())));
  /** A part is at least this many bytes of whole chunks (the chunks average 1 MB). */
  static final long PART_BYTES = 1L << 20;

  private static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, new java.util.concurrent.ThreadFactory() {
    private final AtomicInteger n = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "fingerpost-csv-part-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  });

  /** A row of a part, with the period label and record of a ParsedRow (for the duplicate check). */
  private record Item(FeedRow row, String label, CsvFields record) {}

  /** A part read: its rows, the lines it could not read, and the failure that ended it (or null). */
  private record Part(List<Item> items, List<LineRange> unread, RuntimeException failure) {}

  private final FileChunks file;
  private final List<List<FileChunks.Chunk>> parts = new ArrayList<>();
  private final Deque<Future<Part>> inFlight = new ArrayDeque<>();
  private final DuplicateKeys seen = new DuplicateKeys();
  private int submitted;
  private int taken;
  private Iterator<Item> current;
  private RuntimeException failure; // thrown once the current part's rows are handed out
  private FingertipsCsvReader sequential;
  private FeedRow next;
  private volatile boolean closed;

  /** Reads {@code chunks} (in file order) of {@code file}; checks the header first. */
  ParallelChunks(FileChunks file, List<FileChunks.Chunk> chunks) throws IOException {
    this(file, chunks, PART_BYTES);
  }

  /** As above, with parts of at least {@code partBytes} (tests: many parts from a small file). */
  ParallelChunks(FileChunks file, List<FileChunks.Chunk> chunks, long partBytes) throws IOException {
    this.file = file;
    FingertipsCsvReader.openPart(CsvRecords.utf8(file.open(List.of())), file.lineMap(List.of())).close();
    List<FileChunks.Chunk> part = new ArrayList<>();
    long bytes = 0;
    for (FileChunks.Chunk c : chunks) {
      part.add(c);
      bytes += c.length();
      if (bytes >= partBytes) {
        parts.add(part);
        part = new ArrayList<>();
        bytes = 0;
      }
    }
    if (!part.isEmpty()) {
      parts.add(part);
    }
  }

  private Part read(List<FileChunks.Chunk> chunks) {
    List<Item> items = new ArrayList<>();
    try (FingertipsCsvReader r = FingertipsCsvReader.openPart(CsvRecords.utf8(file.open(chunks)),
        file.lineMap(chunks))) {
      while (!closed && r.hasNext()) {
        FeedRow row = r.next();
        items.add(row instanceof ParsedRow ? new Item(row, r.lastLabel(), r.lastRecord()) : new Item(row, null, null));
      }
      return new Part(items, r.unread(), null);
    } catch (IOException e) {
      return new Part(items, List.of(), new UncheckedIOException(e));
    } catch (RuntimeException e) {
      return new Part(items, List.of(), e);
    }
  }

  @Override
  public boolean hasNext() {
    while (next == null) {
      if (sequential != null) {
        if (!sequential.hasNext()) {
          return false;
        }
        FeedRow row = sequential.next();
        next = checked(row, sequential.lastLabel(), sequential.lastRecord());
      } else if (current != null && current.hasNext()) {
        Item it = current.next();
        next = checked(it.row(), it.label(), it.record());
      } else if (failure != null) {
        RuntimeException f = failure;
        failure = null;
        throw f;
      } else if (!nextPart()) {
        return false;
      }
    }
    return true;
  }

  /** Takes the next part's rows (or falls back to one stream); false at the end. */
  private boolean nextPart() {
    while (submitted < parts.size() && inFlight.size() <= THREADS) {
      List<FileChunks.Chunk> chunks = parts.get(submitted++);
      inFlight.add(POOL.submit(() -> read(chunks)));
    }
    Future<Part> f = inFlight.poll();
    if (f == null) {
      return false;
    }
    Part part;
    try {
      part = f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FeedFormatException(0, "the read was interrupted", e);
    } catch (ExecutionException | CancellationException e) {
      throw new FeedFormatException(0, "a part of the file could not be read: " + e.getMessage(), e);
    }
    int index = taken++;
    if (!part.unread().isEmpty()) {
      // broken quoting in this part: from here on, one stream, as without parts
      cancelInFlight();
      List<FileChunks.Chunk> rest = new ArrayList<>();
      for (int i = index; i < parts.size(); i++) {
        rest.addAll(parts.get(i));
      }
      try {
        sequential = FingertipsCsvReader.openPart(CsvRecords.utf8(file.open(rest)), file.lineMap(rest));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return true;
    }
    current = part.items().iterator();
    failure = part.failure();
    return true;
  }

  /** The row, or its rejection when an earlier line had the same (series, period): the whole file's check. */
  private FeedRow checked(FeedRow row, String label, CsvFields record) {
    if (row instanceof ParsedRow p) {
      long first = seen.firstLineOf(p.observation().key(), label, p.line());
      if (first >= 0) {
        return FingertipsCsvReader.duplicate(p.line(), record, first);
      }
    }
    return row;
  }

  @Override
  public FeedRow next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    FeedRow row = next;
    next = null;
    return row;
  }

  @Override
  public void expectRows(long rows) {
    seen.expect(rows);
  }

  @Override
  public List<LineRange> unread() {
    return sequential == null ? List.of() : sequential.unread();
  }

  private void cancelInFlight() {
    for (Future<Part> f : inFlight) {
      f.cancel(false);
    }
    inFlight.clear();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    cancelInFlight();
    if (sequential != null) {
      sequential.close();
    }
  }
}
