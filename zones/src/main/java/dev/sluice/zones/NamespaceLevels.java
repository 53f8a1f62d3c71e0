package dev.sluice.zones;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Namespace names as levels. Policy files spell a namespace {@code silver.eu}; that spelling is
 * split once, here, and only where no level may contain a dot. Catalog identifiers arrive as levels
 * already and are never joined and split again.
 */
public final class NamespaceLevels {
  private NamespaceLevels() {}

  /** An immutable copy of the levels; each must be non-empty. */
  public static List<String> check(List<String> levels) {
    if (levels == null || levels.isEmpty()) {
      throw new IllegalArgumentException("a namespace has at least one level");
    }
    for (String level : levels) {
      if (level == null || level.isEmpty()) {
        throw new IllegalArgumentException("a namespace level is empty: " + levels);
      }
    }
    return List.copyOf(levels);
  }

  /**
   * The levels of a dotted policy spelling such as {@code silver.eu}; empty when a level is empty.
   */
  public static Optional<List<String>> parseDotted(String dotted) {
    if (dotted == null || dotted.isEmpty()) {
      return Optional.empty();
    }
    List<String> levels = new ArrayList<>();
    for (String level : dotted.split("\\.", -1)) {
      if (level.isEmpty()) {
        return Optional.empty();
      }
      levels.add(level);
    }
    return Optional.of(List.copyOf(levels));
  }

  /** Whether {@code namespace} is {@code ancestor} or lies below it, level by level. */
  public static boolean isSameOrBelow(List<String> namespace, List<String> ancestor) {
    return namespace.size() >= ancestor.size()
        && namespace.subList(0, ancestor.size()).equals(ancestor);
  }
}
