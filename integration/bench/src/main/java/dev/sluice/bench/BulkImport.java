package dev.sluice.bench;

import dev.sluice.bench.Load.Measured;
import dev.sluice.bench.Load.Outcome;
import dev.sluice.bench.RestCatalogClient.TableRef;
import dev.sluice.it.PostgresServer;
import dev.sluice.it.Progress;
import dev.sluice.it.S3ProxyServer;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.TableProperties;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Grows a Sluice catalog the way a bulk import would, since creating a hundred thousand tables
 * through the REST API takes more than an hour on two cores: namespaces through the REST API; for
 * each table a metadata file written by Iceberg's own {@link TableMetadataParser} (a new table with
 * the template's schema, spec, sort order and properties, its own UUID and its own location under
 * the warehouse) and put into S3Proxy, then its row inserted into Sluice's {@code catalog_entity}
 * in multi-row INSERTs over JDBC. Files are written before the rows that name them, so no pointer
 * ever names a missing file. Rows are written as the server writes a created table's row (see
 * {@code CatalogStore.create}); what the server does beside that row (audit, lineage) is skipped,
 * as it would be for any import below the API.
 */
final class BulkImport {
  static final String NAMESPACE_PREFIX = "scale_ns_";

  /**
   * Which table goes where: the first {@code large} tables into the first namespace, the others
   * round-robin over the rest. Table {@code i} is {@code t_<i>} at {@code root/<namespace>/t_<i>}.
   */
  record Plan(int namespaces, int tables, int large, String root) {
    Plan {
      if (namespaces < 1 || tables < 1 || large < 0 || large > tables) {
        throw new IllegalArgumentException(
            "bench.scale: need namespaces >= 1, tables >= 1 and 0 <= large-namespace-tables <="
                + " tables");
      }
      if (namespaces == 1) {
        large = tables;
      } else if (large == tables) {
        throw new IllegalArgumentException(
            "bench.scale.large-namespace-tables must leave tables for the other namespaces");
      }
      if (!root.endsWith("/")) {
        throw new IllegalArgumentException("the warehouse root must end with /: " + root);
      }
    }

    static String namespaceName(int n) {
      return String.format("%s%04d", NAMESPACE_PREFIX, n);
    }

    List<String> namespace(int n) {
      return List.of(namespaceName(n));
    }

    int namespaceOf(int table) {
      return table < large ? 0 : 1 + (table - large) % (namespaces - 1);
    }

    TableRef table(int i) {
      return new TableRef(namespace(namespaceOf(i)), String.format("t_%06d", i));
    }

    String location(int i) {
      TableRef ref = table(i);
      return root + ref.namespace().get(0) + "/" + ref.name();
    }

    /** Tables in namespace {@code n}. */
    int tablesIn(int n) {
      if (n == 0) {
        return large;
      }
      int rest = tables - large;
      int others = namespaces - 1;
      return rest / others + (n - 1 < rest % others ? 1 : 0);
    }
  }

  /** What growing the catalog took. */
  record Figures(
      int namespaces,
      int tables,
      double namespaceSeconds,
      double namespacesPerSecond,
      double putSeconds,
      double putsPerSecond,
      long putRetries,
      long metadataBytes,
      double insertSeconds,
      double analyzeSeconds,
      double totalSeconds) {}

  private final Plan plan;
  private final PostgresServer postgres;
  private final String database;
  private final S3ProxyServer s3;
  private final TableMetadata template;

  /** The table UUID each imported table's metadata file holds. */
  private final String[] uuids;

  private final String[] metadataLocations;

  /** PUTs sent again after a failure. */
  private final AtomicLong retries = new AtomicLong();

  BulkImport(
      Plan plan,
      PostgresServer postgres,
      String database,
      S3ProxyServer s3,
      TableMetadata template) {
    this.plan = plan;
    this.postgres = postgres;
    this.database = database;
    this.s3 = s3;
    this.template = template;
    this.uuids = new String[plan.tables()];
    this.metadataLocations = new String[plan.tables()];
  }

  Plan plan() {
    return plan;
  }

  String uuid(int table) {
    return uuids[table];
  }

  String metadataLocation(int table) {
    return metadataLocations[table];
  }

