package dev.sluice.policy.eval;

import dev.sluice.policy.model.Classification;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The classifications' {@code column-names} rules: which classification a column gets from its name
 * alone, in any table. Answers are cached per column name (bounded; the cache is dropped when full,
 * since recomputing is cheap and the set of names in a lakehouse is not).
 */
final class NameRules {
  private static final int MAX_CACHED = 100_000;

  /** A column classified by a name rule. */
  record Match(Classification classification, String rule) {
    String describe() {
      return "classified "
          + classification.name()
          + " by name rule '"
          + rule
          + "' ("
          + classification.origin()
          + ")";
    }
  }

  private final List<Classification> classifications;
  private final Map<String, Optional<Match>> cache = new ConcurrentHashMap<>();

  NameRules(Collection<Classification> classifications) {
    this.classifications =
        classifications.stream().filter(c -> !c.columnNames().isEmpty()).toList();
  }

  boolean isEmpty() {
    return classifications.isEmpty();
  }

  /** The first classification (in name order) whose name rule matches the column. */
  Optional<Match> classify(String column) {
    if (classifications.isEmpty()) {
      return Optional.empty();
    }
    String key = column.toLowerCase(Locale.ROOT);
    Optional<Match> cached = cache.get(key);
    if (cached != null) {
      return cached;
    }
    Optional<Match> match = Optional.empty();
    for (Classification candidate : classifications) {
      Optional<String> rule = candidate.nameRuleFor(column);
      if (rule.isPresent()) {
        match = Optional.of(new Match(candidate, rule.get()));
        break;
      }
    }
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    cache.put(key, match);
    return match;
  }
}
