package dev.sluice.lineage;

import static dev.sluice.lineage.LineageGraphTest.dataset;
import static dev.sluice.lineage.LineageGraphTest.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Answers through a {@link Visibility}: hidden nodes are neither shown nor passed through. */
class VisibilityTest {
  private static final String NS = "s3://lake";
  private static final DatasetId BRONZE = new DatasetId(NS, "raw/orders");
  private static final DatasetId SILVER = new DatasetId(NS, "silver/orders");
  private static final DatasetId GOLD = new DatasetId(NS, "gold/revenue");
  private static final DatasetId FEES = new DatasetId(NS, "raw/fees");
  private static final JobId CLEAN = new JobId("spark", "clean_orders");
  private static final JobId AGGREGATE = new JobId("spark", "aggregate_revenue");
  private static final JobId TRAIN = new JobId("ml", "train_forecast");

  private final LineageGraph graph = new LineageGraph();
  private final UUID cleanRun = UUID.randomUUID();
  private final UUID aggregateRun = UUID.randomUUID();

  private void apply(String json) {
    graph.apply(LineageEventParser.parse(json));
  }

  /** bronze → clean → silver → aggregate → gold → train, with column lineage along it. */
  VisibilityTest() {
    String silverColumns =
        """
        {"namespace":"%s","name":"%s","facets":{"columnLineage":{
          "_producer":"https://example.com/p","_schemaURL":"https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json",
          "fields":{"total":{"inputFields":[{"namespace":"%s","name":"%s","field":"amount"},
                                            {"namespace":"%s","name":"%s","field":"fee"}]}}}}}"""
            .formatted(NS, SILVER.name(), NS, BRONZE.name(), NS, FEES.name());
    String goldColumns =
        """
        {"namespace":"%s","name":"%s","facets":{"columnLineage":{
          "_producer":"https://example.com/p","_schemaURL":"https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json",
          "fields":{"revenue":{"inputFields":[{"namespace":"%s","name":"%s","field":"total"}]}}}}}"""
            .formatted(NS, GOLD.name(), NS, SILVER.name());
    apply(
        event(
            "COMPLETE",
            cleanRun,
            CLEAN,
            "2026-01-01T10:00:00Z",
            dataset(BRONZE, "11") + "," + dataset(FEES, "5"),
            silverColumns));
    apply(
        event(
            "COMPLETE",
            aggregateRun,
            AGGREGATE,
            "2026-01-01T11:00:00Z",
            dataset(SILVER, "21"),
            goldColumns));
    apply(
        event("COMPLETE", UUID.randomUUID(), TRAIN, "2026-01-01T12:00:00Z", dataset(GOLD, ""), ""));
  }

  /** Hides the given datasets and counts the questions asked. */
  private static final class Hiding implements Visibility {
    final Set<DatasetId> hidden;
    final List<DatasetId> asked = new ArrayList<>();

    Hiding(DatasetId... hidden) {
      this.hidden = Set.of(hidden);
    }

    @Override
    public boolean dataset(DatasetId dataset) {
      asked.add(dataset);
      return !hidden.contains(dataset);
    }
  }

  @Test
  void noPathLeadsThroughAHiddenDataset() {
    Visibility noSilver = new Hiding(SILVER);

    Subgraph down = graph.downstream(BRONZE, 10, noSilver);
    assertThat(down.nodes()).containsExactly(BRONZE, CLEAN);
    assertThat(down.edges()).containsExactly(new Edge(BRONZE, CLEAN));

    Subgraph up = graph.upstream(GOLD, 10, noSilver);
    assertThat(up.nodes()).containsExactly(GOLD, AGGREGATE);
    assertThat(up.edges()).containsExactly(new Edge(AGGREGATE, GOLD));

    // without the reader's restriction the same questions reach across
    assertThat(graph.downstream(BRONZE, 10).nodes()).contains(SILVER, GOLD, TRAIN);
  }

  @Test
  void aHiddenDatasetIsUnknownAndAbsentFromSearch() {
    Visibility noSilver = new Hiding(SILVER);

    assertThat(graph.contains(SILVER, noSilver)).isFalse();
    assertThat(graph.contains(SILVER)).isTrue();
    assertThat(graph.contains(BRONZE, noSilver)).isTrue();
    assertThat(graph.search("orders", 10, noSilver)).containsExactly(BRONZE, CLEAN);
    assertThat(graph.downstream(SILVER, 5, noSilver).nodes()).isEmpty();
  }

