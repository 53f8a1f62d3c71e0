package dev.sluice.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LineageGraphTest {
  private static final String NS = "s3://lake";
  private static final DatasetId BRONZE = new DatasetId(NS, "raw.orders");
  private static final DatasetId SILVER = new DatasetId(NS, "silver.orders_clean");
  private static final DatasetId GOLD = new DatasetId(NS, "gold.revenue");
  private static final DatasetId OTHER = new DatasetId(NS, "raw.couriers");
  private static final JobId CLEAN = new JobId("spark", "clean_orders");
  private static final JobId AGGREGATE = new JobId("spark", "aggregate_revenue");
  private static final JobId TRAIN = new JobId("ml", "train_forecast");

  static String event(
      String type, UUID run, JobId job, String time, String inputs, String outputs) {
    return """
        {"eventType":"%s","eventTime":"%s","producer":"https://example.com/p",
         "schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
         "run":{"runId":"%s"},"job":{"namespace":"%s","name":"%s"},
         "inputs":[%s],"outputs":[%s]}"""
        .formatted(type, time, run, job.namespace(), job.name(), inputs, outputs);
  }

  static String dataset(DatasetId id, String version) {
    String facets =
        version == null
            ? "{}"
            : """
            {"version":{"_producer":"https://example.com/p","_schemaURL":"https://openlineage.io/spec/facets/1-0-0/DatasetVersionDatasetFacet.json","datasetVersion":"%s"}}"""
                .formatted(version);
    return """
        {"namespace":"%s","name":"%s","facets":%s}"""
        .formatted(id.namespace(), id.name(), facets);
  }

  private final LineageGraph graph = new LineageGraph();

  private void apply(String json) {
    graph.apply(LineageEventParser.parse(json));
  }

  private UUID seedPipeline() {
    UUID clean = UUID.randomUUID();
    UUID aggregate = UUID.randomUUID();
    UUID train = UUID.randomUUID();
    apply(
        event(
            "COMPLETE",
            clean,
            CLEAN,
            "2026-01-01T10:00:00Z",
            dataset(BRONZE, "11"),
            dataset(SILVER, "21")));
    apply(
        event(
            "COMPLETE",
            aggregate,
            AGGREGATE,
            "2026-01-01T11:00:00Z",
            dataset(SILVER, "21"),
            dataset(GOLD, "31")));
    apply(event("COMPLETE", train, TRAIN, "2026-01-01T12:00:00Z", dataset(GOLD, "31"), ""));
    apply(
        event(
            "COMPLETE",
            UUID.randomUUID(),
            new JobId("spark", "couriers"),
            "2026-01-01T12:00:00Z",
            dataset(OTHER, "1"),
            ""));
    return train;
  }

  @Test
  void impactOfABronzeTableReachesSilverGoldAndTheTrainingRun() {
    UUID train = seedPipeline();

    Impact impact = graph.impact(BRONZE);

    assertThat(impact.datasets()).containsExactly(GOLD, SILVER);
    assertThat(impact.jobs()).containsExactly(TRAIN, AGGREGATE, CLEAN);
    assertThat(impact.runs()).extracting(RunView::job).containsExactly(TRAIN, AGGREGATE, CLEAN);
    assertThat(impact.runs()).extracting(RunView::runId).contains(train);
  }

  @Test
  void downstreamAndUpstreamStopAtTheRequestedDepth() {
    seedPipeline();

    Subgraph one = graph.downstream(BRONZE, 2);
    assertThat(one.nodes()).containsExactly(BRONZE, SILVER, CLEAN);
    assertThat(one.edges()).containsExactly(new Edge(BRONZE, CLEAN), new Edge(CLEAN, SILVER));

    Subgraph up = graph.upstream(GOLD, 3);
    assertThat(up.nodes()).containsExactly(GOLD, SILVER, AGGREGATE, CLEAN);
    assertThat(graph.upstream(GOLD, 4).nodes()).contains(BRONZE);
  }

  @Test
  void aRunRemembersTheExactVersionsItRead() {
    UUID train = seedPipeline();

    RunView run = graph.run(train).orElseThrow();

    assertThat(run.state()).isEqualTo(RunState.COMPLETE);
    assertThat(run.inputs()).containsExactly(new DatasetVersion(GOLD, "31"));
  }

  @Test
  void outOfOrderEventsEndInTheLatestStateAndReplaysChangeNothing() {
    UUID run = UUID.randomUUID();
    String start = event("START", run, CLEAN, "2026-01-01T10:00:00Z", dataset(BRONZE, null), "");
    String running = event("RUNNING", run, CLEAN, "2026-01-01T10:01:00Z", "", "");
    String complete =
        event(
            "COMPLETE",
            run,
            CLEAN,
            "2026-01-01T10:05:00Z",
            dataset(BRONZE, "11"),
            dataset(SILVER, "21"));

    apply(complete);
    apply(start);
    apply(running);
    apply(complete);
    apply(start);

    RunView view = graph.run(run).orElseThrow();
    assertThat(view.state()).isEqualTo(RunState.COMPLETE);
    assertThat(view.startedAt())
        .hasValueSatisfying(t -> assertThat(t).hasToString("2026-01-01T10:00:00Z"));
    assertThat(view.endedAt())
        .hasValueSatisfying(t -> assertThat(t).hasToString("2026-01-01T10:05:00Z"));
    assertThat(view.inputs()).containsExactly(new DatasetVersion(BRONZE, "11"));
    assertThat(graph.runsOf(CLEAN)).hasSize(1);
  }

  @Test
  void aFailAfterCompleteAtALaterTimeWins() {
    UUID run = UUID.randomUUID();
    apply(event("COMPLETE", run, CLEAN, "2026-01-01T10:05:00Z", "", ""));
    apply(event("FAIL", run, CLEAN, "2026-01-01T10:06:00Z", "", ""));
    apply(event("RUNNING", run, CLEAN, "2026-01-01T10:07:00Z", "", ""));
    assertThat(graph.run(run).orElseThrow().state()).isEqualTo(RunState.FAIL);
  }

  @Test
  void columnLineageFollowsRenamedAndJoinedColumnsUpstream() {
    String facet =
        """
        {"namespace":"%s","name":"%s","facets":{"columnLineage":{
          "_producer":"https://example.com/p","_schemaURL":"https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json",
          "fields":{"customer":{"inputFields":[{"namespace":"%s","name":"%s","field":"name"}]},
                    "total":{"inputFields":[{"namespace":"%s","name":"%s","field":"amount"},
                                            {"namespace":"%s","name":"%s","field":"fee"}]}}}}}"""
            .formatted(NS, SILVER.name(), NS, BRONZE.name(), NS, BRONZE.name(), NS, OTHER.name());
    apply(
        event(
            "COMPLETE",
            UUID.randomUUID(),
            CLEAN,
            "2026-01-01T10:00:00Z",
            dataset(BRONZE, "1"),
            facet));

    List<ColumnEdge> total = graph.columnLineage(new ColumnRef(SILVER, "total"), 3);
    assertThat(total)
        .extracting(ColumnEdge::source)
        .containsExactly(new ColumnRef(OTHER, "fee"), new ColumnRef(BRONZE, "amount"));
    assertThat(graph.columnDescendants(new ColumnRef(BRONZE, "name"), 3))
        .extracting(ColumnEdge::target)
        .containsExactly(new ColumnRef(SILVER, "customer"));
  }

  @Test
  void runsReportedOnlyAtTheirEndAreOrderedByThatTime() {
    UUID later = new UUID(0, 1);
    UUID earlier = new UUID(0, 2);
    apply(event("COMPLETE", later, CLEAN, "2026-01-01T12:00:00Z", "", dataset(SILVER, "2")));
    apply(event("COMPLETE", earlier, CLEAN, "2026-01-01T11:00:00Z", "", dataset(SILVER, "1")));
    assertThat(graph.runsOf(CLEAN)).extracting(RunView::runId).containsExactly(earlier, later);
  }

  @Test
  void searchFindsDatasetsAndJobsSortedByName() {
    seedPipeline();
    assertThat(graph.search("ORDERS", 10)).containsExactly(BRONZE, SILVER, CLEAN);
    assertThat(graph.search("orders", 1)).containsExactly(BRONZE);
  }

  @Test
  void invalidEventsAreRefusedWithAReason() {
    assertThatThrownBy(() -> LineageEventParser.parse("{not json"))
        .isInstanceOf(InvalidLineageEventException.class)
        .hasMessageContaining("Malformed JSON");
    assertThatThrownBy(
            () ->
                LineageEventParser.parse(
                    event("START", UUID.randomUUID(), CLEAN, "2026-01-01T10:00:00Z", "", "")
                        .replace("\"producer\":\"https://example.com/p\",", "")))
        .hasMessageContaining("producer");
    assertThatThrownBy(
            () ->
                LineageEventParser.parse(
                    event(
                        "START",
                        UUID.randomUUID(),
                        new JobId("spark", " "),
                        "2026-01-01T10:00:00Z",
                        "",
                        "")))
        .hasMessageContaining("job needs a namespace and a name");
    assertThatThrownBy(
            () ->
                LineageEventParser.parse(
                    event("START", UUID.randomUUID(), CLEAN, "2026-01-01T10:00:00Z", "", "")
                        .replaceFirst("\"runId\":\"[^\"]+\"", "\"runId\":\"not-a-uuid\"")))
        .isInstanceOf(InvalidLineageEventException.class);
    assertThatThrownBy(
            () ->
                LineageEventParser.parse(
                    "{\"eventTime\":\"2026-01-01T10:00:00Z\",\"producer\":\"p\",\"schemaURL\":\"s\"}"))
        .hasMessageContaining("Not an OpenLineage event");
  }

  @Test
  void datasetAndJobEventsDeclareNodesWithoutRuns() {
    apply(
        """
        {"eventTime":"2026-01-01T10:00:00Z","producer":"https://example.com/p",
         "schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/JobEvent",
         "job":{"namespace":"dbt","name":"model.gold"},
         "inputs":[{"namespace":"s3://lake","name":"silver.orders_clean"}],
         "outputs":[{"namespace":"s3://lake","name":"gold.revenue"}]}""");
    apply(
        """
        {"eventTime":"2026-01-01T10:00:00Z","producer":"https://example.com/p",
         "schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
         "dataset":{"namespace":"s3://lake","name":"raw.lonely"}}""");

    assertThat(graph.downstream(SILVER, 2).nodes())
        .containsExactly(GOLD, SILVER, new JobId("dbt", "model.gold"));
    assertThat(graph.contains(new DatasetId(NS, "raw.lonely"))).isTrue();
    assertThat(graph.runsOf(new JobId("dbt", "model.gold"))).isEmpty();
  }
}
