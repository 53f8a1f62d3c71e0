package dev.sluice.lineage;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;

/** A directed edge: dataset → job (the job reads it) or job → dataset (the job writes it). */
public record Edge(NodeId from, NodeId to) {
  public static final Comparator<Edge> ORDER =
      Comparator.comparing(Edge::from, NodeId.ORDER).thenComparing(Edge::to, NodeId.ORDER);

  public Edge {
    requireNonNull(from, "from is null");
    requireNonNull(to, "to is null");
    if (from.kind() == to.kind()) {
      throw new IllegalArgumentException("an edge joins a dataset and a job: " + from + " → " + to);
    }
  }
}