  @Test
  void impactStopsAtTheHiddenDatasetAndRunsShowOnlyVisibleVersions() {
    Impact impact = graph.impact(BRONZE, new Hiding(SILVER));

    assertThat(impact.datasets()).isEmpty();
    assertThat(impact.jobs()).containsExactly(CLEAN);
    assertThat(impact.runs()).hasSize(1);
    RunView run = impact.runs().get(0);
    assertThat(run.inputs())
        .containsExactly(new DatasetVersion(FEES, "5"), new DatasetVersion(BRONZE, "11"));
    assertThat(run.outputs()).isEmpty();
  }

  @Test
  void aJobIsVisibleWithAnyOfItsDatasetsOrWithoutDatasets() {
    Visibility noBronze = new Hiding(BRONZE);
    assertThat(graph.contains(CLEAN, noBronze)).isTrue();
    assertThat(graph.run(cleanRun, noBronze).orElseThrow().inputs())
        .containsExactly(new DatasetVersion(FEES, "5"));

    Visibility noneOfClean = new Hiding(BRONZE, FEES, SILVER);
    assertThat(graph.contains(CLEAN, noneOfClean)).isFalse();
    assertThat(graph.run(cleanRun, noneOfClean)).isEmpty();
    assertThat(graph.runsOf(CLEAN, noneOfClean)).isEmpty();
    assertThat(graph.search("clean", 10, noneOfClean)).isEmpty();

    JobId housekeeping = new JobId("cron", "housekeeping");
    apply(event("COMPLETE", UUID.randomUUID(), housekeeping, "2026-01-01T10:00:00Z", "", ""));
    assertThat(graph.contains(housekeeping, noneOfClean)).isTrue();
  }

  @Test
  void aJobRuleDecidesWhateverItsDatasetsSay() {
    Visibility trainHidden =
        new Visibility() {
          @Override
          public boolean dataset(DatasetId dataset) {
            return true;
          }

          @Override
          public Optional<Boolean> jobRule(JobId job) {
            return job.equals(TRAIN) ? Optional.of(false) : Optional.empty();
          }
        };
    assertThat(graph.contains(TRAIN, trainHidden)).isFalse();
    assertThat(graph.downstream(SILVER, 10, trainHidden).nodes())
        .containsExactly(GOLD, SILVER, AGGREGATE);
    assertThat(graph.impact(BRONZE, trainHidden).jobs()).containsExactly(AGGREGATE, CLEAN);
  }

  @Test
  void columnLineageSkipsHiddenColumnsAndDoesNotPassThroughThem() {
    ColumnRef revenue = new ColumnRef(GOLD, "revenue");
    assertThat(graph.columnLineage(revenue, 5))
        .extracting(ColumnEdge::source)
        .containsExactly(
            new ColumnRef(SILVER, "total"),
            new ColumnRef(FEES, "fee"),
            new ColumnRef(BRONZE, "amount"));

    assertThat(graph.columnLineage(revenue, 5, new Hiding(FEES)))
        .extracting(ColumnEdge::source)
        .containsExactly(new ColumnRef(SILVER, "total"), new ColumnRef(BRONZE, "amount"));
    assertThat(graph.columnLineage(revenue, 5, new Hiding(SILVER))).isEmpty();
    assertThat(graph.columnDescendants(new ColumnRef(BRONZE, "amount"), 5, new Hiding(SILVER)))
        .isEmpty();
  }

  @Test
  void eachDatasetIsJudgedOncePerAnswerAndSearchJudgesOnlyWhatItShows() {
    Hiding noSilver = new Hiding(SILVER);
    graph.impact(BRONZE, noSilver);
    assertThat(noSilver.asked).doesNotHaveDuplicates();

    Hiding counting = new Hiding();
    assertThat(graph.search("s3://lake", 1, counting)).containsExactly(GOLD);
    assertThat(counting.asked).containsExactly(GOLD);
  }
}
