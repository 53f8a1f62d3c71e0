package dev.sluice.catalog.lineage;

import dev.sluice.lineage.ColumnEdge;
import dev.sluice.lineage.DatasetVersion;
import dev.sluice.lineage.Edge;
import dev.sluice.lineage.Impact;
import dev.sluice.lineage.NodeId;
import dev.sluice.lineage.RunView;
import dev.sluice.lineage.Subgraph;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** JSON shapes of the lineage API. */
final class LineageViews {
  private LineageViews() {}

  record Node(String type, String namespace, String name) {
    static Node of(NodeId id) {
      return new Node(id.kind().name().toLowerCase(Locale.ROOT), id.namespace(), id.name());
    }
  }

  record Link(Node from, Node to) {
    static Link of(Edge edge) {
      return new Link(Node.of(edge.from()), Node.of(edge.to()));
    }
  }

  record Graph(List<Node> nodes, List<Link> edges) {
    static Graph of(Subgraph graph) {
      return new Graph(
          graph.nodes().stream().map(Node::of).toList(),
          graph.edges().stream().map(Link::of).toList());
    }
  }

  record Column(String namespace, String name, String field) {}

  record ColumnLink(Column source, Column target, String transformation) {
    static ColumnLink of(ColumnEdge edge) {
      return new ColumnLink(
          new Column(
              edge.source().dataset().namespace(),
              edge.source().dataset().name(),
              edge.source().field()),
          new Column(
              edge.target().dataset().namespace(),
              edge.target().dataset().name(),
              edge.target().field()),
          edge.transformation());
    }
  }

  record Version(String namespace, String name, String version) {
    static Version of(DatasetVersion v) {
      return new Version(v.dataset().namespace(), v.dataset().name(), v.version());
    }
  }

  record Run(
      String runId,
      Node job,
      String state,
      Instant startedAt,
      Instant endedAt,
      List<Version> inputs,
      List<Version> outputs) {
    static Run of(RunView run) {
      return new Run(
          run.runId().toString(),
          Node.of(run.job()),
          run.state().name(),
          run.startedAt().orElse(null),
          run.endedAt().orElse(null),
          run.inputs().stream().map(Version::of).toList(),
          run.outputs().stream().map(Version::of).toList());
    }
  }

  record ImpactView(Node source, List<Node> datasets, List<Node> jobs, List<Run> runs) {
    static ImpactView of(Impact impact) {
      return new ImpactView(
          Node.of(impact.source()),
          impact.datasets().stream().map(Node::of).toList(),
          impact.jobs().stream().map(Node::of).toList(),
          impact.runs().stream().map(Run::of).toList());
    }
  }

  record Accepted(boolean stored, String kind, String runId) {}
}
