package dev.sluice.bench;

import dev.sluice.it.S3ProxyServer;
import dev.sluice.it.SluiceServer;
import dev.sluice.it.TrinoEtc;
import dev.sluice.it.TrinoServer;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The erasure benchmark's Trino: catalog {@value #CATALOG} on Sluice with the admin token, through
 * which the tables are written and Sluice's jobs rewrite them, and catalog {@code tpch} for the
 * rows. It runs only while the tables are written and while the executor {@code trino} is measured.
 */
final class ErasureTrino {
  /** The Trino catalog on Sluice: the tables are written through it, and Sluice's jobs use it. */
  static final String CATALOG = "sluice";

  /** The Trino user Sluice's jobs run as. */
  static final String JOBS_USER = "sluice-jobs";

  /** The user the benchmark itself writes and counts as, so it is apart from the jobs' queries. */
  private static final String SETUP_USER = "bench-setup";

  private final Report report;
  private final Closer closer;
  private final Path workDir;
  private final S3ProxyServer s3;
  private final Map<TrinoServer, RunningTarget> running = new HashMap<>();

  ErasureTrino(Report report, Closer closer, Path workDir, S3ProxyServer s3) {
    this.report = report;
    this.closer = closer;
    this.workDir = workDir;
    this.s3 = s3;
  }

  /** A Trino on {@code port}, which Sluice was started with, once its worker answers. */
  TrinoServer start(SluiceServer sluice, int port, ErasureExecutor executor) throws IOException {
    Map<String, Map<String, String>> catalogs = new LinkedHashMap<>();
    catalogs.put(CATALOG, TrinoQueries.catalog(sluice, s3, sluice.adminToken()));
    catalogs.put("tpch", Map.of("connector.name", "tpch"));
    long t0 = System.nanoTime();
    TrinoServer trino =
        closer.register(
            TrinoServer.start(
                workDir.resolve("trino-" + executor.name()),
                catalogs,
                Map.of("http-server.http.port", String.valueOf(port)),
                new TrinoEtc().plugin("tpch")));
    awaitWorker(trino);
    running.put(
        trino,
        RunningTarget.readySince(
            t0,
            "trino",
            "Trino 476, catalog " + CATALOG + " on Sluice with the admin token, catalog tpch",
            trino.process().pid()));
    return trino;
  }

  /** Stops Trino and reports its start-up time and memory. */
  void stop(TrinoServer trino) {
    report.targets.add(running.remove(trino).ended("ok"));
    closer.closeNow(trino);
  }

  /** A connection to catalog {@value #CATALOG} as the benchmark's own user. */
  static Connection connect(TrinoServer trino) throws SQLException {
    return TrinoQueries.connect(trino, CATALOG, SETUP_USER);
  }

  /**
   * Trino answers as started before its one node has announced itself as a worker; until then a
   * query that needs a worker fails with "nodes is empty".
   */
  private static void awaitWorker(TrinoServer trino) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try (Connection c = connect(trino);
          Statement statement = c.createStatement();
          ResultSet rs = statement.executeQuery("SELECT count(*) FROM tpch.tiny.region")) {
        rs.next();
        return;
      } catch (SQLException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException("Trino has no worker after 60 s: " + e.getMessage(), e);
        }
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for Trino's worker", e);
      }
    }
  }
}
