package dev.sluice.catalog.lineage;

import static dev.sluice.catalog.lineage.LineageEvents.dataset;
import static dev.sluice.catalog.lineage.LineageEvents.outputWithColumns;
import static dev.sluice.catalog.lineage.LineageEvents.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.catalog.persistence.CatalogSessions;
import dev.sluice.catalog.persistence.LineageEventEntity;
import dev.sluice.catalog.persistence.LineageEventStore;
import dev.sluice.catalog.rest.CatalogTestProfile;
import dev.sluice.lineage.ColumnRef;
import dev.sluice.lineage.DatasetId;
import dev.sluice.lineage.JobId;
import dev.sluice.lineage.LineageEventParser;
import dev.sluice.lineage.LineageGraph;
import dev.sluice.lineage.NodeId;
import dev.sluice.lineage.Visibility;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The lineage tables answer every question exactly as the in-memory graph does for the same events,
 * whatever order they are stored in and however often; events left unprojected (by a crash after a
 * commit, or stored before the tables existed) are projected in the background.
 */
@QuarkusTest
@TestProfile(CatalogTestProfile.class)
class LineageTablesTest {
  @Inject LineageService lineage;
  @Inject LineageEventStore store;
  @Inject CatalogSessions sessions;

  private static final LineageService.Sender SENDER =
      LineageService.Sender.api("user:tables-test", null);

  /**
   * A pipeline with out-of-order states, a failed retry, column lineage, job and dataset events.
   */
  private static List<String> pipeline(String ns) {
    String spark = jobNamespace("spark", ns);
    UUID clean = UUID.randomUUID();
    UUID aggregate = UUID.randomUUID();
    UUID retry = UUID.randomUUID();
    UUID train = UUID.randomUUID();
    String columns =
        """
        {"amount":{"inputFields":[{"namespace":"%1$s","name":"raw.orders","field":"amount"}],
                   "transformationType":"IDENTITY"},
         "region":{"inputFields":[{"namespace":"%1$s","name":"raw.orders","field":"country"},
                                  {"namespace":"%1$s","name":"raw.couriers","field":"zone"}]}}"""
            .formatted(ns);
    String revenueColumns =
        """
        {"revenue":{"inputFields":[{"namespace":"%1$s","name":"silver.orders","field":"amount"}]}}"""
            .formatted(ns);
    List<String> events = new ArrayList<>();
    events.add(
        run(
            "START",
            clean,
            spark,
            "clean_orders",
            "2026-01-01T10:00:00Z",
            dataset(ns, "raw.orders", null) + "," + dataset(ns, "raw.couriers", null),
            dataset(ns, "silver.orders", null)));
    events.add(
        run(
            "COMPLETE",
            clean,
            spark,
            "clean_orders",
            "2026-01-01T10:05:00Z",
            dataset(ns, "raw.orders", "11") + "," + dataset(ns, "raw.couriers", "7"),
            outputWithColumns(ns, "silver.orders", columns)));
    // COMPLETE before its START, and a RUNNING after it: the run stays complete
    events.add(
        run(
            "COMPLETE",
            aggregate,
            spark,
            "aggregate_revenue",
            "2026-01-01T11:10:00Z",
            dataset(ns, "silver.orders", "21"),
            outputWithColumns(ns, "gold.revenue", revenueColumns)));
    events.add(
        run(
            "START",
            aggregate,
            spark,
            "aggregate_revenue",
            "2026-01-01T11:00:00Z",
            dataset(ns, "silver.orders", null),
            dataset(ns, "gold.revenue", null)));
    events.add(
        run(
            "RUNNING",
            aggregate,
            spark,
            "aggregate_revenue",
            "2026-01-01T11:20:00Z",
            dataset(ns, "silver.orders", null),
            ""));
    events.add(
        run(
            "FAIL",
            retry,
            spark,
            "aggregate_revenue",
            "2026-01-02T11:05:00Z",
            dataset(ns, "silver.orders", "22"),
            ""));
    events.add(
        run(
            "ABORT",
            retry,
            spark,
            "aggregate_revenue",
            "2026-01-02T11:04:00Z",
            dataset(ns, "silver.orders", "22"),
            ""));
    events.add(
        run(
            "COMPLETE",
            train,
            jobNamespace("ml", ns),
            "train_forecast",
            "2026-01-01T12:00:00Z",
            dataset(ns, "gold.revenue", "31"),
            dataset(ns, "models.forecast", "1")));
    events.add(
        """
        {"eventTime":"2026-01-01T10:00:00Z","producer":"https://example.com/p",
         "schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/JobEvent",
         "job":{"namespace":"%2$s","name":"report"},
         "inputs":[{"namespace":"%1$s","name":"gold.revenue"}],
         "outputs":[{"namespace":"%1$s","name":"reports.weekly"}]}"""
            .formatted(ns, jobNamespace("dbt", ns)));
    events.add(
        """
        {"eventTime":"2026-01-01T10:00:00Z","producer":"https://example.com/p",
         "schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
         "dataset":{"namespace":"%s","name":"raw.lonely"}}"""
            .formatted(ns));
    return events;
  }

