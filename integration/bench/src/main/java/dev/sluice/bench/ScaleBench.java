package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.bench.Load.Tally;
import dev.sluice.bench.RestCatalogClient.Page;
import dev.sluice.bench.RestCatalogClient.TableRef;
import dev.sluice.bench.ScaleResults.ListingRow;
import dev.sluice.bench.ScaleResults.ReadRow;
import dev.sluice.bench.Targets.Infra;
import dev.sluice.bench.Targets.Target;
import dev.sluice.it.PostgresServer;
import dev.sluice.it.Progress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;

/**
 * Does Sluice's cost stay flat as the catalog grows? On {@code sluice-pg} (started as the catalog
 * benchmark starts it): the catalog benchmark's read workloads on its tree dataset; the catalog
 * grown by a bulk import ({@link BulkImport}) to a hundred thousand tables; the same workloads over
 * random tables of the whole catalog; and listings walked page by page at both sizes, one namespace
 * holding many tables.
 */
final class ScaleBench {
  private static final String TARGET = "sluice-pg";

  private final Report report;
  private final Closer closer;
  private final Path workDir;
  private final ScaleResults results;

  ScaleBench(Report report, Closer closer, Path workDir) {
    this.report = report;
    this.closer = closer;
    this.workDir = workDir;
    this.results = report.scale;
  }

  void run(Infra infra) throws Exception {
    TreeDataset tree = new TreeDataset();
    report.notes.put("dataset", tree.describe());
    report.notes.put(
        "durations",
        String.format(
            "warm-up %d s before each timed run; read %d s per operation and concurrency",
            Settings.warmupSeconds(), Settings.readSeconds()));
    report.notes.put(
        "scale",
        String.format(
            "the tree dataset, then %,d more tables in %,d namespaces (%,d of them in the first)"
                + " by a bulk import: namespaces through the REST API, one metadata file per table"
                + " written by Iceberg's TableMetadataParser and put into S3Proxy, the tables'"
                + " rows inserted into Sluice's PostgreSQL in multi-row INSERTs of %,d, then"
                + " ANALYZE; creating them through the REST API would take over an hour here."
                + " The read workloads run once unmeasured before the first measurement (the"
                + " second runs on a server that has run them all), and once more, unmeasured,"
                + " on the grown catalog's first namespace, whose tables the measured reads then"
                + " leave out: the grown catalog's loads read files no load has read before, a"
                + " path the small catalog's never take. loadTable and HEAD on the grown catalog"
                + " pick random tables of the whole catalog but that namespace; list tables lists the"
                + " tree's 10-table namespaces at both sizes (a listing's cost follows its"
                + " namespace's size); larger namespaces are walked page by page on their own",
            Settings.scaleTables(),
            Settings.scaleNamespaces(),
            Settings.scaleLargeNamespaceTables(),
            Settings.scaleInsertBatch()));
    Progress.say("=== target %s: %s", TARGET, Targets.describe(TARGET));
    Target target = closer.register(Targets.start(TARGET, infra, workDir.resolve(TARGET)));
    double[] afterStart = Targets.memoryMiB(target.pid());
    String status = "ok";
    try {
      measure(infra, target, tree);
    } catch (Exception e) {
      status = "FAILED: " + RestCatalogClient.abbreviate(String.valueOf(e), 300);
      throw e;
    } finally {
      report.targets.add(
          new RunningTarget(
                  TARGET,
                  target.description(),
                  target.pid(),
                  target.startupSeconds(),
                  afterStart[0])
              .ended(status));
      closer.closeNow(target);
    }
  }

