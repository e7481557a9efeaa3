package io.fingerpost.feed;

import io.fingerpost.event.FeedStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fingerpost.TestDatabase;
import io.fingerpost.config.ConfigFile;
import io.fingerpost.config.FeedConfig;
import io.fingerpost.model.Observation;
import io.fingerpost.store.Database;
import io.fingerpost.store.FeedStatusStore;
import io.fingerpost.store.ObservationStore;
import io.fingerpost.store.StoreReader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Chunk fingerprints: cuts at record ends, and a re-read that parses only the changed chunks. */
@ExtendWith(VertxExtension.class)
class FileChunksTest {

  static Database database;
  static FeedStatuses statuses;

  @BeforeAll
  static void setUp(Vertx vertx) throws Exception {
    database = TestDatabase.newDatabase().start(vertx).await(60, TimeUnit.SECONDS);
    statuses = FeedStatuses.listen(vertx);
  }

  @AfterAll
  static void tearDown() throws Exception {
    database.close().await(30, TimeUnit.SECONDS);
  }

  /** The real export's records (each two physical lines: the indicator name holds a newline), CRLF. */
  static List<String> records(String text) {
    List<String> out = new ArrayList<>();
    int at = text.indexOf("\r\n93356,") + 2;
    out.add(text.substring(0, at)); // the header
    while (at < text.length()) {
      int next = text.indexOf("\r\n93356,", at);
      int end = next < 0 ? text.length() : next + 2;
      out.add(text.substring(at, end));
      at = end;
    }
    return out;
  }

  @Test
  void chunksHoldWholeRecordsWithTheirPhysicalLines(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("a.csv");
    Files.copy(FingertipsCsvReaderTest.realExport(), file);
    FileChunks fc = FileChunks.of(file, "seed", 4096);
    List<FileChunks.Chunk> chunks = fc.chunks();
    assertTrue(chunks.size() > 20, "chunks: " + chunks.size());
    byte[] bytes = Files.readAllBytes(file);
    long records = 0;
    for (FileChunks.Chunk c : chunks) {
      // each chunk starts a record (the indicator id) and ends with one
      String s = new String(bytes, (int) c.offset(), (int) c.length(), StandardCharsets.UTF_8);
      assertTrue(s.startsWith("93356,") && s.endsWith("\r\n"), s);
      assertEquals(2 * c.records(), c.lines(), "two physical lines per record");
      records += c.records();
    }
    assertEquals(852, records);
    assertEquals(2, chunks.get(0).firstLine());
    FileChunks.Chunk last = chunks.get(chunks.size() - 1);
    assertEquals(bytes.length, last.offset() + last.length());

    // Reading the header and some chunks gives their rows with the lines they have in the file.
    List<FileChunks.Chunk> some = List.of(chunks.get(3), chunks.get(7));
    List<FeedRow> all = FingertipsCsvReaderTest.readAll(FingertipsCsvReader.open(file));
    List<FeedRow> part;
    try (InputStream in = fc.open(some)) {
      part = FingertipsCsvReaderTest.readAll(FingertipsCsvReader.open(
          new InputStreamReader(in, StandardCharsets.UTF_8), fc.lineMap(some)));
    }
    assertEquals(some.get(0).records() + some.get(1).records(), part.size());
    for (FeedRow r : part) {
      FeedRow same = all.stream().filter(x -> x.line() == r.line()).findFirst().orElseThrow();
      assertEquals(((ParsedRow) same).observation(), ((ParsedRow) r).observation());
    }

    // A record inserted in the middle changes one chunk (or two, where the cut moves): not the others.
    List<String> recs = records(Files.readString(file, StandardCharsets.UTF_8));
    recs.add(400, recs.get(400).replace("Dudley", "Dudley (copy)"));
    Path changed = dir.resolve("b.csv");
    Files.writeString(changed, String.join("", recs), StandardCharsets.UTF_8);
    Set<String> before = new HashSet<>();
    chunks.forEach(c -> before.add(c.fingerprint()));
    List<FileChunks.Chunk> after = FileChunks.of(changed, "seed", 4096).chunks();
    long changedChunks = after.stream().filter(c -> !before.contains(c.fingerprint())).count();
    assertTrue(changedChunks >= 1 && changedChunks <= 2, "changed chunks: " + changedChunks);
    // Another seed (the feed's configuration) changes every fingerprint.
    assertTrue(FileChunks.of(file, "other", 4096).chunks().stream().noneMatch(c -> before.contains(c.fingerprint())));
  }

