package dev.sluice.catalog.persistence;

import static dev.sluice.catalog.persistence.LineageTables.bind;
import static dev.sluice.catalog.persistence.LineageTables.chunks;
import static dev.sluice.catalog.persistence.LineageTables.keyed;
import static dev.sluice.catalog.persistence.LineageTables.marks;
import static dev.sluice.catalog.persistence.LineageTables.nodeKey;

import dev.sluice.lineage.ColumnEdge;
import dev.sluice.lineage.ColumnRef;
import dev.sluice.lineage.DatasetId;
import dev.sluice.lineage.DatasetVersion;
import dev.sluice.lineage.JobDatasets;
import dev.sluice.lineage.JobId;
import dev.sluice.lineage.LineageSource;
import dev.sluice.lineage.NodeId;
import dev.sluice.lineage.NodeKind;
import dev.sluice.lineage.RunState;
import dev.sluice.lineage.RunView;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The lineage projection as the tables hold it: what every replica reads, so all answer the same.
 * Each look-up is one query per {@value LineageTables#IN_LIST} keys on a pooled connection in
 * auto-commit mode (no transaction to open and close: the tables only grow, so each query sees a
 * consistent picture); nothing is held in memory between look-ups.
 */
@ApplicationScoped
public class LineageTableSource implements LineageSource {
  /** The columns {@link #runs} reads, of runs joined to their jobs. */
  private static final String RUNS =
      "select r.run_id, j.namespace, j.name, r.state, r.started_at, r.ended_at"
          + " from lineage_run r join lineage_node j on j.id = r.job_id";

  private final AgroalDataSource dataSource;

  @Inject
  LineageTableSource(CatalogSessions sessions) {
    this.dataSource = sessions.dataSource();
  }

  private <T> T work(PooledReads.Reads<T> work) {
    return PooledReads.read(dataSource, "Lineage tables", work);
  }

  @Override
  public boolean contains(NodeId node) {
    return work(
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement("select 1 from lineage_node where node_key = ?")) {
            select.setString(1, nodeKey(node));
            try (ResultSet rows = select.executeQuery()) {
              return rows.next();
            }
          }
        });
  }

  @Override
  public Map<DatasetId, Set<JobId>> jobsOf(Collection<DatasetId> datasets, boolean downstream) {
    if (datasets.isEmpty()) {
      return Map.of();
    }
    // downstream: the jobs that read the dataset; upstream: those that write it
    String direction = downstream ? "I" : "O";
    return work(
        connection -> {
          Map<DatasetId, Set<JobId>> found = new HashMap<>();
          Map<String, NodeId> keyed = keyed(datasets);
          for (List<String> chunk : chunks(new ArrayList<>(keyed.keySet()))) {
            String sql =
                "select f.node_key, t.namespace, t.name from lineage_node f"
                    + " join lineage_job_dataset e on e.dataset_id = f.id and e.direction = ?"
                    + " join lineage_node t on t.id = e.job_id"
                    + " where f.node_key in ("
                    + marks(chunk)
                    + ")";
            try (PreparedStatement select = connection.prepareStatement(sql)) {
              select.setString(1, direction);
              bind(select, 2, chunk);
              try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                  found
                      .computeIfAbsent(
                          (DatasetId) keyed.get(rows.getString(1)), k -> new HashSet<>())
                      .add(new JobId(rows.getString(2), rows.getString(3)));
                }
              }
            }
          }
          return found;
        });
  }

  @Override
  public Map<JobId, JobDatasets> datasetsOf(Collection<JobId> jobs) {
    if (jobs.isEmpty()) {
      return Map.of();
    }
    return work(
        connection -> {
          Map<JobId, Set<DatasetId>> inputs = new HashMap<>();
          Map<JobId, Set<DatasetId>> outputs = new HashMap<>();
          Map<String, NodeId> keyed = keyed(jobs);
          for (List<String> chunk : chunks(new ArrayList<>(keyed.keySet()))) {
            String sql =
                "select f.node_key, e.direction, t.namespace, t.name from lineage_node f"
                    + " join lineage_job_dataset e on e.job_id = f.id"
                    + " join lineage_node t on t.id = e.dataset_id"
                    + " where f.node_key in ("
                    + marks(chunk)
                    + ")";
            try (PreparedStatement select = connection.prepareStatement(sql)) {
              bind(select, 1, chunk);
              try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                  ("I".equals(rows.getString(2)) ? inputs : outputs)
                      .computeIfAbsent((JobId) keyed.get(rows.getString(1)), k -> new HashSet<>())
                      .add(new DatasetId(rows.getString(3), rows.getString(4)));
                }
              }
            }
          }
          Map<JobId, JobDatasets> found = new HashMap<>();
          for (JobId job : jobs) {
            if (inputs.containsKey(job) || outputs.containsKey(job)) {
              found.put(
                  job,
                  new JobDatasets(
                      inputs.getOrDefault(job, Set.of()), outputs.getOrDefault(job, Set.of())));
            }
          }
          return found;
        });
  }

  @Override
  public Map<ColumnRef, Set<ColumnEdge>> columnEdges(
      Collection<ColumnRef> columns, boolean towardsSources) {
    if (columns.isEmpty()) {
      return Map.of();
    }
    Set<ColumnRef> wanted = new HashSet<>(columns);
    List<DatasetId> datasets = columns.stream().map(ColumnRef::dataset).distinct().toList();
    // the column is the edges' target (towards sources) or their source
    String near = towardsSources ? "target" : "source";
    return work(
        connection -> {
          Map<ColumnRef, Set<ColumnEdge>> found = new HashMap<>();
          Map<String, NodeId> keyed = keyed(datasets);
          for (List<String> chunk : chunks(new ArrayList<>(keyed.keySet()))) {
            String sql =
                "select s.namespace, s.name, c.source_field, t.namespace, t.name, c.target_field,"
                    + " c.transformation from lineage_column_edge c"
                    + " join lineage_node s on s.id = c.source_dataset_id"
                    + " join lineage_node t on t.id = c.target_dataset_id"
                    + " where "
                    + (towardsSources ? "t" : "s")
                    + ".node_key in ("
                    + marks(chunk)
                    + ")";
            try (PreparedStatement select = connection.prepareStatement(sql)) {
              bind(select, 1, chunk);
              try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                  ColumnEdge edge =
                      new ColumnEdge(
                          new ColumnRef(
                              new DatasetId(rows.getString(1), rows.getString(2)),
                              rows.getString(3)),
                          new ColumnRef(
                              new DatasetId(rows.getString(4), rows.getString(5)),
                              rows.getString(6)),
                          rows.getString(7));
                  ColumnRef column = near.equals("target") ? edge.target() : edge.source();
                  if (wanted.contains(column)) {
                    found.computeIfAbsent(column, k -> new HashSet<>()).add(edge);
                  }
                }
              }
            }
          }
          return found;
        });
  }

  @Override
  public Optional<RunView> run(UUID runId) {
    return work(
        connection -> {
          List<RunView> runs =
              runs(connection, RUNS + " where r.run_id = ?", List.of(runId.toString()));
          return runs.stream().findFirst();
        });
  }

  @Override
  public Map<JobId, List<RunView>> runsOf(Collection<JobId> jobs) {
    Map<JobId, List<RunView>> found = new HashMap<>();
    for (RunView run : runsOfJobs(jobs, "")) {
      found.computeIfAbsent(run.job(), k -> new ArrayList<>()).add(run);
    }
    return found;
  }

  /**
   * Each job's latest end time is found through its (job_id, ended_at) index. Runs ending in the
   * same instant are told apart by run id, the same way on every replica.
   */
  @Override
  public Map<JobId, RunView> latestCompletedRuns(Collection<JobId> jobs) {
    Map<JobId, RunView> found = new HashMap<>();
    for (RunView run :
        runsOfJobs(
            jobs,
            " and r.state = 'COMPLETE' and r.ended_at = (select max(r1.ended_at)"
                + " from lineage_run r1 where r1.job_id = r.job_id and r1.state = 'COMPLETE')"
                + " order by r.run_id")) {
      found.putIfAbsent(run.job(), run);
    }
    return found;
  }

  /** The runs of {@code jobs} that {@code condition} (appended to the where clause) keeps. */
  private List<RunView> runsOfJobs(Collection<JobId> jobs, String condition) {
    if (jobs.isEmpty()) {
      return List.of();
    }
    return work(
        connection -> {
          List<RunView> found = new ArrayList<>();
          for (List<String> chunk : chunks(new ArrayList<>(keyed(jobs).keySet()))) {
            found.addAll(
                runs(
                    connection,
                    RUNS + " where j.node_key in (" + marks(chunk) + ")" + condition,
                    chunk));
          }
          return found;
        });
  }

  private record RunRow(
      UUID id, JobId job, RunState state, Optional<Instant> started, Optional<Instant> ended) {}

  /** The runs {@code sql} selects, with the dataset versions each read and wrote. */
  private static List<RunView> runs(Connection connection, String sql, List<String> parameters)
      throws SQLException {
    Map<String, RunRow> rows = new LinkedHashMap<>();
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      bind(select, 1, parameters);
      try (ResultSet result = select.executeQuery()) {
        while (result.next()) {
          rows.put(
              result.getString(1),
              new RunRow(
                  UUID.fromString(result.getString(1)),
                  new JobId(result.getString(2), result.getString(3)),
                  RunState.valueOf(result.getString(4)),
                  instant(result.getObject(5, OffsetDateTime.class)),
                  instant(result.getObject(6, OffsetDateTime.class))));
        }
      }
    }
    Map<String, List<DatasetVersion>> inputs = new HashMap<>();
    Map<String, List<DatasetVersion>> outputs = new HashMap<>();
    for (List<String> chunk : chunks(new ArrayList<>(rows.keySet()))) {
      try (PreparedStatement select =
          connection.prepareStatement(
              "select v.run_id, v.direction, d.namespace, d.name, v.version"
                  + " from lineage_run_dataset v join lineage_node d on d.id = v.dataset_id"
                  + " where v.run_id in ("
                  + marks(chunk)
                  + ")")) {
        bind(select, 1, chunk);
        try (ResultSet result = select.executeQuery()) {
          while (result.next()) {
            DatasetVersion version =
                new DatasetVersion(
                    new DatasetId(result.getString(3), result.getString(4)), result.getString(5));
            ("I".equals(result.getString(2)) ? inputs : outputs)
                .computeIfAbsent(result.getString(1), k -> new ArrayList<>())
                .add(version);
          }
        }
      }
    }
    List<RunView> runs = new ArrayList<>(rows.size());
    rows.forEach(
        (id, row) ->
            runs.add(
                new RunView(
                    row.id(),
                    row.job(),
                    row.state(),
                    row.started(),
                    row.ended(),
                    RunView.known(inputs.getOrDefault(id, List.of())),
                    RunView.known(outputs.getOrDefault(id, List.of())))));
    return runs;
  }

  private static Optional<Instant> instant(OffsetDateTime time) {
    return Optional.ofNullable(time).map(OffsetDateTime::toInstant);
  }

  @Override
  public List<NodeId> search(String needle) {
    String pattern = "%" + LikePatterns.literal(needle) + "%";
    return work(
        connection -> {
          List<NodeId> found = new ArrayList<>();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "select kind, namespace, name from lineage_node"
                      + " where name_lower like ? escape '\\' or namespace_lower like ? escape '\\'")) {
            select.setString(1, pattern);
            select.setString(2, pattern);
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                found.add(
                    LineageTables.node(rows.getString(1), rows.getString(2), rows.getString(3)));
              }
            }
          }
          return found;
        });
  }

  @Override
  public long datasetCount() {
    return count(NodeKind.DATASET);
  }

  @Override
  public long jobCount() {
    return count(NodeKind.JOB);
  }

  private long count(NodeKind kind) {
    return work(
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement("select count(*) from lineage_node where kind = ?")) {
            select.setString(1, kind.name());
            try (ResultSet rows = select.executeQuery()) {
              rows.next();
              return rows.getLong(1);
            }
          }
        });
  }
}