  private void measure(Infra infra, Target target, TreeDataset tree) throws Exception {
    RestCatalogClient client =
        new RestCatalogClient(target.root(), target.warehouse(), target.token());
    client.configure();
    Map<String, Object> growth = results.growth();
    CatalogBench.createTree(
        tree,
        client,
        (workload, variant, m, kind) ->
            growth.put("tree: " + variant, summary(m.kinds().get(kind), m.seconds())));

    // the template: a table the server created, whose location shows where tables go
    TableRef reference = tree.tables.get(0);
    JsonNode loaded = RestCatalogClient.JSON.readTree(client.loadTable(reference).body());
    TableMetadata template = TableMetadataParser.fromJson(loaded.path("metadata").toString());
    String suffix = String.join("/", reference.namespace()) + "/" + reference.name();
    if (!template.location().endsWith("/" + suffix)) {
      throw new IllegalStateException(
          "unexpected default location " + template.location() + " of " + reference);
    }
    String root = template.location().substring(0, template.location().length() - suffix.length());
    BulkImport.Plan plan =
        new BulkImport.Plan(
            Settings.scaleNamespaces(),
            Settings.scaleTables(),
            Settings.scaleLargeNamespaceTables(),
            root);
    BulkImport importer =
        new BulkImport(plan, infra.postgres(), Targets.SLUICE_PG_DATABASE, infra.s3(), template);

    long small = importer.count("SELECT count(*) FROM catalog_entity");
    // the grown catalog is read by a server that has run every workload already: so is this one,
    // or the comparison measures the JIT, not the catalog's size
    Progress.say("--- reads on %d tables, unmeasured (warm-up)", small);
    CatalogBench.readWorkloads(
        client,
        tree::randomTable,
        tree::randomLeaf,
        Load.NO_CPU,
        (workload, variant, m, kind) -> {});
    growth.put("load average before the reads on " + small + " tables", Targets.loadAverage());
    Progress.say("--- reads on %d tables", small);
    reads(client, small, tree::randomTable, tree::randomLeaf);
    List<String> leaf = tree.leaves.get(0);
    listing(
        client, target, leaf, Settings.tablesPerNamespace(), small, Settings.scaleListPageSize());

    Progress.say(
        "--- growing the catalog by %,d tables in %,d namespaces",
        plan.tables(), plan.namespaces());
    BulkImport.Figures figures = importer.grow(client);
    growth.put("bulk import", figures);
    check(importer, client, tree);
    long large = importer.count("SELECT count(*) FROM catalog_entity");
    growth.put("catalog tables before / after", small + " / " + large);

    // No load has read an imported table yet, so each measured load of one reads and parses its
    // file: a path the small catalog's reads, all served from memory, never took. Those reads ran
    // on a server warmed by the same workloads, so these do too, on the first namespace's tables,
    // which the measured reads then leave out: no measured table is in memory before it is loaded.
    int warmed = plan.namespaces() > 1 ? plan.tablesIn(0) : 0;
    if (warmed > 0) {
      AtomicInteger next = new AtomicInteger();
      Progress.say(
          "--- reads on %d tables, unmeasured (warm-up on the %,d tables of %s)",
          large, warmed, plan.namespace(0));
      CatalogBench.readWorkloads(
          client,
          () -> plan.table(Math.floorMod(next.getAndIncrement(), warmed)),
          tree::randomLeaf,
          Load.NO_CPU,
          (workload, variant, m, kind) -> {});
    }
    int treeTables = tree.tables.size();
    int measured = plan.tables() - warmed;
    Supplier<TableRef> anyTable =
        () -> {
          int r = ThreadLocalRandom.current().nextInt(treeTables + measured);
          return r < treeTables ? tree.tables.get(r) : plan.table(warmed + r - treeTables);
        };
    // a listing's cost follows the namespace's size, which the catalog's size should not change:
    // the same 10-table namespaces as before (larger ones are walked page by page below)
    Supplier<List<String>> anyNamespace = tree::randomLeaf;
    growth.put("load average before the reads on " + large + " tables", Targets.loadAverage());
    Progress.say("--- reads on %d tables", large);
    reads(client, large, anyTable, anyNamespace);

    int pageSize = Settings.scaleListPageSize();
    listing(client, target, leaf, Settings.tablesPerNamespace(), large, pageSize);
    if (plan.namespaces() > 1) {
      listing(client, target, plan.namespace(1), plan.tablesIn(1), large, pageSize);
    }
    listing(client, target, plan.namespace(0), plan.tablesIn(0), large, pageSize);
    listing(client, target, plan.namespace(0), plan.tablesIn(0), large, 0);
    explain(infra.postgres(), plan);
  }

  private void reads(
      RestCatalogClient client,
      long catalogTables,
      Supplier<TableRef> table,
      Supplier<List<String>> namespace)
      throws Exception {
    CatalogBench.readWorkloads(
        client,
        table,
        namespace,
        Load.NO_CPU,
        (workload, variant, m, kind) -> {
          Tally tally = m.kinds().getOrDefault(kind, new Tally());
          Report.Row row =
              Report.row(workload, variant, TARGET, tally, m.seconds(), Double.NaN, null);
          int clients = Integer.parseInt(variant.substring("c=".length()));
          results
              .reads()
              .add(
                  new ReadRow(
                      workload,
                      clients,
                      catalogTables,
                      row.ops(),
                      row.errors(),
                      row.opsPerSecond(),
                      row.p50Ms(),
                      row.p99Ms(),
                      row.maxMs(),
                      row.errorSamples()));
          Progress.say(
              "%d tables / %s / %s: %s ops/s, p50 %s ms, p99 %s ms, errors %d",
              catalogTables,
              workload,
              variant,
              Report.fmt(row.opsPerSecond()),
              Report.fmt(row.p50Ms()),
              Report.fmt(row.p99Ms()),
              row.errors());
        });
  }

