package dev.sluice.lineage;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;

/** One column (field) of a dataset. */
public record ColumnRef(DatasetId dataset, String field) {
  public static final Comparator<ColumnRef> ORDER =
      Comparator.comparing(ColumnRef::dataset, NodeId.ORDER).thenComparing(ColumnRef::field);

  public ColumnRef {
    requireNonNull(dataset, "dataset is null");
    requireNonNull(field, "field is null");
  }
}
