package dev.sluice.lineage.freshness;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Judges datasets against their freshness contracts, with the root cause taken from lineage.
 *
 * <p>A dataset with a contract is stale when its own age (time since its last data commit) exceeds
 * its max staleness, or when an ancestor (transitively upstream) is stale: older than its own max
 * staleness when it has a contract, otherwise older than the judged dataset's. Stale data flows
 * downstream even when the job in between keeps committing.
 *
 * <p>The root cause is the farthest upstream stale ancestor: among the stale ancestors, those with
 * no stale ancestor of their own, the one farthest from the dataset (then the oldest, then by
 * name). With no stale ancestor, a stale dataset is its own root cause. Ancestors whose commits are
 * unknown (datasets outside the catalog) are walked through but not judged.
 */
public final class FreshnessEvaluation {
  private FreshnessEvaluation() {}

  /**
   * A dataset as the catalog knows it: when its data last changed ({@code lastCommit}; its creation
   * when {@code committed} is false; null when unknown) and its max staleness, if it has a
   * contract.
   */
  public record Dataset(
      String name, Instant lastCommit, boolean committed, Optional<Duration> maxStaleness) {
    public Dataset {
      requireNonNull(name, "name");
      requireNonNull(maxStaleness, "maxStaleness");
      maxStaleness.ifPresent(
          bound -> {
            if (bound.isNegative() || bound.isZero()) {
              throw new IllegalArgumentException("max staleness of " + name + " is not positive");
            }
          });
    }

    /** A dataset whose commits the catalog does not know: walked through, never judged. */
    public static Dataset unknown(String name) {
      return new Dataset(name, null, false, Optional.empty());
    }

    Duration age(Instant now) {
      Duration age = Duration.between(lastCommit, now);
      return age.isNegative() ? Duration.ZERO : age;
    }
  }

  /** The dataset that explains a staleness, and the bound it broke. */
  public record Cause(
      String dataset, Instant lastCommit, boolean committed, Duration age, Duration bound) {
    public Cause {
      requireNonNull(dataset, "dataset");
      requireNonNull(lastCommit, "lastCommit");
      requireNonNull(age, "age");
      requireNonNull(bound, "bound");
    }
  }

  /**
   * The judgement of one dataset with a freshness contract. {@code rootCause}, {@code sentence} and
   * {@code staleSince} (when the first bound was broken) are set only when it is stale.
   */
  public record Verdict(
      String dataset,
      Duration maxStaleness,
      Instant lastCommit,
      boolean committed,
      Duration age,
      boolean stale,
      Cause rootCause,
      String sentence,
      Instant staleSince) {
    public Verdict {
      requireNonNull(dataset, "dataset");
      requireNonNull(maxStaleness, "maxStaleness");
      requireNonNull(lastCommit, "lastCommit");
      requireNonNull(age, "age");
      if (stale != (rootCause != null)) {
        throw new IllegalArgumentException("a stale verdict names its root cause, a fresh one not");
      }
    }

    /** Stale first, then the oldest, then by name. */
    public static final Comparator<Verdict> ORDER =
        Comparator.comparing((Verdict v) -> !v.stale())
            .thenComparing(Verdict::age, Comparator.reverseOrder())
            .thenComparing(Verdict::dataset);
  }

  /**
   * Judges every dataset in {@code datasets} that has a max staleness and a known last commit.
   *
   * @param upstream each dataset's direct upstream datasets (the inputs of the jobs writing it);
   *     names missing from {@code datasets} are walked through as unknown
   * @return the verdicts in {@link Verdict#ORDER}
   */
  public static List<Verdict> evaluate(
      Map<String, Dataset> datasets, Map<String, Set<String>> upstream, Instant now) {
    List<Verdict> verdicts = new ArrayList<>();
    for (Dataset dataset : datasets.values()) {
      if (dataset.maxStaleness().isPresent() && dataset.lastCommit() != null) {
        verdicts.add(judge(dataset, datasets, upstream, now));
      }
    }
    verdicts.sort(Verdict.ORDER);
    return verdicts;
  }