  /**
   * Walks {@code namespace} page by page: one unmeasured walk, then {@link
   * Settings#scaleListPasses()} measured ones; every walk must list exactly {@code expected}
   * tables.
   */
  private void listing(
      RestCatalogClient client,
      Target target,
      List<String> namespace,
      long expected,
      long catalogTables,
      int pageSize)
      throws Exception {
    int passes = Settings.scaleListPasses();
    walk(client, namespace, pageSize, expected, null, null, null);
    double[] before = Targets.memoryMiB(target.pid());
    Histogram pages = new Histogram(3_600_000_000L, 3);
    List<Long> firsts = new ArrayList<>();
    List<Long> lasts = new ArrayList<>();
    int pagesPerPass = 0;
    for (int pass = 0; pass < passes; pass++) {
      pagesPerPass = walk(client, namespace, pageSize, expected, pages, firsts, lasts);
    }
    double[] after = Targets.memoryMiB(target.pid());
    ListingRow row =
        new ListingRow(
            String.join(".", namespace),
            expected,
            catalogTables,
            pageSize,
            passes,
            pagesPerPass,
            expected,
            pages.getValueAtPercentile(50) / 1000.0,
            pages.getValueAtPercentile(99) / 1000.0,
            pages.getMaxValue() / 1000.0,
            SigningResults.median(firsts) / 1000.0,
            SigningResults.median(lasts) / 1000.0,
            before[0],
            after[0],
            after[1]);
    results.listings().add(row);
    Progress.say("listing: %s", row);
  }

  /** One walk through a listing; page times (µs) into {@code pages} when measured. */
  private static int walk(
      RestCatalogClient client,
      List<String> namespace,
      int pageSize,
      long expected,
      Histogram pages,
      List<Long> firsts,
      List<Long> lasts)
      throws Exception {
    String token = null;
    int count = 0;
    long listed = 0;
    long last = 0;
    do {
      long t0 = System.nanoTime();
      Page page = client.listTablesPage(namespace, pageSize, token);
      long micros = Math.max(1, (System.nanoTime() - t0) / 1000);
      if (pages != null) {
        pages.recordValue(micros);
        if (count == 0) {
          firsts.add(micros);
        }
      }
      last = micros;
      listed += page.names().size();
      token = page.nextPageToken();
      count++;
      if (pageSize > 0 && page.names().size() > pageSize) {
        throw new IllegalStateException(
            "a page of " + page.names().size() + " tables, asked for " + pageSize);
      }
    } while (token != null);
    if (lasts != null) {
      lasts.add(last);
    }
    if (listed != expected) {
      throw new IllegalStateException(
          "listing "
              + String.join(".", namespace)
              + " gave "
              + listed
              + " tables, expected "
              + expected);
    }
    return count;
  }

