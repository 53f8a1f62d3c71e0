package dev.sluice.policy.model;

import java.util.Comparator;
import java.util.Objects;

/** Where a rule was written: a bundle-relative file with 1-based line and column. */
public record Origin(String file, int line, int column) implements Comparable<Origin> {

  private static final Comparator<Origin> ORDER =
      Comparator.comparing(Origin::file)
          .thenComparingInt(Origin::line)
          .thenComparingInt(Origin::column);

  /** For rules that were built in code rather than read from a file. */
  public static final Origin BUILT_IN = new Origin("<built-in>", 0, 0);

  public Origin {
    Objects.requireNonNull(file, "file");
  }

  @Override
  public int compareTo(Origin other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