  private static Verdict judge(
      Dataset dataset,
      Map<String, Dataset> datasets,
      Map<String, Set<String>> upstream,
      Instant now) {
    Duration bound = dataset.maxStaleness().orElseThrow();
    Duration age = dataset.age(now);
    Map<String, Integer> distance = ancestors(dataset.name(), upstream);

    // the ancestors that are stale, each judged by its own bound or else by this dataset's
    Map<String, Cause> staleAncestors = new LinkedHashMap<>();
    for (String name : distance.keySet()) {
      Dataset ancestor = datasets.getOrDefault(name, Dataset.unknown(name));
      if (ancestor.lastCommit() == null) {
        continue;
      }
      Duration ancestorBound = ancestor.maxStaleness().orElse(bound);
      Duration ancestorAge = ancestor.age(now);
      if (ancestorAge.compareTo(ancestorBound) > 0) {
        staleAncestors.put(
            name,
            new Cause(
                name, ancestor.lastCommit(), ancestor.committed(), ancestorAge, ancestorBound));
      }
    }
    boolean ownStale = age.compareTo(bound) > 0;
    if (!ownStale && staleAncestors.isEmpty()) {
      return new Verdict(
          dataset.name(),
          bound,
          dataset.lastCommit(),
          dataset.committed(),
          age,
          false,
          null,
          null,
          null);
    }

    Instant staleSince = ownStale ? dataset.lastCommit().plus(bound) : null;
    for (Cause cause : staleAncestors.values()) {
      Instant crossed = cause.lastCommit().plus(cause.bound());
      staleSince = staleSince == null || crossed.isBefore(staleSince) ? crossed : staleSince;
    }
    Cause root =
        staleAncestors.isEmpty()
            ? new Cause(dataset.name(), dataset.lastCommit(), dataset.committed(), age, bound)
            : deepest(staleAncestors, distance, upstream);
    return new Verdict(
        dataset.name(),
        bound,
        dataset.lastCommit(),
        dataset.committed(),
        age,
        true,
        root,
        sentence(dataset.name(), root),
        staleSince);
  }

  /** Every ancestor of {@code start} (not itself) with its distance in datasets, breadth first. */
  private static Map<String, Integer> ancestors(String start, Map<String, Set<String>> upstream) {
    Map<String, Integer> distance = new LinkedHashMap<>();
    Deque<String> queue = new ArrayDeque<>(List.of(start));
    Map<String, Integer> seen = new HashMap<>(Map.of(start, 0));
    while (!queue.isEmpty()) {
      String node = queue.removeFirst();
      int next = seen.get(node) + 1;
      for (String parent : upstream.getOrDefault(node, Set.of())) {
        if (seen.putIfAbsent(parent, next) == null) {
          distance.put(parent, next);
          queue.addLast(parent);
        }
      }
    }
    return distance;
  }

  /**
   * The stale ancestor farthest upstream: preferring those with no stale ancestor of their own (in
   * a cycle of stale datasets every one has one; then all compete), then the farthest, the oldest,
   * the first by name.
   */
  private static Cause deepest(
      Map<String, Cause> stale, Map<String, Integer> distance, Map<String, Set<String>> upstream) {
    List<Cause> origins = new ArrayList<>();
    for (Cause cause : stale.values()) {
      boolean staleAbove =
          ancestors(cause.dataset(), upstream).keySet().stream()
              .anyMatch(name -> !name.equals(cause.dataset()) && stale.containsKey(name));
      if (!staleAbove) {
        origins.add(cause);
      }
    }
    List<Cause> candidates = origins.isEmpty() ? new ArrayList<>(stale.values()) : origins;
    candidates.sort(
        Comparator.comparing((Cause c) -> distance.get(c.dataset()), Comparator.reverseOrder())
            .thenComparing(Cause::age, Comparator.reverseOrder())
            .thenComparing(Cause::dataset));
    return candidates.get(0);
  }

  /** "gold.user_features is stale because silver.orders last committed 31 h ago (max 6h)". */
  static String sentence(String dataset, Cause root) {
    String when =
        root.committed()
            ? "last committed " + ago(root.age())
            : "was created " + ago(root.age()) + " and never committed";
    if (root.dataset().equals(dataset)) {
      return dataset + " is stale: it " + when + " (max staleness " + spell(root.bound()) + ")";
    }
    return dataset
        + " is stale because "
        + root.dataset()
        + " "
        + when
        + " (max staleness "
        + spell(root.bound())
        + ")";
  }

  /**
   * An age as people say it: 45 s, 12 min, 6.5 h, 31 h, 3 d ago. Seconds round up and small counts
   * of larger units keep a tenth, so an age past its bound never reads as equal to it.
   */
  static String ago(Duration age) {
    long millis = age.toMillis();
    if (millis < 120_000) {
      return (millis + 999) / 1000 + " s ago";
    }
    if (millis < 120 * 60_000) {
      return units(millis, 60_000) + " min ago";
    }
    if (millis < 48 * 3_600_000L) {
      return units(millis, 3_600_000L) + " h ago";
    }
    return units(millis, 86_400_000L) + " d ago";
  }

  private static String units(long millis, long unit) {
    long tenths = millis * 10 / unit;
    return tenths >= 100 || tenths % 10 == 0
        ? String.valueOf(tenths / 10)
        : tenths / 10 + "." + tenths % 10;
  }

  /** A bound as a policy writes it: 90s, 30m, 6h, 2d. */
  public static String spell(Duration bound) {
    long seconds = bound.toSeconds();
    if (seconds % 86400 == 0) {
      return seconds / 86400 + "d";
    }
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }
}