  /**
   * A first poll stores the cut's content hash as the source fingerprint: it must be the file's SHA-256, as a later
   * poll computes it, and the cut the same as without it (where the cuts fall is pinned against the byte-at-a-time
   * definition by ParseFastPathsTest: cuts and fingerprints stored by earlier reads stay valid).
   */
  @Test
  void theCutsContentHashIsTheFilesSha256(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("a.csv");
    Files.copy(FingertipsCsvReaderTest.realExport(), file);
    FileChunks cut = FileChunks.withContentHash(file, "seed", 4096);
    assertEquals(FileChunks.contentHash(file), cut.contentHash());
    assertEquals(FileChunks.of(file, "seed", 4096).chunks(), cut.chunks());
    assertEquals(null, FileChunks.of(file, "seed", 4096).contentHash());
    Path empty = dir.resolve("empty.csv");
    Files.write(empty, new byte[0]);
    assertEquals(FileChunks.contentHash(empty), FileChunks.withContentHash(empty, "seed", 4096).contentHash());
  }

  @Test
  void quotedNewlinesNeverCut(@TempDir Path dir) throws Exception {
    StringBuilder sb = new StringBuilder("a,b\n");
    for (int i = 0; i < 500; i++) {
      sb.append(i).append(",\"x\n\"\"").append(i % 7 == 0 ? "\n\n" : "").append("y\"\n");
    }
    Path file = dir.resolve("q.csv");
    Files.writeString(file, sb, StandardCharsets.UTF_8);
    FileChunks fc = FileChunks.of(file, "", 64);
    assertTrue(fc.chunks().size() > 10);
    long line = 2;
    for (FileChunks.Chunk c : fc.chunks()) {
      String s = Files.readString(file).substring((int) c.offset(), (int) (c.offset() + c.length()));
      List<CSVRecord> parsed = CSVFormat.DEFAULT.parse(new StringReader(s)).getRecords();
      assertEquals(c.records(), parsed.size(), s);
      assertEquals(line, c.firstLine());
      line += c.lines();
    }
    assertEquals(sb.chars().filter(ch -> ch == '\n').count() + 1, line);
  }

