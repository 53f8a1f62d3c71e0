package dev.sluice.it.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.it.Progress;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real OpenLineage producer: Spark 4 with the OpenLineage Spark listener sending to Sluice runs a
 * two-step pipeline (raw → silver with a join and a renamed column, silver → gold with an
 * aggregate), and Sluice's lineage API answers exactly: the graph up- and downstream, the column
 * lineage of the renamed column, the impact of a raw table, and for each run the Iceberg snapshot
 * ids it read and wrote, which time travel turns back into the exact rows. The listener and the
 * catalog (which emits an event for every commit) must name each table as the same dataset.
 *
 * <p>Each step is CREATE TABLE then INSERT ... SELECT. With CREATE TABLE AS SELECT, listener 1.53.0
 * names the table that does not exist yet from the catalog's {@code warehouse} setting (here the
 * warehouse name, so {@code file:sluice/gold/...}) in the events that carry the inputs, and the
 * job's input edges land on a dataset nobody else knows.
 *
 * <p>Spark's reads are lineage too: the listener reports every query, a SELECT as a job ({@code
 * <app>.adaptive_spark_plan}) reading its tables. So the pipeline statements are the only Spark
 * statements until the lineage answers have been checked, and the checks that read data through
 * Spark come last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkLineageIT {
  /** The Spark application, which the listener puts first in its job names. */
  private static final String APP = "orders_pipeline";

  /** {@code spark.openlineage.namespace}: the namespace of the Spark jobs. */
  private static final String SPARK_JOBS = "pipelines";

  /** The namespace of catalog-emitted jobs ({@code sluice.lineage.job-namespace}, default). */
  private static final String CATALOG_JOBS = "sluice";

  /** The OpenLineage namespace of every table of the warehouse: its bucket. */
  private static final String LAKE = "s3://" + SluiceLakehouse.BUCKET;

  private static final Duration ARRIVAL = Duration.ofSeconds(60);

  private static final Table ORDERS = new Table("raw", "orders");
  private static final Table CUSTOMERS = new Table("raw", "customers");
  private static final Table SILVER = new Table("silver", "orders_enriched");
  private static final Table GOLD = new Table("gold", "revenue_by_customer");
  private static final List<Table> TABLES = List.of(ORDERS, CUSTOMERS, SILVER, GOLD);

  /** The principal of the listener's token, which holds only the lineage writer role. */
  private static final String LISTENER = "client:openlineage-spark";

  private SluiceLakehouse lake;
  private SparkSession spark;
  private LineageClient lineage;
  private String listenerToken;

  /**
   * The snapshot ids of each table, oldest first, from Sluice's REST API; the last test checks that
   * they are the ones Spark committed (its snapshots metadata tables).
   */
  private final Map<Table, List<Long>> snapshots = new LinkedHashMap<>();

  @BeforeAll
  void runPipeline() throws Exception {
    lake =
        SluiceLakehouse.start(
            Path.of(System.getProperty("sluice.it.workdir", "target/spark-it")).resolve("lineage"));
    lineage = new LineageClient(lake.sluice());
    // the listener sends with a token that may send lineage and do nothing else
    listenerToken = LineageClient.issueWriterToken(lake.sluice(), LISTENER);
    spark =
        SparkSessions.forLakehouse(
            lake, APP, SparkSessions.openLineageTo(lake, SPARK_JOBS, listenerToken));

    Progress.say("spark: loading raw.orders and raw.customers");
    sql("CREATE NAMESPACE sluice.raw");
    sql("CREATE NAMESPACE sluice.silver");
    sql("CREATE NAMESPACE sluice.gold");
    sql(
        "CREATE TABLE sluice.raw.orders (order_id BIGINT, customer_id BIGINT,"
            + " amount DECIMAL(10,2)) USING iceberg");
    sql("CREATE TABLE sluice.raw.customers (id BIGINT, name STRING, country STRING) USING iceberg");
    sql(
        "INSERT INTO sluice.raw.orders VALUES (1, 10, 5.00), (2, 10, 7.50), (3, 20, 100.00),"
            + " (4, 30, 1.25)");
    sql(
        "INSERT INTO sluice.raw.customers VALUES (10, 'Ada', 'UK'), (20, 'Grace', 'US'),"
            + " (30, 'Linus', 'FI')");

    Progress.say("spark: raw -> silver.orders_enriched (join, customers.name AS customer)");
    sql(
        "CREATE TABLE sluice.silver.orders_enriched (order_id BIGINT, customer STRING,"
            + " country STRING, amount DECIMAL(10,2)) USING iceberg");
    sql(
        "INSERT INTO sluice.silver.orders_enriched"
            + " SELECT o.order_id, c.name AS customer, c.country, o.amount"
            + " FROM sluice.raw.orders o JOIN sluice.raw.customers c ON o.customer_id = c.id");

    Progress.say("spark: silver -> gold.revenue_by_customer (aggregate)");
    sql(
        "CREATE TABLE sluice.gold.revenue_by_customer (customer STRING, revenue DECIMAL(20,2),"
            + " orders BIGINT) USING iceberg");
    sql(
        "INSERT INTO sluice.gold.revenue_by_customer"
            + " SELECT customer, SUM(amount) AS revenue, COUNT(*) AS orders"
            + " FROM sluice.silver.orders_enriched GROUP BY customer");

    // raw.orders moves on after the pipeline ran: only time travel shows what the run read
    Progress.say("spark: a late order lands in raw.orders");
    sql("INSERT INTO sluice.raw.orders VALUES (5, 20, 42.00)");

    for (Table table : TABLES) {
      List<Long> ids = new ArrayList<>();
      lake.loadTable(table.namespace(), table.name())
          .path("metadata")
          .path("snapshot-log")
          .forEach(entry -> ids.add(entry.path("snapshot-id").asLong()));
      snapshots.put(table, ids);
      assertThat(lake.currentSnapshotId(table.namespace(), table.name()))
          .as("Sluice's current snapshot of %s", table)
          .isEqualTo(ids.get(ids.size() - 1));
    }
    assertThat(snapshots.get(ORDERS)).hasSize(2);
    assertThat(snapshots.get(CUSTOMERS)).hasSize(1);
    assertThat(snapshots.get(SILVER)).hasSize(1);
    assertThat(snapshots.get(GOLD)).hasSize(1);

    awaitCompletedRuns();
  }

  @AfterAll
  void stop() {
    try {
      SparkSessions.stop(spark);
    } finally {
      if (lake != null) {
        lake.close();
      }
    }
  }

  @Test
  @Order(1)
  void sparkAndCatalogNameEachTableAsTheSameDataset() throws Exception {
    for (Table table : TABLES) {
      // OpenLineage's naming for a table: its location, split into bucket and path
      String location =
          lake.loadTable(table.namespace(), table.name())
              .path("metadata")
              .path("location")
              .asText();
      Node expected = table.dataset();
      assertThat(location).isEqualTo(expected.namespace() + "/" + expected.name());

      Set<String> sparkNames = outputNames(lineage.runs(SPARK_JOBS, table.appendJob().name()));
      sparkNames.addAll(outputNames(lineage.runs(SPARK_JOBS, table.createJob().name())));
      Set<String> catalogNames = outputNames(lineage.runs(CATALOG_JOBS, table.commitJob().name()));
      assertThat(sparkNames)
          .as("%s as Spark's listener names it (the catalog names it %s)", table, catalogNames)
          .containsExactly(expected.toString());
      assertThat(catalogNames)
          .as("%s as the catalog names it (Spark's listener names it %s)", table, sparkNames)
          .containsExactly(expected.toString());

      // both say which snapshot each commit made: the one Spark committed
      List<String> committed = snapshots.get(table).stream().map(String::valueOf).toList();
      assertThat(outputVersions(lineage.runs(SPARK_JOBS, table.appendJob().name())))
          .as("versions of %s written by the Spark runs", table)
          .containsExactlyElementsOf(committed);
      // (in any order: the catalog's commit runs have no START event, so no start time to sort by)
      assertThat(outputVersions(lineage.runs(CATALOG_JOBS, table.commitJob().name())))
          .as("versions of %s in the catalog's commit events", table)
          .containsExactlyInAnyOrderElementsOf(committed);
    }
  }

  @Test
  @Order(2)
  void upstreamOfGoldReachesTheRawTablesThroughTheSparkJobs() throws Exception {
    List<Node> nodes = new ArrayList<>();
    List<Link> edges = new ArrayList<>();
    for (Table table : TABLES) {
      nodes.add(table.dataset());
      for (Node writer : table.writers()) {
        nodes.add(writer);
        edges.add(new Link(writer, table.dataset()));
      }
    }
    edges.add(new Link(SILVER.dataset(), GOLD.appendJob()));
    edges.add(new Link(ORDERS.dataset(), SILVER.appendJob()));
    edges.add(new Link(CUSTOMERS.dataset(), SILVER.appendJob()));
    assertGraph(
        lineage.graph("dataset", LAKE, GOLD.dataset().name(), "upstream", 10), nodes, edges);

    // two edges up: gold's writers and what the Spark job read
    List<Node> near = new ArrayList<>(List.of(GOLD.dataset(), SILVER.dataset()));
    near.addAll(GOLD.writers());
    List<Link> nearEdges = new ArrayList<>(List.of(new Link(SILVER.dataset(), GOLD.appendJob())));
    GOLD.writers().forEach(w -> nearEdges.add(new Link(w, GOLD.dataset())));
    assertGraph(
        lineage.graph("dataset", LAKE, GOLD.dataset().name(), "upstream", 2), near, nearEdges);

    // from the job that built silver: its inputs and their writers
    Node silverJob = SILVER.appendJob();
    List<Node> ofJob = new ArrayList<>(List.of(silverJob, ORDERS.dataset(), CUSTOMERS.dataset()));
    ofJob.addAll(ORDERS.writers());
    ofJob.addAll(CUSTOMERS.writers());
    List<Link> ofJobEdges =
        new ArrayList<>(
            List.of(
                new Link(ORDERS.dataset(), silverJob), new Link(CUSTOMERS.dataset(), silverJob)));
    ORDERS.writers().forEach(w -> ofJobEdges.add(new Link(w, ORDERS.dataset())));
    CUSTOMERS.writers().forEach(w -> ofJobEdges.add(new Link(w, CUSTOMERS.dataset())));
    assertGraph(
        lineage.graph("job", SPARK_JOBS, silverJob.name(), "upstream", 5), ofJob, ofJobEdges);
  }

  @Test
  @Order(3)
  void downstreamOfEachRawTableReachesSilverAndGold() throws Exception {
    for (Table raw : List.of(ORDERS, CUSTOMERS)) {
      assertGraph(
          lineage.graph("dataset", LAKE, raw.dataset().name(), "downstream", 10),
          List.of(
              raw.dataset(),
              SILVER.dataset(),
              GOLD.dataset(),
              SILVER.appendJob(),
              GOLD.appendJob()),
          List.of(
              new Link(raw.dataset(), SILVER.appendJob()),
              new Link(SILVER.appendJob(), SILVER.dataset()),
              new Link(SILVER.dataset(), GOLD.appendJob()),
              new Link(GOLD.appendJob(), GOLD.dataset())));
    }
    // one edge down: only the job that reads it
    assertGraph(
        lineage.graph("dataset", LAKE, ORDERS.dataset().name(), "downstream", 1),
        List.of(ORDERS.dataset(), SILVER.appendJob()),
        List.of(new Link(ORDERS.dataset(), SILVER.appendJob())));
  }

  @Test
  @Order(4)
  void renamedColumnTracesBackToRawCustomersName() throws Exception {
    Node gold = GOLD.dataset();
    Node silver = SILVER.dataset();
    Node customers = CUSTOMERS.dataset();
    Node orders = ORDERS.dataset();

    assertThat(columnLinks(lineage.columns(LAKE, gold.name(), "customer", "upstream")))
        .containsExactly(
            column(silver, "customer") + " -> " + column(gold, "customer") + " [DIRECT IDENTITY]",
            column(customers, "name") + " -> " + column(silver, "customer") + " [DIRECT IDENTITY]");
    assertThat(columnLinks(lineage.columns(LAKE, silver.name(), "customer", "upstream")))
        .containsExactly(
            column(customers, "name") + " -> " + column(silver, "customer") + " [DIRECT IDENTITY]");
    assertThat(columnLinks(lineage.columns(LAKE, gold.name(), "revenue", "upstream")))
        .containsExactly(
            column(silver, "amount") + " -> " + column(gold, "revenue") + " [DIRECT AGGREGATION]",
            column(orders, "amount") + " -> " + column(silver, "amount") + " [DIRECT IDENTITY]");
    // and the other way: what was derived from raw.customers.name
    assertThat(columnLinks(lineage.columns(LAKE, customers.name(), "name", "downstream")))
        .containsExactly(
            column(silver, "customer") + " -> " + column(gold, "customer") + " [DIRECT IDENTITY]",
            column(customers, "name") + " -> " + column(silver, "customer") + " [DIRECT IDENTITY]");
  }

  @Test
  @Order(5)
  void impactOfRawOrdersIsSilverGoldAndTheSparkRunsThatReadThem() throws Exception {
    JsonNode impact = lineage.impact(LAKE, ORDERS.dataset().name());
    assertThat(Node.of(impact.path("source"))).isEqualTo(ORDERS.dataset());
    assertThat(nodes(impact.path("datasets")))
        .containsExactly(GOLD.dataset().toString(), SILVER.dataset().toString());
    assertThat(nodes(impact.path("jobs")))
        .containsExactly(GOLD.appendJob().toString(), SILVER.appendJob().toString());

    String silverRun = onlyRunId(SILVER.appendJob());
    String goldRun = onlyRunId(GOLD.appendJob());
    assertThat(runSummaries(impact.path("runs")))
        .containsExactly(
            runSummary(
                goldRun,
                GOLD.appendJob(),
                List.of(versioned(SILVER, 0)),
                List.of(versioned(GOLD, 0))),
            runSummary(
                silverRun,
                SILVER.appendJob(),
                List.of(versioned(CUSTOMERS, 0), versioned(ORDERS, 0)),
                List.of(versioned(SILVER, 0))));
  }

  @Test
  @Order(6)
  void runsRecordTheSnapshotIdsTheyReadAndWrote() throws Exception {
    JsonNode run = lineage.run(onlyRunId(SILVER.appendJob()));
    assertThat(run.path("state").asText()).isEqualTo("COMPLETE");
    assertThat(versions(run.path("inputs")))
        .containsExactly(versioned(CUSTOMERS, 0), versioned(ORDERS, 0));
    assertThat(versions(run.path("outputs"))).containsExactly(versioned(SILVER, 0));

    // the loads of raw.orders: one run per INSERT, each with the snapshot it committed
    JsonNode loads = lineage.runs(SPARK_JOBS, ORDERS.appendJob().name()).orElseThrow();
    assertThat(runSummaries(loads))
        .containsExactly(
            runSummary(
                loads.get(0).path("runId").asText(),
                ORDERS.appendJob(),
                List.of(),
                List.of(versioned(ORDERS, 0))),
            runSummary(
                loads.get(1).path("runId").asText(),
                ORDERS.appendJob(),
                List.of(),
                List.of(versioned(ORDERS, 1))));
  }

  @Test
  @Order(7)
  void searchFindsTheTableAndEveryJobThatWroteIt() throws Exception {
    assertThat(nodes(lineage.search("revenue_by_customer")))
        .containsExactly(
            GOLD.dataset().toString(),
            GOLD.appendJob().toString(),
            GOLD.createJob().toString(),
            GOLD.commitJob().toString());

    // the listener's token may send lineage, not read the tables: it sees none of them, and no
    // job that touched only them
    LineageClient listener = new LineageClient(lake.sluice(), listenerToken);
    assertThat(nodes(listener.search("revenue_by_customer"))).isEmpty();
    assertThat(listener.runs(SPARK_JOBS, GOLD.appendJob().name())).isEmpty();
    assertThat(lineage.runs(SPARK_JOBS, GOLD.appendJob().name())).isPresent();
  }

  /** Reads through Spark, so last (see the class comment). */
  @Test
  @Order(8)
  void sparkCommittedTheseSnapshotsAndTimeTravelFindsTheRunsInputAgain() throws Exception {
    for (Table table : TABLES) {
      assertThat(
              rows("SELECT snapshot_id FROM " + table.sql() + ".snapshots ORDER BY committed_at"))
          .as("snapshots of %s according to Spark", table)
          .containsExactlyElementsOf(snapshots.get(table).stream().map(String::valueOf).toList());
    }
    assertThat(rows("SELECT * FROM sluice.silver.orders_enriched ORDER BY order_id"))
        .containsExactly("1|Ada|UK|5.00", "2|Ada|UK|7.50", "3|Grace|US|100.00", "4|Linus|FI|1.25");
    assertThat(rows("SELECT * FROM sluice.gold.revenue_by_customer ORDER BY customer"))
        .containsExactly("Ada|12.50|2", "Grace|100.00|1", "Linus|1.25|1");

    // the version of raw.orders that built silver is no longer current, and still readable
    JsonNode run = lineage.run(onlyRunId(SILVER.appendJob()));
    String ordersRead = inputVersion(run, ORDERS);
    assertThat(Long.parseLong(ordersRead)).isNotEqualTo(lake.currentSnapshotId("raw", "orders"));
    assertThat(rows("SELECT order_id FROM sluice.raw.orders ORDER BY order_id"))
        .containsExactly("1", "2", "3", "4", "5");
    assertThat(
            rows(
                "SELECT order_id, customer_id, amount FROM sluice.raw.orders VERSION AS OF "
                    + ordersRead
                    + " ORDER BY order_id"))
        .containsExactly("1|10|5.00", "2|10|7.50", "3|20|100.00", "4|30|1.25");
  }

  // ---- waiting for the listener ----

  /**
   * The listener sends asynchronously: waits (bounded) until Sluice has a COMPLETE run for every
   * statement of the pipeline; each COMPLETE event carries the run's inputs, outputs and versions.
   */
  private void awaitCompletedRuns() throws Exception {
    Map<Node, Integer> expected = new LinkedHashMap<>();
    for (Table table : TABLES) {
      expected.put(table.createJob(), 1);
      expected.put(table.appendJob(), table == ORDERS ? 2 : 1);
    }
    long deadline = System.nanoTime() + ARRIVAL.toNanos();
    Map<Node, Integer> completed = new LinkedHashMap<>();
    while (true) {
      completed.clear();
      for (Node job : expected.keySet()) {
        Optional<JsonNode> runs = lineage.runs(job.namespace(), job.name());
        int done = 0;
        if (runs.isPresent()) {
          for (JsonNode run : runs.get()) {
            done += run.path("state").asText().equals("COMPLETE") ? 1 : 0;
          }
        }
        completed.put(job, done);
      }
      if (completed.equals(expected)) {
        Progress.say("lineage: all %d Spark jobs completed in Sluice", expected.size());
        return;
      }
      if (System.nanoTime() > deadline) {
        assertThat(completed)
            .as(
                "COMPLETE runs per Spark job in Sluice after %s (log: %s)",
                ARRIVAL, lake.sluiceLog())
            .isEqualTo(expected);
      }
      Thread.sleep(250);
    }
  }

  // ---- expectations ----

  /** A table of the pipeline, the dataset it is in OpenLineage and the jobs that write it. */
  private record Table(String namespace, String name) {
    String sql() {
      return SparkSessions.CATALOG + "." + namespace + "." + name;
    }

    Node dataset() {
      return new Node("dataset", LAKE, SluiceLakehouse.WAREHOUSE_PREFIX + namespace + "/" + name);
    }

    /** The listener's job for {@code INSERT INTO sluice.<namespace>.<name>}. */
    Node appendJob() {
      return new Node("job", SPARK_JOBS, APP + ".append_data.sluice_" + namespace + "_" + name);
    }

    /** The listener's job for {@code CREATE TABLE sluice.<namespace>.<name>}. */
    Node createJob() {
      return new Node("job", SPARK_JOBS, APP + ".create_table." + namespace + "_" + name);
    }

    /** The catalog's job for commits to the table. */
    Node commitJob() {
      return new Node("job", CATALOG_JOBS, namespace + "." + name + ".commit");
    }

    List<Node> writers() {
      return List.of(appendJob(), createJob(), commitJob());
    }

    @Override
    public String toString() {
      return namespace + "." + name;
    }
  }

  /** A node of a lineage answer. */
  private record Node(String type, String namespace, String name) {
    static final Comparator<Node> ORDER =
        Comparator.comparing(Node::type).thenComparing(Node::namespace).thenComparing(Node::name);

    static Node of(JsonNode json) {
      return new Node(
          json.path("type").asText(), json.path("namespace").asText(), json.path("name").asText());
    }

    @Override
    public String toString() {
      return type + " " + namespace + " " + name;
    }
  }

  private record Link(Node from, Node to) {
    static final Comparator<Link> ORDER =
        Comparator.comparing(Link::from, Node.ORDER).thenComparing(Link::to, Node.ORDER);

    @Override
    public String toString() {
      return from + " -> " + to;
    }
  }

  /** The graph answer has exactly these nodes and edges, each sorted (type, namespace, name). */
  private static void assertGraph(JsonNode graph, List<Node> nodes, List<Link> edges) {
    assertThat(nodes(graph.path("nodes")))
        .containsExactlyElementsOf(nodes.stream().sorted(Node.ORDER).map(Node::toString).toList());
    List<String> actualEdges =
        stream(graph.path("edges"))
            .map(e -> new Link(Node.of(e.path("from")), Node.of(e.path("to"))).toString())
            .toList();
    assertThat(actualEdges)
        .containsExactlyElementsOf(edges.stream().sorted(Link.ORDER).map(Link::toString).toList());
  }

  private static List<String> nodes(JsonNode array) {
    return stream(array).map(n -> Node.of(n).toString()).toList();
  }

  private static String column(Node dataset, String field) {
    return dataset.namespace() + "/" + dataset.name() + "#" + field;
  }

  private static List<String> columnLinks(JsonNode array) {
    return stream(array)
        .map(
            l ->
                columnOf(l.path("source"))
                    + " -> "
                    + columnOf(l.path("target"))
                    + " ["
                    + l.path("transformation").asText()
                    + "]")
        .toList();
  }

  private static String columnOf(JsonNode column) {
    return column.path("namespace").asText()
        + "/"
        + column.path("name").asText()
        + "#"
        + column.path("field").asText();
  }

  /** {@code <dataset>@<snapshot id>} for the table's {@code index}-th snapshot. */
  private String versioned(Table table, int index) {
    return table.dataset().namespace()
        + "/"
        + table.dataset().name()
        + "@"
        + snapshots.get(table).get(index);
  }

  private static List<String> versions(JsonNode array) {
    return stream(array)
        .map(
            v ->
                v.path("namespace").asText()
                    + "/"
                    + v.path("name").asText()
                    + "@"
                    + v.path("version").asText())
        .toList();
  }

  /** A completed run: its id, job, and the dataset versions it read and wrote. */
  private static String runSummary(
      String runId, Node job, List<String> inputs, List<String> outputs) {
    return runSummary(runId, job, "COMPLETE", inputs, outputs);
  }

  private static String runSummary(
      String runId, Node job, String state, List<String> inputs, List<String> outputs) {
    return runId + " " + job + " " + state + " in=" + inputs + " out=" + outputs;
  }

  private static List<String> runSummaries(JsonNode runs) {
    return stream(runs)
        .map(
            r ->
                runSummary(
                    r.path("runId").asText(),
                    Node.of(r.path("job")),
                    r.path("state").asText(),
                    versions(r.path("inputs")),
                    versions(r.path("outputs"))))
        .toList();
  }

  private String onlyRunId(Node job) throws IOException {
    JsonNode runs = lineage.runs(job.namespace(), job.name()).orElseThrow();
    assertThat(runs).as("runs of %s", job).hasSize(1);
    return runs.get(0).path("runId").asText();
  }

  private static String inputVersion(JsonNode run, Table table) {
    return stream(run.path("inputs"))
        .filter(v -> v.path("name").asText().equals(table.dataset().name()))
        .map(v -> v.path("version").asText())
        .findFirst()
        .orElseThrow(() -> new AssertionError(table + " is not an input of " + run));
  }

  /** The datasets the runs wrote, as {@code dataset <namespace> <name>}. */
  private static Set<String> outputNames(Optional<JsonNode> runs) {
    Set<String> names = new TreeSet<>();
    runs.ifPresent(
        rs ->
            stream(rs)
                .flatMap(r -> stream(r.path("outputs")))
                .forEach(
                    o ->
                        names.add(
                            new Node(
                                    "dataset",
                                    o.path("namespace").asText(),
                                    o.path("name").asText())
                                .toString())));
    return names;
  }

  /** The versions the runs wrote, oldest run first, leaving out commits without a snapshot. */
  private static List<String> outputVersions(Optional<JsonNode> runs) {
    return runs.stream()
        .flatMap(SparkLineageIT::stream)
        .flatMap(r -> stream(r.path("outputs")))
        .map(o -> o.path("version").asText())
        .filter(v -> !v.isEmpty())
        .toList();
  }

  private static Stream<JsonNode> stream(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false);
  }

  private void sql(String statement) {
    spark.sql(statement);
  }

  private List<String> rows(String query) {
    return spark.sql(query).collectAsList().stream().map(r -> r.mkString("|")).toList();
  }
}