  Figures grow(RestCatalogClient client) throws Exception {
    long t0 = System.nanoTime();
    int writers = Settings.scaleWriters();
    AtomicLong namespacesDone = new AtomicLong();
    Measured created;
    try (Ticker ticker =
        new Ticker(
            10,
            () ->
                String.format(
                    "bulk import: %d of %d namespaces created",
                    namespacesDone.get(), plan.namespaces()))) {
      created =
          Load.fixed(
              writers,
              plan.namespaces(),
              "namespace",
              (c, i) -> {
                client.createNamespace(plan.namespace((int) i));
                namespacesDone.incrementAndGet();
                return new Outcome("namespace", 0);
              });
    }
    Load.Tally namespaces = created.kinds().getOrDefault("namespace", new Load.Tally());
    if (namespaces.errors > 0) {
      throw new IllegalStateException(
          "bulk import: " + namespaces.errors + " namespaces failed: " + namespaces.errorSamples);
    }
    double namespaceSeconds = created.seconds();
    Progress.say(
        "bulk import: %d namespaces through the REST API in %.1f s (%.0f/s)",
        plan.namespaces(), namespaceSeconds, plan.namespaces() / namespaceSeconds);

    AtomicLong written = new AtomicLong();
    AtomicLong inserted = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    long putNanos = 0;
    long insertNanos = 0;
    int batch = Settings.scaleInsertBatch();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try (S3Client s3Client = S3ProxyClients.client(s3);
        Connection db = connect();
        Ticker ticker =
            new Ticker(
                10,
                () ->
                    String.format(
                        "bulk import: %d of %d metadata files put, %d rows inserted",
                        written.get(), plan.tables(), inserted.get()))) {
      for (int from = 0; from < plan.tables(); from += batch) {
        int to = Math.min(plan.tables(), from + batch);
        long p0 = System.nanoTime();
        List<Future<?>> puts = new ArrayList<>();
        for (int i = from; i < to; i++) {
          int table = i;
          puts.add(pool.submit(() -> put(s3Client, table, bytes, written)));
        }
        for (Future<?> put : puts) {
          try {
            put.get();
          } catch (ExecutionException e) {
            throw new IllegalStateException(
                "bulk import: a metadata file could not be put: " + e.getCause(), e.getCause());
          }
        }
        long i0 = System.nanoTime();
        putNanos += i0 - p0;
        insert(db, from, to);
        inserted.addAndGet(to - from);
        insertNanos += System.nanoTime() - i0;
      }
      long a0 = System.nanoTime();
      try (Statement analyze = db.createStatement()) {
        // as an import below the API should: the planner then knows the table's new size at once,
        // instead of when autovacuum next looks
        analyze.execute("ANALYZE catalog_namespace");
        analyze.execute("ANALYZE catalog_entity");
      }
      double analyzeSeconds = (System.nanoTime() - a0) / 1e9;
      double putSeconds = putNanos / 1e9;
      Figures figures =
          new Figures(
              plan.namespaces(),
              plan.tables(),
              namespaceSeconds,
              plan.namespaces() / namespaceSeconds,
              putSeconds,
              plan.tables() / putSeconds,
              retries.get(),
              bytes.get(),
              insertNanos / 1e9,
              analyzeSeconds,
              (System.nanoTime() - t0) / 1e9);
      Progress.say("bulk import done: %s", figures);
      return figures;
    } finally {
      pool.shutdownNow();
    }
  }

  private void put(S3Client client, int table, AtomicLong bytes, AtomicLong written) {
    String location = plan.location(table);
    Map<String, String> properties = new java.util.LinkedHashMap<>(template.properties());
    properties.put(TableProperties.FORMAT_VERSION, String.valueOf(template.formatVersion()));
    TableMetadata metadata =
        TableMetadata.newTableMetadata(
            template.schema(), template.spec(), template.sortOrder(), location, properties);
    String json = TableMetadataParser.toJson(metadata);
    String file = location + "/metadata/00000-" + UUID.randomUUID() + ".metadata.json";
    URI uri = URI.create(file);
    PutObjectRequest request =
        PutObjectRequest.builder()
            .bucket(uri.getHost())
            .key(uri.getPath().substring(1))
            .contentType("application/json")
            .build();
    // a kept-alive connection S3Proxy has just closed fails the request outside the SDK's own
    // retries ("Unexpected end of file from server"); putting the same file again is harmless
    for (int attempt = 1; ; attempt++) {
      try {
        client.putObject(request, RequestBody.fromString(json));
        break;
      } catch (RuntimeException e) {
        if (attempt == 5) {
          throw e;
        }
        retries.incrementAndGet();
      }
    }
    uuids[table] = metadata.uuid();
    metadataLocations[table] = file;
    bytes.addAndGet(json.length());
    written.incrementAndGet();
  }

  /**
   * One multi-row INSERT: the columns {@code CatalogStore.create} sets, namespace levels joined as
   * {@code NamespaceNames.encode} joins them (one level here, so the name itself).
   */
  private void insert(Connection db, int from, int to) throws SQLException {
    StringBuilder sql =
        new StringBuilder(
            "INSERT INTO catalog_entity (namespace_name, name, kind, metadata_location, location,"
                + " pointer_version, created_at, updated_at) VALUES ");
    for (int i = from; i < to; i++) {
      sql.append(i == from ? "" : ", ").append("(?, ?, 'TABLE', ?, ?, 1, now(), now())");
    }
    try (PreparedStatement statement = db.prepareStatement(sql.toString())) {
      int p = 1;
      for (int i = from; i < to; i++) {
        TableRef ref = plan.table(i);
        statement.setString(p++, String.join("\u001f", ref.namespace()));
        statement.setString(p++, ref.name());
        statement.setString(p++, metadataLocations[i]);
        statement.setString(p++, plan.location(i));
      }
      statement.executeUpdate();
    }
  }

  /** The database as its superuser (trust authentication on loopback). */
  Connection connect() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", "postgres");
    // the driver itself: the shaded jar's java.sql.Driver service file is Trino's
    Connection connection =
        new org.postgresql.Driver().connect(postgres.jdbcUrl(database), properties);
    if (connection == null) {
      throw new SQLException("no connection to " + postgres.jdbcUrl(database));
    }
    return connection;
  }

  /** One long from a query. */
  long count(String sql) throws SQLException {
    try (Connection db = connect();
        Statement statement = db.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getLong(1);
    }
  }
}
