package dev.sluice.lineage;

import static java.util.Objects.requireNonNull;

/** A dataset in OpenLineage naming: namespace (e.g. {@code s3://lake}) and name. */
public record DatasetId(String namespace, String name) implements NodeId {
  public DatasetId {
    requireNonNull(namespace, "namespace is null");
    requireNonNull(name, "name is null");
  }

  @Override
  public NodeKind kind() {
    return NodeKind.DATASET;
  }
}
