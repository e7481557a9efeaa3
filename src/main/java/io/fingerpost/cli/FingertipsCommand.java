package io.fingerpost.cli;

import io.fingerpost.config.FeedConfig;
import io.fingerpost.feed.fingertips.FingertipsApi;
import io.fingerpost.feed.fingertips.FingertipsClient;
import io.fingerpost.model.IndicatorMetadata;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import de.siegmar.fastcsv.reader.NamedCsvRecord;

/**
 * Discovery from the terminal, against the live classic Fingertips API (or a mirror, {@code --base-url}):
 * <pre>
 *   java -jar target/fingerpost.jar fingertips search WORDS… [--base-url URL] [--limit N]
 *   java -jar target/fingerpost.jar fingertips indicator ID [--base-url URL]
 * </pre>
 * prints each indicator's id, name, profiles, area types (those with data), Fingertips polarity and latest period
 * (the newest "Time period" of its export for its first area type, streamed, not held), so a user can write a
 * {@code fingertips-api} feed without leaving the terminal. Requests go through the feed's polite client.
 */
public final class FingertipsCommand {

  static final String USAGE = "usage: fingertips search WORDS... [--base-url URL] [--limit N]\n"
      + "       fingertips indicator ID [--base-url URL]";
  /** England as the parent: every child area type has it. */
  static final int ENGLAND_PARENT = 15;

  private FingertipsCommand() {}

  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    String baseUrl = FeedConfig.FINGERTIPS_API_URL;
    int limit = 10;
    List<String> words = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--base-url") && i + 1 < args.length) {
        baseUrl = args[++i];
      } else if (args[i].equals("--limit") && i + 1 < args.length) {
        try {
          limit = Integer.parseInt(args[++i]);
        } catch (NumberFormatException e) {
          err.println("--limit '" + args[i] + "' is not a number");
          return 2;
        }
      } else if (args[i].startsWith("--")) {
        err.println("unknown option " + args[i] + "\n" + USAGE);
        return 2;
      } else {
        words.add(args[i]);
      }
    }
    if (words.size() < 2 || !List.of("search", "indicator").contains(words.get(0))
        || words.get(0).equals("indicator") && (words.size() != 2 || !words.get(1).matches("[0-9]{1,9}"))) {
      err.println(USAGE);
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    FingertipsClient client = new FingertipsClient(vertx, baseUrl.endsWith("/") ? baseUrl.substring(0,
        baseUrl.length() - 1) : baseUrl, FingertipsClient.Options.defaults(2, Duration.ofMinutes(2)));
    try {
      FingertipsApi api = new FingertipsApi(client);
      Map<String, List<Integer>> found;
      if (words.get(0).equals("search")) {
        String text = String.join(" ", words.subList(1, words.size()));
        found = api.search(text).await(2, TimeUnit.MINUTES);
        if (found.isEmpty()) {
          out.println("no indicator matches '" + text + "'");
          return 1;
        }
        if (found.size() > limit) {
          out.println(found.size() + " indicators match; the first " + limit + " (--limit N for more):");
        }
      } else {
        String id = words.get(1);
        found = Map.of(id, api.areaTypesWithData(id).await(2, TimeUnit.MINUTES));
      }
      List<String> ids = found.keySet().stream().limit(limit).toList();
      Map<String, IndicatorMetadata> meta = api.metadata(ids, "cli").await(2, TimeUnit.MINUTES);
      Map<String, List<String>> profiles = api.profiles(ids).await(2, TimeUnit.MINUTES);
      Map<Integer, String> typeNames = api.areaTypes().await(2, TimeUnit.MINUTES);
      for (String id : ids) {
        IndicatorMetadata m = meta.get(id);
        List<Integer> types = found.get(id);
        out.println(id + "  " + (m == null || m.name() == null ? "(no metadata)" : m.name()));
        out.println("  profile:     " + String.join("; ", profiles.getOrDefault(id, List.of())));
        out.println("  area types:  " + String.join(", ", types.stream()
            .map(t -> t + " " + typeNames.getOrDefault(t, "")).map(String::trim).toList()));
        out.println("  polarity:    " + (m == null || m.polarity() == null ? "-" : m.polarity()
            + " (" + m.polarityCode() + ")"));
        out.println("  value type:  " + (m == null || m.valueType() == null ? "-" : m.valueType())
            + (m == null || m.unit() == null ? "" : ", unit " + m.unit()));
        out.println("  latest:      " + (types.isEmpty() ? "-" : latestPeriod(vertx, api, id, types.get(0))));
      }
      return 0;
    } catch (Exception e) {
      err.println("fingertips: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return 1;
    } finally {
      client.close();
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // exiting anyway
      }
    }
  }

  /** The newest period of an indicator's export for one area type (by "Time period Sortable"). */
  static String latestPeriod(Vertx vertx, FingertipsApi api, String id, int areaType) throws Exception {
    Path tmp = Files.createTempFile("fingerpost-latest-" + id, ".csv");
    try {
      api.allData(id, areaType, ENGLAND_PARENT, null, tmp).await(5, TimeUnit.MINUTES);
      String best = null;
      long bestKey = Long.MIN_VALUE;
      try (Reader r = Files.newBufferedReader(tmp, StandardCharsets.UTF_8);
           CsvReader<NamedCsvRecord> p = CsvReader.builder().extraFieldStrategy(FieldMismatchStrategy.IGNORE)
                   .missingFieldStrategy(FieldMismatchStrategy.IGNORE)
               .ofNamedCsvRecord(r)) {
        for (NamedCsvRecord rec : p) {
          String k = rec.findField("Time period Sortable").map(String::trim).orElse(null);
          if (k != null && k.matches("-?[0-9]{1,18}") && Long.parseLong(k) > bestKey) {
            bestKey = Long.parseLong(k);
            best = rec.findField("Time period").orElse(null);
          }
        }
      }
      return best == null ? "-" : best;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
