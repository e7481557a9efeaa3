package io.fingerpost.feed;

import io.fingerpost.model.Area;
import io.fingerpost.model.Indicator;
import io.fingerpost.model.Period;
import io.fingerpost.model.SeriesKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
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
 * <p>Used where the machine has more than 2 cores ({@link #ENABLED}); {@code -Dfingerpost.csv.parallel=true|false}
 * decides instead (false: one stream, as before); {@code -Dfingerpost.csv.threads=N} sets the pool (default: 2,
 * or 1 on one core).
 */
final class ParallelChunks implements PartsReader {

  /**
   * On where the machine has more than 2 cores. On 2, one stream with its read-ahead (already two threads: one
   * tokenises, one maps) reads faster than the pool's two part threads beside the thread that hands rows out
   * (stop 22, bench-load 1M rows, 3 interleaved runs each: a whole re-read by the service's path 1.83-1.95 s in
   * parallel against 1.20-1.37 s as one stream; the parse alone 1.29-1.50 against 0.76-0.87 s).
   */
  static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("fingerpost.csv.parallel",
      Boolean.toString(Runtime.getRuntime().availableProcessors() > 2)));
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

  private final FileChunks file;
  private final List<List<FileChunks.Chunk>> parts = new ArrayList<>();
  private final Deque<Future<Part>> inFlight = new ArrayDeque<>();
  private final DuplicateKeys seen = new DuplicateKeys();
  /** The header's reader (closed): maps the published verdicts of the rows {@link #next()} builds. */
  private final FingertipsCsvReader verdicts;
  private final RowParts row = new RowParts(); // the row handed out, filled from its part
  private RowParts handed = row;               // what parts() returns (the sequential reader's, after a fallback)
  private CsvFields handedRecord;
  private int submitted;
  private int taken;
  private Part current;
  private int at; // the next row of current
  private FingertipsCsvReader sequential;
  private volatile boolean closed;

  /** Reads {@code chunks} (in file order) of {@code file}; checks the header first. */
  ParallelChunks(FileChunks file, List<FileChunks.Chunk> chunks) throws IOException {
    this(file, chunks, PART_BYTES);
  }

  /** As above, with parts of at least {@code partBytes} (tests: many parts from a small file). */
  ParallelChunks(FileChunks file, List<FileChunks.Chunk> chunks, long partBytes) throws IOException {
    this.file = file;
    verdicts = FingertipsCsvReader.openPart(CsvRecords.utf8(file.open(List.of())), file.lineMap(List.of()));
    verdicts.close();
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

  /** A part read on the pool: its rows as parts, the lines it could not read, the failure that ended it (or null). */
  private Part read(List<FileChunks.Chunk> chunks) {
    long records = 0;
    for (FileChunks.Chunk c : chunks) {
      records += c.records();
    }
    Part part = new Part((int) Math.min(records + 1, 1 << 20));
    try (FingertipsCsvReader r = FingertipsCsvReader.openPart(CsvRecords.utf8(file.open(chunks)),
        file.lineMap(chunks))) {
      while (!closed && r.hasNext()) {
        FeedRow bad = r.nextParts();
        part.add(bad, bad == null ? r.parts() : null, r.lastRecord()); // its hashes made here, off the hand-out
      }
      part.unread = r.unread();
    } catch (IOException e) {
      part.failure = new UncheckedIOException(e);
    } catch (RuntimeException e) {
      part.failure = e;
    }
    return part;
  }

  @Override
  public boolean hasNext() {
    while (true) {
      if (sequential != null) {
        return sequential.hasNext();
      } else if (current != null && at < current.size) {
        return true;
      } else if (current != null && current.failure != null) {
        RuntimeException f = current.failure;
        current.failure = null;
        throw f;
      } else if (!nextPart()) {
        return false;
      }
    }
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
    if (!part.unread.isEmpty()) {
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
      current = null;
      return true;
    }
    current = part;
    at = 0;
    return true;
  }

  /**
   * The next row's rejection (its own, or that of a (series, period) an earlier line had: the whole file's
   * check), or null when it parsed: its parts are then in {@link #parts()}.
   */
  @Override
  public FeedRow nextParts() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    if (sequential != null) {
      FeedRow bad = sequential.nextParts();
      if (bad != null) {
        return bad;
      }
      handed = sequential.parts();
      handedRecord = sequential.lastRecord();
    } else {
      Part p = current;
      int i = at++;
      if (p.rejected[i] != null) {
        return p.rejected[i];
      }
      p.fill(i, row);
      handed = row;
      handedRecord = p.records[i];
    }
    long first = seen.firstLineOf(handed.seriesHash, handed.period.label(), handed.line);
    return first >= 0 ? FingertipsCsvReader.duplicate(handed.line, handedRecord, first) : null;
  }

  @Override
  public RowParts parts() {
    return handed;
  }

  @Override
  public FeedRow next() {
    FeedRow bad = nextParts();
    if (bad != null) {
      return bad;
    }
    RowParts p = handed;
    return new ParsedRow(p.line, p.observation(), p.indicator, p.area, verdicts.verdicts(handedRecord), p.warnings);
  }

  /** A part's rows in columns (a row's parts, or its rejection), in file order. */
  private static final class Part {
    int size;
    FeedRow[] rejected = {};   // null: the row parsed
    long[] lines = {};
    long[] seriesHashes = {};
    CsvFields[] records = {};  // for a duplicate's rejection and the verdicts
    SeriesKey[] keys = {};
    Period[] periods = {};
    double[] numbers = {};     // RowParts.NUMBERS a row
    int[] present = {};
    String[] notes = {};
    Indicator[] indicators = {};
    Area[] areas = {};
    Object[] warnings = {};    // List<String>
    List<LineRange> unread = List.of();
    RuntimeException failure;

    Part(int capacity) {
      allocate(Math.max(16, capacity));
    }

    private void allocate(int n) {
      rejected = Arrays.copyOf(rejected, n);
      lines = Arrays.copyOf(lines, n);
      seriesHashes = Arrays.copyOf(seriesHashes, n);
      records = Arrays.copyOf(records, n);
      keys = Arrays.copyOf(keys, n);
      periods = Arrays.copyOf(periods, n);
      numbers = Arrays.copyOf(numbers, n * RowParts.NUMBERS);
      present = Arrays.copyOf(present, n);
      notes = Arrays.copyOf(notes, n);
      indicators = Arrays.copyOf(indicators, n);
      areas = Arrays.copyOf(areas, n);
      warnings = Arrays.copyOf(warnings, n);
    }

    void add(FeedRow bad, RowParts p, CsvFields record) {
      if (size == lines.length) {
        allocate(size * 2);
      }
      int i = size++;
      rejected[i] = bad;
      if (p == null) {
        return;
      }
      lines[i] = p.line;
      seriesHashes[i] = p.seriesHash;
      records[i] = record;
      keys[i] = p.key;
      periods[i] = p.period;
      System.arraycopy(p.numbers, 0, numbers, i * RowParts.NUMBERS, RowParts.NUMBERS);
      present[i] = p.present;
      notes[i] = p.note;
      indicators[i] = p.indicator;
      areas[i] = p.area;
      warnings[i] = p.warnings;
    }

    @SuppressWarnings("unchecked")
    void fill(int i, RowParts p) {
      p.line = lines[i];
      p.key = keys[i];
      p.seriesHash = seriesHashes[i];
      p.period = periods[i];
      System.arraycopy(numbers, i * RowParts.NUMBERS, p.numbers, 0, RowParts.NUMBERS);
      p.present = present[i];
      p.note = notes[i];
      p.indicator = indicators[i];
      p.area = areas[i];
      p.warnings = (List<String>) warnings[i];
    }
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