  /** Jobs of their own per test: the tables are shared by every test of the run. */
  private static String jobNamespace(String scheduler, String ns) {
    return scheduler + "-" + ns.substring(ns.lastIndexOf('-') + 1);
  }

  private void storeEach(List<String> events) {
    for (String event : events) {
      lineage.store(LineageService.read(event).events(), SENDER);
    }
  }

  private static LineageGraph inMemory(List<String> events) {
    LineageGraph graph = new LineageGraph();
    events.forEach(json -> graph.apply(LineageEventParser.parse(json)));
    return graph;
  }

  /** Hides one dataset; judges the dbt job by a rule of its own. */
  private static Visibility reader(String ns) {
    return new Visibility() {
      @Override
      public boolean dataset(DatasetId dataset) {
        return !dataset.equals(new DatasetId(ns, "raw.couriers"))
            && !dataset.equals(new DatasetId(ns, "gold.revenue"));
      }

      @Override
      public Optional<Boolean> jobRule(JobId job) {
        return job.namespace().startsWith("dbt-") ? Optional.of(true) : Optional.empty();
      }
    };
  }

  private static void assertSameAnswers(LineageGraph expected, LineageGraph actual, String ns) {
    List<NodeId> nodes =
        List.of(
            new DatasetId(ns, "raw.orders"),
            new DatasetId(ns, "raw.couriers"),
            new DatasetId(ns, "silver.orders"),
            new DatasetId(ns, "gold.revenue"),
            new DatasetId(ns, "models.forecast"),
            new DatasetId(ns, "reports.weekly"),
            new DatasetId(ns, "raw.lonely"),
            new DatasetId(ns, "never.seen"),
            new JobId(jobNamespace("spark", ns), "clean_orders"),
            new JobId(jobNamespace("spark", ns), "aggregate_revenue"),
            new JobId(jobNamespace("ml", ns), "train_forecast"),
            new JobId(jobNamespace("dbt", ns), "report"));
    for (Visibility visibility : List.of(Visibility.ALL, reader(ns))) {
      for (NodeId node : nodes) {
        assertThat(actual.contains(node, visibility))
            .as("contains %s", node)
            .isEqualTo(expected.contains(node, visibility));
        for (int depth = 1; depth <= 5; depth++) {
          assertThat(actual.downstream(node, depth, visibility))
              .as("downstream %s %d", node, depth)
              .isEqualTo(expected.downstream(node, depth, visibility));
          assertThat(actual.upstream(node, depth, visibility))
              .as("upstream %s %d", node, depth)
              .isEqualTo(expected.upstream(node, depth, visibility));
        }
        if (node instanceof DatasetId dataset) {
          assertThat(actual.impact(dataset, visibility))
              .as("impact %s", node)
              .isEqualTo(expected.impact(dataset, visibility));
          for (String field : List.of("amount", "country", "zone", "region", "revenue")) {
            ColumnRef column = new ColumnRef(dataset, field);
            assertThat(actual.columnLineage(column, 5, visibility))
                .isEqualTo(expected.columnLineage(column, 5, visibility));
            assertThat(actual.columnDescendants(column, 5, visibility))
                .isEqualTo(expected.columnDescendants(column, 5, visibility));
          }
        } else {
          JobId job = (JobId) node;
          assertThat(actual.runsOf(job, visibility))
              .as("runs of %s", job)
              .isEqualTo(expected.runsOf(job, visibility));
          expected
              .runsOf(job)
              .forEach(
                  run ->
                      assertThat(actual.run(run.runId(), visibility))
                          .isEqualTo(expected.run(run.runId(), visibility)));
        }
      }
      // the needle is the namespace's own suffix: only this test's nodes match
      String needle = ns.substring(ns.lastIndexOf('-') + 1).toUpperCase();
      assertThat(actual.search(needle, 100, visibility))
          .isEqualTo(expected.search(needle, 100, visibility));
      assertThat(actual.search(needle, 2, visibility))
          .isEqualTo(expected.search(needle, 2, visibility));
    }
  }

