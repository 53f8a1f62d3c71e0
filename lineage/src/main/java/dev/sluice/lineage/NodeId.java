package dev.sluice.lineage;

import java.util.Comparator;

/** A node of the lineage graph; ordered by kind, namespace, then name for stable answers. */
public sealed interface NodeId permits DatasetId, JobId {
  Comparator<NodeId> ORDER =
      Comparator.comparing(NodeId::kind)
          .thenComparing(NodeId::namespace)
          .thenComparing(NodeId::name);

  NodeKind kind();

  String namespace();

  String name();
}