  /**
   * What a client sees of imported tables: random ones load through the REST API (200) with the
   * location, table UUID and metadata file the import gave them, and exist (HEAD); in the database
   * every table has its own location and a namespace row.
   */
  private void check(BulkImport importer, RestCatalogClient client, TreeDataset tree)
      throws Exception {
    BulkImport.Plan plan = importer.plan();
    int checks = Math.min(Settings.scaleSpotChecks(), plan.tables());
    List<Integer> picked = new ArrayList<>(List.of(0, plan.tables() - 1));
    while (picked.size() < checks) {
      picked.add(ThreadLocalRandom.current().nextInt(plan.tables()));
    }
    for (int i : picked) {
      TableRef ref = plan.table(i);
      JsonNode body = RestCatalogClient.JSON.readTree(client.loadTable(ref).body());
      String location = body.path("metadata").path("location").asText();
      String uuid = body.path("metadata").path("table-uuid").asText();
      String metadataLocation = body.path("metadata-location").asText();
      if (!location.equals(plan.location(i))
          || !uuid.equals(importer.uuid(i))
          || !metadataLocation.equals(importer.metadataLocation(i))) {
        throw new IllegalStateException(
            "imported table "
                + ref
                + " loads with location "
                + location
                + ", uuid "
                + uuid
                + ", metadata "
                + metadataLocation
                + "; imported as "
                + plan.location(i)
                + ", "
                + importer.uuid(i)
                + ", "
                + importer.metadataLocation(i));
      }
      client.tableExists(ref);
    }
    Map<String, Object> growth = results.growth();
    growth.put(
        "spot checks",
        picked.size()
            + " imported tables loaded through the REST API: 200 with the imported location,"
            + " table UUID and metadata file; HEAD 204");
    long rows = importer.count("SELECT count(*) FROM catalog_entity");
    long locations = importer.count("SELECT count(DISTINCT location) FROM catalog_entity");
    long orphans =
        importer.count(
            "SELECT count(*) FROM catalog_entity e LEFT JOIN catalog_namespace n"
                + " ON n.name = e.namespace_name WHERE n.id IS NULL");
    long outside =
        importer.count(
            "SELECT count(*) FROM catalog_entity WHERE location NOT LIKE '"
                + plan.root().replace("'", "''")
                + "%'");
    growth.put(
        "database checks",
        String.format(
            "%d table rows, %d distinct locations, %d without a namespace row, %d outside the"
                + " warehouse",
            rows, locations, orphans, outside));
    if (locations != rows || orphans != 0 || outside != 0) {
      throw new IllegalStateException("bulk import broke a catalog rule: " + growth);
    }
    Progress.say(
        "bulk import checks: %s; %s", growth.get("spot checks"), growth.get("database checks"));
  }

  /**
   * The plans PostgreSQL makes for the two statements every read runs ({@code CatalogReads}): a
   * pointer, and a page in the middle of the large namespace; as the generic plan of a prepared
   * statement (what a server-side prepared statement may settle on after five runs) and as a custom
   * plan for the given values.
   */
  private void explain(PostgresServer postgres, BulkImport.Plan plan) throws Exception {
    String namespace = BulkImport.Plan.namespaceName(0);
    String middle = plan.table(plan.tablesIn(0) / 2).name();
    Map<String, String> statements = new LinkedHashMap<>();
    statements.put(
        "pointer",
        "PREPARE pointer(varchar, varchar) AS SELECT id, kind, metadata_location FROM"
            + " catalog_entity WHERE namespace_name = $1 AND name = $2;"
            + " SET plan_cache_mode = force_generic_plan;"
            + " EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE pointer('"
            + namespace
            + "', '"
            + middle
            + "')");
    statements.put(
        "page",
        "PREPARE page(varchar, varchar, varchar, varchar, int) AS SELECT e.name FROM"
            + " catalog_namespace n LEFT JOIN catalog_entity e ON e.namespace_name = n.name AND"
            + " e.kind = $1 AND ($2 IS NULL OR e.name > $3) WHERE n.name = $4 ORDER BY e.name"
            + " LIMIT $5; SET plan_cache_mode = force_generic_plan;"
            + " EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE page('TABLE', '"
            + middle
            + "', '"
            + middle
            + "', '"
            + namespace
            + "', 500)");
    for (Map.Entry<String, String> statement : statements.entrySet()) {
      for (String mode : List.of("generic", "custom")) {
        String sql =
            statement
                .getValue()
                .replace(
                    "plan_cache_mode = force_generic_plan",
                    "plan_cache_mode = force_" + mode + "_plan");
        PostgresServer.SqlResult result = postgres.sql(Targets.SLUICE_PG_DATABASE, sql);
        String shown = result.output().replaceAll("(?m)^(PREPARE|SET)$\\n?", "").trim();
        results
            .growth()
            .put("EXPLAIN " + mode + " plan of the " + statement.getKey() + " read", shown);
        Progress.say("EXPLAIN %s plan of the %s read:%n%s", mode, statement.getKey(), shown);
      }
    }
    results.growth().put("load average at the end", Targets.loadAverage());
  }

  private static String summary(Tally tally, double seconds) {
    if (tally == null) {
      return "-";
    }
    Report.Row row = Report.row("", "", TARGET, tally, seconds, Double.NaN, null);
    return String.format(
        "%d in %.1f s (%s/s), p50 %s ms, errors %d",
        row.ops(), seconds, Report.fmt(row.opsPerSecond()), Report.fmt(row.p50Ms()), row.errors());
  }
}
