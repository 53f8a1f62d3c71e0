package dev.sluice.lineage;

import static java.util.Objects.requireNonNull;

/** A job in OpenLineage naming: namespace (the scheduler or producer) and name. */
public record JobId(String namespace, String name) implements NodeId {
  public JobId {
    requireNonNull(namespace, "namespace is null");
    requireNonNull(name, "name is null");
  }

  @Override
  public NodeKind kind() {
    return NodeKind.JOB;
  }
}