  @Test
  void theTablesAnswerAsTheInMemoryGraphDoesInAnyOrderAndAnyNumberOfTimes() {
    String ns = "s3://tables-" + Long.toString(System.nanoTime(), 36);
    List<String> events = pipeline(ns);
    LineageGraph expected = inMemory(events);

    List<String> shuffled = new ArrayList<>(events);
    Collections.shuffle(shuffled, new java.util.Random(42));
    storeEach(shuffled);
    assertSameAnswers(expected, lineage.graph(), ns);
    assertThat(lineage.graph().run(UUID.randomUUID())).isEmpty();

    // sent again, one at a time and as one array with copies: nothing new, nothing changes
    storeEach(events);
    List<LineageService.Received> twice = new ArrayList<>();
    for (String event : events) {
      twice.addAll(LineageService.read(event).events());
      twice.addAll(LineageService.read(event).events());
    }
    assertThat(lineage.store(twice, SENDER)).noneMatch(LineageService.Ingested::stored);
    assertSameAnswers(expected, lineage.graph(), ns);
  }

  @Test
  void oneArrayIsStoredAndProjectedInOneGo() {
    String ns = "s3://array-" + Long.toString(System.nanoTime(), 36);
    List<String> events = pipeline(ns);
    List<LineageService.Received> all = new ArrayList<>();
    events.forEach(event -> all.addAll(LineageService.read(event).events()));
    List<LineageService.Ingested> ingested = lineage.store(all, SENDER);
    assertThat(ingested).allMatch(LineageService.Ingested::stored);
    assertSameAnswers(inMemory(events), lineage.graph(), ns);
  }

  private void appendUnprojected(String json, String source) {
    LineageService.Sender sender =
        source.equals(LineageService.CATALOG_SOURCE) ? LineageService.Sender.CATALOG : SENDER;
    LineageEventEntity entity =
        LineageService.entity(LineageService.read(json).events().get(0), sender);
    QuarkusTransaction.requiringNew()
        .run(() -> store.appendUnprojected(sessions.session(), entity, false));
  }

  @Test
  void eventsLeftUnprojectedAreProjectedInTheBackgroundWithinTheInterval()
      throws InterruptedException {
    // what a replica that died right after a commit leaves, and what V10 queues for events stored
    // before it: stored, queued, not projected
    String ns = "s3://left-" + Long.toString(System.nanoTime(), 36);
    List<String> events = pipeline(ns);
    events.forEach(event -> appendUnprojected(event, "api"));
    // one that claims the catalog's own job namespace but was not sent by the catalog
    String forged =
        run(
            "COMPLETE",
            UUID.randomUUID(),
            "sluice",
            "forged.commit",
            "2026-01-01T10:00:00Z",
            "",
            dataset(ns, "forged.table", "1"));
    appendUnprojected(forged, "api");

    long deadline = System.nanoTime() + 10_000_000_000L;
    while (store.unprojectedCount() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(store.unprojectedCount()).isZero();
    assertSameAnswers(inMemory(events), lineage.graph(), ns);
    assertThat(lineage.graph().contains(new DatasetId(ns, "forged.table"))).isFalse();
    assertThat(lineage.graph().contains(new JobId("sluice", "forged.commit"))).isFalse();
  }

  @Test
  void namesLongerThanTheTablesHoldAreRefusedBeforeAnythingIsStored() {
    String ns = "s3://long-" + Long.toString(System.nanoTime(), 36);
    String event =
        run(
            "COMPLETE",
            UUID.randomUUID(),
            "spark",
            "x".repeat(LineageService.MAX_NAME + 1),
            "2026-01-01T10:00:00Z",
            "",
            dataset(ns, "out", null));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> LineageService.read(event))
        .isInstanceOf(dev.sluice.lineage.InvalidLineageEventException.class)
        .hasMessageContaining("longer than 1024");
    assertThat(lineage.graph().contains(new DatasetId(ns, "out"))).isFalse();
  }
}