  @Test
  void reReadParsesOnlyChangedChunksAndKeepsRejectionsAtTheirLines(Vertx vertx, @TempDir Path dir) throws Exception {
    String bad = "93356,short row,E12000005\r\n";
    List<String> recs = records(Files.readString(FingertipsCsvReaderTest.realExport(), StandardCharsets.UTF_8));
    recs.add(600, bad); // a rejection in a chunk that will be skipped (after the insertion below)
    recs.add(bad);      // and one at the end, in the chunk that will change
    Path file = dir.resolve("export.csv");
    Files.writeString(file, String.join("", recs), StandardCharsets.UTF_8);

    System.setProperty("fingerpost.chunk.bytes", "8192");
    ObservationStore store = new ObservationStore(vertx, database);
    FeedStatusStore status = new FeedStatusStore(database.pool());
    StoreReader reader = new StoreReader(database.pool());
    FeedConfig cfg = FeedVerticleTest.feed("chunked", file.toString(), Duration.ofMillis(200));
    String id = vertx.deployVerticle(new FeedVerticle(cfg, ConfigFile.of(dir.resolve("x.yaml")).resolve(cfg.source()),
        store, status)).await(10, TimeUnit.SECONDS);
    try {
      FeedStatus first = statuses.await(s -> s.feed().equals("chunked") && s.ok()
          && s.rows() != null);
      assertEquals(852, first.rows().inserted());
      assertEquals(2, first.rows().rejected());
      assertEquals(0, first.read().chunks().skipped());
      statuses.await(s -> s.feed().equals("chunked") && s.unchanged());

      // Tamper with a stored row of the first chunk: a full re-read would put it back, a skipped chunk not.
      ParsedRow firstRow = (ParsedRow) FingertipsCsvReaderTest.readAll(FingertipsCsvReader.open(file)).get(0);
      Observation o = firstRow.observation();
      database.pool().preparedQuery("""
          UPDATE observation SET value = -1 WHERE period = $1 AND series_id = (SELECT id FROM series WHERE
            indicator_id = $2 AND area_code = $3 AND sex = $4 AND age = $5 AND category_type = $6 AND category = $7)""")
          .execute(Tuple.of(o.period().label(), o.key().indicatorId(), o.key().areaCode(), o.key().sex(),
              o.key().age(), o.key().categoryType(), o.key().category()))
          .await(10, TimeUnit.SECONDS);

      // A new record in the middle (one line: the rows below move down), the last record's value changed.
      String copy = recs.get(400).replace("\r\n", " ").replace("\n", " ");
      CSVRecord parsedCopy = CSVFormat.DEFAULT.parse(new StringReader(copy)).getRecords().get(0);
      List<String> fields = new ArrayList<>(parsedCopy.toList());
      fields.set(4, "E99999999");
      recs.add(400, CSVFormat.DEFAULT.format(fields.toArray()) + "\r\n");
      int lastIndex = recs.size() - 2;
      CSVRecord last = CSVFormat.DEFAULT.parse(new StringReader(recs.get(lastIndex))).getRecords().get(0);
      List<String> lastFields = new ArrayList<>(last.toList());
      lastFields.set(12, "123.25");
      recs.set(lastIndex, CSVFormat.DEFAULT.format(lastFields.toArray()) + "\r\n");
      String text = String.join("", recs);
      statuses.clear();
      Files.writeString(file, text, StandardCharsets.UTF_8);
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5000));

      FeedStatus second = statuses.await(s -> s.feed().equals("chunked") && s.ok()
          && s.rows() != null);
      assertEquals(1, second.rows().inserted(), second.toString());
      assertEquals(1, second.rows().updated(), second.toString());
      assertEquals(853 + 2, second.rows().read(), second.toString());
      assertEquals(2, second.rows().rejected(), second.toString());
      int chunks = second.read().chunks().chunks();
      assertTrue(second.read().chunks().skipped() >= chunks - 3 && chunks > 20, second.toString());
      double tampered = database.pool().preparedQuery("SELECT value FROM observation WHERE value = -1").execute()
          .await(10, TimeUnit.SECONDS).size();
      assertEquals(1, tampered, "the unchanged first chunk was not read again");

      // Rejections: physical lines of the new file, the skipped chunk's one moved down by the new line.
      List<Long> expected = new ArrayList<>();
      String[] lines = text.split("\r\n|\r|\n", -1);
      for (int i = 0; i < lines.length; i++) {
        if (lines[i].equals(bad.trim())) {
          expected.add(i + 1L);
        }
      }
      assertEquals(2, expected.size());
      List<JsonObject> rejections = reader.rejections("chunked", 100, 0).await(10, TimeUnit.SECONDS).stream()
          .map(JsonObject::mapFrom).toList();
      assertEquals(expected, rejections.stream().map(r -> r.getLong("line")).toList());
      assertTrue(rejections.get(0).getString("reason").contains("has 3 fields"), rejections.toString());
    } finally {
      System.clearProperty("fingerpost.chunk.bytes");
      vertx.undeploy(id).await(10, TimeUnit.SECONDS);
    }
  }
}
