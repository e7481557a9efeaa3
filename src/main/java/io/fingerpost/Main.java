package io.fingerpost;

import io.fingerpost.cluster.ClusterSetup;
import io.fingerpost.config.ClusterConfig;
import io.fingerpost.config.ConfigException;
import io.fingerpost.config.DatabaseConfig;
import io.fingerpost.store.Database;
import io.fingerpost.config.ConfigLoader;
import io.fingerpost.config.StartupException;
import io.fingerpost.strategy.TargetsFileException;
import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.ClusterManager;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar fingerpost.jar [run] [--config FILE] [--port N] [--cluster]} runs the service (as a cluster
 * member with {@code --cluster});
 * {@code java -jar fingerpost.jar SUBCOMMAND …} runs a command of {@link #SUBCOMMANDS} and exits with
 * its status.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  /** A command of the jar: gets the arguments after its name, returns the exit status. */
  @FunctionalInterface
  interface Subcommand {
    int run(String[] args) throws Exception;
  }

  /** Subcommands by name: one line each. */
  static final Map<String, Subcommand> SUBCOMMANDS = new LinkedHashMap<>();

  static {
    SUBCOMMANDS.put("run", Main::runService);
    SUBCOMMANDS.put("evaluate", io.fingerpost.cli.EvaluateCommand::run);
    SUBCOMMANDS.put("bench-load", io.fingerpost.cli.LoadBenchmark::run);
    SUBCOMMANDS.put("bench-national", io.fingerpost.cli.NationalBenchmark::run);
    SUBCOMMANDS.put("bench-parse", io.fingerpost.cli.ParseBenchmark::run);
    SUBCOMMANDS.put("bench-http-reference", io.fingerpost.cli.HttpBodyReference::run);
    SUBCOMMANDS.put("fingertips", io.fingerpost.cli.FingertipsCommand::run);
  }

  private Main() {}

  public static void main(String[] args) {
    int status;
    try {
      status = dispatch(args);
    } catch (Exception e) {
      LOG.error("Failed", e);
      status = 1;
    }
    if (status >= 0) {
      System.exit(status);
    }
  }

  /** Returns the exit status, or -1 when the service is running (the JVM stays up). */
  static int dispatch(String[] args) throws Exception {
    if (args.length == 0 || args[0].startsWith("--")) {
      if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
        usage();
        return 0;
      }
      return runService(args);
    }
    Subcommand cmd = SUBCOMMANDS.get(args[0]);
    if (cmd == null) {
      System.err.println("unknown command '" + args[0] + "'");
      usage();
      return 2;
    }
    return cmd.run(Arrays.copyOfRange(args, 1, args.length));
  }

  private static void usage() {
    System.err.println("usage: java -jar fingerpost.jar [run] [--config FILE] [--port N] [--cluster]");
    System.err.println("       java -jar fingerpost.jar <command> [args]   commands: "
        + String.join(", ", SUBCOMMANDS.keySet()));
  }

  /** Runs the service until the JVM is stopped. Returns -1 when running, or an exit status. */
  static int runService(String[] args) {
    String configFile = null;
    Integer port = null;
    boolean cluster = false;
    ConfigLoader.Loaded loaded;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--config" -> configFile = value(args, ++i, "--config");
          case "--port" -> port = parsePort(value(args, ++i, "--port"), "--port");
          case "--cluster" -> cluster = true;
          default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'"
              + " (usage: [run] [--config FILE] [--port N] [--cluster])");
        }
      }
      Map<String, String> env = System.getenv();
      loaded = configFile == null ? ConfigLoader.loadDefault(env) : ConfigLoader.load(Path.of(configFile), env);
      String envPort = env.get("FINGERPOST_HTTP_PORT");
      if (port == null && envPort != null && !envPort.isBlank()) {
        port = parsePort(envPort, "FINGERPOST_HTTP_PORT");
      }
      ClusterConfig cc = loaded.config().cluster();
      cc = (cluster ? cc.switchedOn() : cc).withEnvironment(env); // FINGERPOST_CLUSTER_MEMBERS, _PORT
      loaded = new ConfigLoader.Loaded(loaded.config().withCluster(cc), loaded.file());
      String externalProblem = cc.on() ? needsExternalDatabase(loaded.config().database(), env) : null;
      if (externalProblem != null) {
        System.err.println("Configuration error: " + externalProblem);
        return 2;
      }
    } catch (ConfigException | IllegalArgumentException e) {
      System.err.println("Configuration error: " + e.getMessage());
      return 2;
    }
    if (port != null) {
      loaded = new ConfigLoader.Loaded(loaded.config().withHttpPort(port), loaded.file());
    }
    loaded = new ConfigLoader.Loaded( // FINGERPOST_HTTP_HOST, e.g. 0.0.0.0 in a container
        loaded.config().withHttp(loaded.config().http().withEnvironment(System.getenv())), loaded.file());
    Vertx vertx = null;
    App app;
    try {
      ClusterManager clusterManager = null;
      if (loaded.config().cluster().on()) {
        ClusterConfig cc = loaded.config().cluster();
        clusterManager = ClusterSetup.clusterManager(cc);
        LOG.info("Joining the cluster on {}:{} (members {})", cc.hostOrDefault(), cc.portOrDefault(),
            cc.kubernetes() ? "by Kubernetes discovery" : cc.members());
        vertx = io.fingerpost.metrics.MetricsPart.newClusteredVertx(ClusterSetup.vertxOptions(cc), clusterManager)
            .await(2, TimeUnit.MINUTES);
      } else {
        vertx = io.fingerpost.metrics.MetricsPart.newVertx(); // Vert.x metrics go to /metrics
      }
      app = App.start(vertx, loaded, clusterManager).await(10, TimeUnit.MINUTES);
    } catch (TargetsFileException | ConfigException e) { // ConfigException: a digest's area, groups or teams
      System.err.println("Configuration error: " + e.getMessage());
      closeQuietly(vertx);
      return 2;
    } catch (Exception e) {
      // one line naming the cause and the setting; the trace only at debug (a start-up mistake is not a bug)
      System.err.println("Start-up failed: " + startupFailure(e));
      LOG.debug("stack trace of the start-up failure", e);
      closeQuietly(vertx);
      return 1;
    }
    Vertx running = vertx;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("Stopping");
      try {
        // the grace for the API and the feeds, the grace for the other parts, then a minute for the database
        app.stop().await(60 + 2 * app.context().config().http().shutdownGraceOrDefault().toSeconds(), TimeUnit.SECONDS);
        running.close().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("Unclean stop: {}", e.getMessage());
      }
    }, "fingerpost-stop"));
    return -1;
  }

  /** {@code setting: message} for a {@link StartupException} anywhere in the chain, else the innermost message. */
  static String startupFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof StartupException s) {
        return s.setting() + ": " + s.getMessage();
      }
    }
    return StartupException.rootMessage(e);
  }

  /**
   * Why {@code --cluster} cannot run on this database (null when it can): the members share one external
   * PostgreSQL, the system of record; an embedded one belongs to a single process.
   */
  static String needsExternalDatabase(DatabaseConfig db, Map<String, String> env) {
    String envUrl = env.get(Database.ENV_URL);
    boolean external = (db.url() != null && !db.url().isBlank()) || (envUrl != null && !envUrl.isBlank());
    return external ? null : "cluster: --cluster (cluster.enabled) needs an external PostgreSQL shared by the"
        + " members: set database.url or " + Database.ENV_URL + " (the embedded database serves one process only)";
  }

  private static void closeQuietly(Vertx vertx) {
    if (vertx == null) {
      return;
    }
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debug("closing Vert.x after a failed start", e);
    }
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static int parsePort(String s, String from) {
    try {
      int p = Integer.parseInt(s.trim());
      if (p < 0 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(from + ": '" + s + "' is not a port (0-65535)");
    }
  }
}
