package dev.sluice.lineage;

import java.util.List;

/** Nodes and edges of a lineage answer, both sorted. */
public record Subgraph(List<NodeId> nodes, List<Edge> edges) {
  public Subgraph {
    nodes = nodes.stream().sorted(NodeId.ORDER).toList();
    edges = edges.stream().sorted(Edge.ORDER).toList();
  }
}
