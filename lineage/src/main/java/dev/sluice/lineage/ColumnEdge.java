package dev.sluice.lineage;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;

/** {@code target} is derived from {@code source}; {@code transformation} as the producer said. */
public record ColumnEdge(ColumnRef source, ColumnRef target, String transformation) {
  public static final Comparator<ColumnEdge> ORDER =
      Comparator.comparing(ColumnEdge::target, ColumnRef.ORDER)
          .thenComparing(ColumnEdge::source, ColumnRef.ORDER);

  public ColumnEdge {
    requireNonNull(source, "source is null");
    requireNonNull(target, "target is null");
    transformation = transformation == null ? "" : transformation;
  }
}
