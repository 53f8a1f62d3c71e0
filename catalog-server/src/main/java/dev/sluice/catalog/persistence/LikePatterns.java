package dev.sluice.catalog.persistence;

/** LIKE patterns over names and locations, which are full of underscores, a LIKE wildcard. */
final class LikePatterns {
  private LikePatterns() {}

  /** {@code text} as a literal LIKE prefix, for queries that say {@code escape '\'}. */
  static String literal(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
