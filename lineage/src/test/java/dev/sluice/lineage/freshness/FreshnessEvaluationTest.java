package dev.sluice.lineage.freshness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.lineage.freshness.FreshnessEvaluation.Dataset;
import dev.sluice.lineage.freshness.FreshnessEvaluation.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreshnessEvaluationTest {
  private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");

  private final Map<String, Dataset> datasets = new LinkedHashMap<>();
  private final Map<String, Set<String>> upstream = new HashMap<>();

  private void table(String name, Duration age, Duration maxStaleness) {
    datasets.put(name, new Dataset(name, NOW.minus(age), true, Optional.ofNullable(maxStaleness)));
  }

  /** {@code child} is written by a job reading {@code parents}. */
  private void reads(String child, String... parents) {
    upstream.put(child, Set.of(parents));
  }

  private Verdict verdict(String name) {
    return FreshnessEvaluation.evaluate(datasets, upstream, NOW).stream()
        .filter(v -> v.dataset().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aDatasetOlderThanItsBoundIsStaleAndItsOwnRootCause() {
    table("gold.user_features", Duration.ofHours(7), Duration.ofHours(6));

    Verdict verdict = verdict("gold.user_features");

    assertThat(verdict.stale()).isTrue();
    assertThat(verdict.age()).isEqualTo(Duration.ofHours(7));
    assertThat(verdict.rootCause().dataset()).isEqualTo("gold.user_features");
    assertThat(verdict.sentence())
        .isEqualTo("gold.user_features is stale: it last committed 7 h ago (max staleness 6h)");
    assertThat(verdict.staleSince()).isEqualTo(NOW.minus(Duration.ofHours(1)));
  }

  @Test
  void aDatasetWithinItsBoundAndFreshAncestorsIsFresh() {
    table("silver.orders", Duration.ofHours(2), null);
    table("gold.user_features", Duration.ofMinutes(5), Duration.ofHours(6));
    reads("gold.user_features", "silver.orders");

    Verdict verdict = verdict("gold.user_features");

    assertThat(verdict.stale()).isFalse();
    assertThat(verdict.rootCause()).isNull();
    assertThat(verdict.sentence()).isNull();
    assertThat(verdict.staleSince()).isNull();
  }

  @Test
  void staleDataFlowsDownstreamThroughADatasetThatKeepsCommitting() {
    // the downstream job committed a minute ago, but from an input last written 31 h ago
    table("silver.orders", Duration.ofHours(31), null);
    table("gold.user_features", Duration.ofMinutes(1), Duration.ofHours(6));
    reads("gold.user_features", "silver.orders");

    Verdict verdict = verdict("gold.user_features");

    assertThat(verdict.stale()).isTrue();
    assertThat(verdict.rootCause().dataset()).isEqualTo("silver.orders");
    assertThat(verdict.sentence())
        .isEqualTo(
            "gold.user_features is stale because silver.orders last committed 31 h ago"
                + " (max staleness 6h)");
    // stale since the input passed the downstream bound: 31 h - 6 h = 25 h ago
    assertThat(verdict.staleSince()).isEqualTo(NOW.minus(Duration.ofHours(25)));
  }

  @Test
  void theRootCauseIsTheDeepestStaleAncestor() {
    // raw.events → silver.orders → silver.sessions → gold.user_features, the first two stale
    table("raw.events", Duration.ofHours(40), null);
    table("silver.orders", Duration.ofHours(30), null);
    table("silver.sessions", Duration.ofMinutes(10), null);
    table("gold.user_features", Duration.ofMinutes(1), Duration.ofHours(6));
    reads("gold.user_features", "silver.sessions");
    reads("silver.sessions", "silver.orders");
    reads("silver.orders", "raw.events");

    Verdict verdict = verdict("gold.user_features");

    assertThat(verdict.rootCause().dataset()).isEqualTo("raw.events");
    assertThat(verdict.staleSince()).isEqualTo(NOW.minus(Duration.ofHours(34)));
  }

  @Test
  void aStaleAncestorWithAStaleAncestorOfItsOwnIsNoRootCauseEvenWhenItIsAsFar() {
    // gold reads both silver.orders and raw.events directly; silver.orders also reads raw.events
    table("raw.events", Duration.ofHours(10), null);
    table("silver.orders", Duration.ofHours(50), null);
    table("gold.user_features", Duration.ofMinutes(1), Duration.ofHours(6));
    reads("gold.user_features", "silver.orders", "raw.events");
    reads("silver.orders", "raw.events");

    assertThat(verdict("gold.user_features").rootCause().dataset()).isEqualTo("raw.events");
  }

  @Test
  void anAncestorWithItsOwnContractIsJudgedByItsOwnBound() {
    // 10 h old: past gold's 6 h, but within the 12 h its own contract allows
    table("silver.orders", Duration.ofHours(10), Duration.ofHours(12));
    table("gold.user_features", Duration.ofMinutes(1), Duration.ofHours(6));
    reads("gold.user_features", "silver.orders");

    assertThat(verdict("gold.user_features").stale()).isFalse();
    assertThat(verdict("silver.orders").stale()).isFalse();
  }

  @Test
  void anAncestorWithoutAContractIsJudgedByTheDownstreamBound() {
    table("silver.orders", Duration.ofHours(10), null);
    table("gold.user_features", Duration.ofMinutes(1), Duration.ofHours(6));
    table("gold.monthly", Duration.ofMinutes(1), Duration.ofDays(2));
    reads("gold.user_features", "silver.orders");
    reads("gold.monthly", "silver.orders");

    // 10 h is too old for a table promised within 6 h, fine for one promised within 2 days
    assertThat(verdict("gold.user_features").stale()).isTrue();
    assertThat(verdict("gold.monthly").stale()).isFalse();
  }

  @Test
  void anAncestorWithAStrictContractOfItsOwnStalesItsDescendants() {
    // 2 h old is within gold's 6 h, but silver.orders promised 1 h
    table("silver.orders", Duration.ofHours(2), Duration.ofHours(1));
    table("gold.user_features", Duration.ofMinutes(1), Duration.ofHours(6));
    reads("gold.user_features", "silver.orders");

    Verdict gold = verdict("gold.user_features");
    assertThat(gold.stale()).isTrue();
    assertThat(gold.rootCause().dataset()).isEqualTo("silver.orders");
    assertThat(gold.rootCause().bound()).isEqualTo(Duration.ofHours(1));
    assertThat(verdict("silver.orders").stale()).isTrue();
    assertThat(verdict("silver.orders").rootCause().dataset()).isEqualTo("silver.orders");
  }

  @Test
  void unknownDatasetsAreWalkedThroughButNotJudged() {
    // silver.orders → a Kafka topic the catalog knows nothing about → gold.user_features
    table("silver.orders", Duration.ofHours(20), null);
    table("gold.user_features", Duration.ofMinutes(1), Duration.ofHours(6));
    reads("gold.user_features", "kafka://broker/topic");
    reads("kafka://broker/topic", "silver.orders");

    assertThat(verdict("gold.user_features").rootCause().dataset()).isEqualTo("silver.orders");
  }

  @Test
  void aCycleOfStaleDatasetsStillNamesOneRootCause() {
    table("silver.a", Duration.ofHours(20), null);
    table("silver.b", Duration.ofHours(30), null);
    table("gold.user_features", Duration.ofMinutes(1), Duration.ofHours(6));
    reads("gold.user_features", "silver.a");
    reads("silver.a", "silver.b");
    reads("silver.b", "silver.a", "gold.user_features");

    Verdict verdict = verdict("gold.user_features");
    assertThat(verdict.stale()).isTrue();
    assertThat(verdict.rootCause().dataset()).isEqualTo("silver.b");
  }

  @Test
  void aTableThatNeverCommittedCountsFromItsCreation() {
    datasets.put(
        "gold.user_features",
        new Dataset(
            "gold.user_features",
            NOW.minus(Duration.ofMinutes(3)),
            false,
            Optional.of(Duration.ofSeconds(90))));

    Verdict verdict = verdict("gold.user_features");
    assertThat(verdict.stale()).isTrue();
    assertThat(verdict.sentence())
        .isEqualTo(
            "gold.user_features is stale: it was created 3 min ago and never committed"
                + " (max staleness 90s)");
  }

  @Test
  void agesPastTheirBoundNeverReadAsTheBound() {
    assertThat(FreshnessEvaluation.ago(Duration.ofMillis(4_200))).isEqualTo("5 s ago");
    assertThat(FreshnessEvaluation.ago(Duration.ofMinutes(12).plusSeconds(30)))
        .isEqualTo("12 min ago");
    assertThat(FreshnessEvaluation.ago(Duration.ofMinutes(6 * 60 + 30))).isEqualTo("6.5 h ago");
    assertThat(FreshnessEvaluation.ago(Duration.ofHours(31).plusMinutes(20))).isEqualTo("31 h ago");
    assertThat(FreshnessEvaluation.ago(Duration.ofDays(3))).isEqualTo("3 d ago");
  }

  @Test
  void verdictsListStaleDatasetsFirstThenTheOldest() {
    table("gold.a", Duration.ofMinutes(10), Duration.ofHours(1));
    table("gold.b", Duration.ofHours(3), Duration.ofHours(1));
    table("gold.c", Duration.ofMinutes(50), Duration.ofHours(1));
    table("gold.d", Duration.ofHours(2), Duration.ofHours(1));
    table("silver.uncontracted", Duration.ofDays(9), null);

    List<String> order =
        FreshnessEvaluation.evaluate(datasets, upstream, NOW).stream()
            .map(Verdict::dataset)
            .toList();

    assertThat(order).containsExactly("gold.b", "gold.d", "gold.c", "gold.a");
  }
}
