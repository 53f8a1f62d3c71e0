package dev.sluice.catalog.persistence;

import dev.sluice.lineage.ColumnEdge;
import dev.sluice.lineage.DatasetId;
import dev.sluice.lineage.DatasetVersion;
import dev.sluice.lineage.JobId;
import dev.sluice.lineage.LineageEvent;
import dev.sluice.lineage.NodeId;
import dev.sluice.lineage.NodeKind;
import dev.sluice.lineage.RunState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes the lineage projection's tables (V10) on one JDBC connection, inside the caller's
 * transaction: a batch of events becomes one batched insert-if-absent per table, then one batched
 * update of the runs' states. Rows are written in key order, table after table, so two batches
 * written at once wait for each other at most and never deadlock. Nodes, edges and run versions are
 * only ever inserted; the outcome is the same whatever order and however often events come.
 */
final class LineageTables {
  /** The most keys one {@code IN (...)} list carries. */
  static final int IN_LIST = 500;

  private LineageTables() {}

  /** Insert-if-absent differs: PostgreSQL has ON CONFLICT, H2 (one process) a guarded insert. */
  enum Dialect {
    POSTGRESQL,
    H2;

    static Dialect of(Connection connection) throws SQLException {
      String product = connection.getMetaData().getDatabaseProductName();
      return product.toLowerCase(Locale.ROOT).contains("postgres") ? POSTGRESQL : H2;
    }

    /**
     * Inserts a row unless one with the same {@code key} columns exists. The parameters are the
     * columns in order, then (for H2) the key columns again; see {@link #bindKeysTwice}.
     */
    String insertIfAbsent(String table, List<String> columns, List<String> key) {
      String names = String.join(", ", columns);
      String marks = String.join(", ", columns.stream().map(c -> "?").toList());
      if (this == POSTGRESQL) {
        return "insert into "
            + table
            + " ("
            + names
            + ") values ("
            + marks
            + ") on conflict ("
            + String.join(", ", key)
            + ") do nothing";
      }
      return "insert into "
          + table
          + " ("
          + names
          + ") select "
          + marks
          + " where not exists (select 1 from "
          + table
          + " where "
          + String.join(" and ", key.stream().map(k -> k + " = ?").toList())
          + ")";
    }

    boolean bindKeysTwice() {
      return this == H2;
    }
  }

  /** The unique key of a node: SHA-256 of kind, namespace and name. */
  static String nodeKey(NodeId node) {
    return sha256(node.kind().name(), node.namespace(), node.name());
  }

  static String sha256(String... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String part : parts) {
        digest.update(part.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  /** Projects {@code events} (already validated) into the tables. */
  static void project(Connection connection, Dialect dialect, List<LineageEvent> events)
      throws SQLException {
    if (events.isEmpty()) {
      return;
    }
    Map<String, Long> ids = nodes(connection, dialect, events);
    jobDatasets(connection, dialect, events, ids);
    columnEdges(connection, dialect, events, ids);
    runs(connection, dialect, events, ids);
  }

  private static Map<String, Long> nodes(
      Connection connection, Dialect dialect, List<LineageEvent> events) throws SQLException {
    TreeMap<String, NodeId> nodes = new TreeMap<>();
    for (LineageEvent event : events) {
      event.inputs().forEach(v -> nodes.putIfAbsent(nodeKey(v.dataset()), v.dataset()));
      event.outputs().forEach(v -> nodes.putIfAbsent(nodeKey(v.dataset()), v.dataset()));
      event.job().ifPresent(job -> nodes.putIfAbsent(nodeKey(job), job));
      for (ColumnEdge edge : event.columnEdges()) {
        nodes.putIfAbsent(nodeKey(edge.source().dataset()), edge.source().dataset());
        nodes.putIfAbsent(nodeKey(edge.target().dataset()), edge.target().dataset());
      }
    }
    Map<String, Long> ids = new HashMap<>();
    // most nodes of a batch are known already: read first, insert only the rest
    readIds(connection, nodes.keySet(), ids);
    List<Map.Entry<String, NodeId>> unknown =
        nodes.entrySet().stream().filter(e -> !ids.containsKey(e.getKey())).toList();
    if (unknown.isEmpty()) {
      return ids;
    }
    String sql =
        dialect.insertIfAbsent(
            "lineage_node",
            List.of("node_key", "kind", "namespace", "name", "namespace_lower", "name_lower"),
            List.of("node_key"));
    try (PreparedStatement insert = connection.prepareStatement(sql)) {
      for (Map.Entry<String, NodeId> entry : unknown) {
        NodeId node = entry.getValue();
        insert.setString(1, entry.getKey());
        insert.setString(2, node.kind().name());
        insert.setString(3, node.namespace());
        insert.setString(4, node.name());
        insert.setString(5, node.namespace().toLowerCase(Locale.ROOT));
        insert.setString(6, node.name().toLowerCase(Locale.ROOT));
        if (dialect.bindKeysTwice()) {
          insert.setString(7, entry.getKey());
        }
        insert.addBatch();
      }
      insert.executeBatch();
    }
    readIds(connection, unknown.stream().map(Map.Entry::getKey).toList(), ids);
    return ids;
  }

  private static void readIds(Connection connection, Collection<String> keys, Map<String, Long> ids)
      throws SQLException {
    for (List<String> chunk : chunks(new ArrayList<>(keys))) {
      try (PreparedStatement select =
          connection.prepareStatement(
              "select node_key, id from lineage_node where node_key in (" + marks(chunk) + ")")) {
        bind(select, 1, chunk);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            ids.put(rows.getString(1), rows.getLong(2));
          }
        }
      }
    }
  }

  private record JobDataset(long job, String direction, long dataset) {
    static final Comparator<JobDataset> ORDER =
        Comparator.comparingLong(JobDataset::job)
            .thenComparing(JobDataset::direction)
            .thenComparingLong(JobDataset::dataset);
  }

  private static void jobDatasets(
      Connection connection, Dialect dialect, List<LineageEvent> events, Map<String, Long> ids)
      throws SQLException {
    TreeSet<JobDataset> rows = new TreeSet<>(JobDataset.ORDER);
    for (LineageEvent event : events) {
      if (event.job().isEmpty()) {
        continue;
      }
      long job = ids.get(nodeKey(event.job().get()));
      event
          .inputs()
          .forEach(v -> rows.add(new JobDataset(job, "I", ids.get(nodeKey(v.dataset())))));
      event
          .outputs()
          .forEach(v -> rows.add(new JobDataset(job, "O", ids.get(nodeKey(v.dataset())))));
    }
    if (rows.isEmpty()) {
      return;
    }
    String sql =
        dialect.insertIfAbsent(
            "lineage_job_dataset",
            List.of("job_id", "direction", "dataset_id"),
            List.of("job_id", "direction", "dataset_id"));
    try (PreparedStatement insert = connection.prepareStatement(sql)) {
      for (JobDataset row : rows) {
        insert.setLong(1, row.job());
        insert.setString(2, row.direction());
        insert.setLong(3, row.dataset());
        if (dialect.bindKeysTwice()) {
          insert.setLong(4, row.job());
          insert.setString(5, row.direction());
          insert.setLong(6, row.dataset());
        }
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private static void columnEdges(
      Connection connection, Dialect dialect, List<LineageEvent> events, Map<String, Long> ids)
      throws SQLException {
    TreeMap<String, ColumnEdge> edges = new TreeMap<>();
    for (LineageEvent event : events) {
      for (ColumnEdge edge : event.columnEdges()) {
        edges.putIfAbsent(edgeKey(edge), edge);
      }
    }
    if (edges.isEmpty()) {
      return;
    }
    String sql =
        dialect.insertIfAbsent(
            "lineage_column_edge",
            List.of(
                "edge_key",
                "source_dataset_id",
                "source_field",
                "target_dataset_id",
                "target_field",
                "transformation"),
            List.of("edge_key"));
    try (PreparedStatement insert = connection.prepareStatement(sql)) {
      for (Map.Entry<String, ColumnEdge> entry : edges.entrySet()) {
        ColumnEdge edge = entry.getValue();
        insert.setString(1, entry.getKey());
        insert.setLong(2, ids.get(nodeKey(edge.source().dataset())));
        insert.setString(3, edge.source().field());
        insert.setLong(4, ids.get(nodeKey(edge.target().dataset())));
        insert.setString(5, edge.target().field());
        insert.setString(6, edge.transformation());
        if (dialect.bindKeysTwice()) {
          insert.setString(7, entry.getKey());
        }
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  static String edgeKey(ColumnEdge edge) {
    return sha256(
        nodeKey(edge.source().dataset()),
        edge.source().field(),
        nodeKey(edge.target().dataset()),
        edge.target().field(),
        edge.transformation());
  }

  private record RunDataset(String run, String direction, long dataset, String version) {
    static final Comparator<RunDataset> ORDER =
        Comparator.comparing(RunDataset::run)
            .thenComparing(RunDataset::direction)
            .thenComparingLong(RunDataset::dataset)
            .thenComparing(RunDataset::version);
  }

  private static final String ADVANCES =
      "state_rank < ? or (state_rank = ? and (state_time is null or state_time < ?))";

  /**
   * A run's state only advances (a higher rank, or a later time within one), its start is the
   * earliest START, its end the latest terminal event: the same whatever order events come in.
   */
  private static final String UPDATE_RUN =
      "update lineage_run set"
          + " started_at = case when ? and (started_at is null or started_at > ?)"
          + " then ? else started_at end,"
          + " ended_at = case when ? and (ended_at is null or ended_at < ?) then ? else ended_at end,"
          + " state = case when "
          + ADVANCES
          + " then ? else state end,"
          + " state_time = case when "
          + ADVANCES
          + " then ? else state_time end,"
          + " state_rank = case when state_rank < ? then ? else state_rank end"
          + " where run_id = ?";

  private static void runs(
      Connection connection, Dialect dialect, List<LineageEvent> events, Map<String, Long> ids)
      throws SQLException {
    // the first event of each run names its job; runs in key order
    TreeMap<String, Long> runJobs = new TreeMap<>();
    List<LineageEvent> byRun = new ArrayList<>();
    TreeSet<RunDataset> versions = new TreeSet<>(RunDataset.ORDER);
    for (LineageEvent event : events) {
      if (event.kind() != LineageEvent.Kind.RUN) {
        continue;
      }
      String run = event.runId().orElseThrow().toString();
      runJobs.putIfAbsent(run, ids.get(nodeKey(event.job().orElseThrow())));
      byRun.add(event);
      for (DatasetVersion v : event.inputs()) {
        versions.add(new RunDataset(run, "I", ids.get(nodeKey(v.dataset())), v.version()));
      }
      for (DatasetVersion v : event.outputs()) {
        versions.add(new RunDataset(run, "O", ids.get(nodeKey(v.dataset())), v.version()));
      }
    }
    if (runJobs.isEmpty()) {
      return;
    }
    String insertRun =
        dialect.insertIfAbsent(
            "lineage_run", List.of("run_id", "job_id", "state", "state_rank"), List.of("run_id"));
    try (PreparedStatement insert = connection.prepareStatement(insertRun)) {
      for (Map.Entry<String, Long> run : runJobs.entrySet()) {
        insert.setString(1, run.getKey());
        insert.setLong(2, run.getValue());
        insert.setString(3, RunState.NEW.name());
        insert.setInt(4, RunState.NEW.rank());
        if (dialect.bindKeysTwice()) {
          insert.setString(5, run.getKey());
        }
        insert.addBatch();
      }
      insert.executeBatch();
    }
    byRun.sort(Comparator.comparing(e -> e.runId().orElseThrow().toString()));
    try (PreparedStatement update = connection.prepareStatement(UPDATE_RUN)) {
      int batched = 0;
      for (LineageEvent event : byRun) {
        if (event.state().isEmpty()) {
          continue;
        }
        RunState state = event.state().get();
        OffsetDateTime time = utc(event.eventTime());
        int i = 1;
        update.setBoolean(i++, state == RunState.START);
        update.setObject(i++, time);
        update.setObject(i++, time);
        update.setBoolean(i++, state.isTerminal());
        update.setObject(i++, time);
        update.setObject(i++, time);
        for (int twice = 0; twice < 2; twice++) {
          update.setInt(i++, state.rank());
          update.setInt(i++, state.rank());
          update.setObject(i++, time);
          if (twice == 0) {
            update.setString(i++, state.name());
          } else {
            update.setObject(i++, time);
          }
        }
        update.setInt(i++, state.rank());
        update.setInt(i++, state.rank());
        update.setString(i, event.runId().orElseThrow().toString());
        update.addBatch();
        batched++;
      }
      if (batched > 0) {
        update.executeBatch();
      }
    }
    if (versions.isEmpty()) {
      return;
    }
    String insertVersion =
        dialect.insertIfAbsent(
            "lineage_run_dataset",
            List.of("run_id", "direction", "dataset_id", "version"),
            List.of("run_id", "direction", "dataset_id", "version"));
    try (PreparedStatement insert = connection.prepareStatement(insertVersion)) {
      for (RunDataset row : versions) {
        insert.setString(1, row.run());
        insert.setString(2, row.direction());
        insert.setLong(3, row.dataset());
        insert.setString(4, row.version());
        if (dialect.bindKeysTwice()) {
          insert.setString(5, row.run());
          insert.setString(6, row.direction());
          insert.setLong(7, row.dataset());
          insert.setString(8, row.version());
        }
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  // ---- helpers shared with the reads ----

  static <T> List<List<T>> chunks(List<T> items) {
    List<List<T>> chunks = new ArrayList<>();
    for (int from = 0; from < items.size(); from += IN_LIST) {
      chunks.add(items.subList(from, Math.min(items.size(), from + IN_LIST)));
    }
    return chunks;
  }

  static String marks(List<?> items) {
    return String.join(", ", items.stream().map(i -> "?").toList());
  }

  static int bind(PreparedStatement statement, int from, List<String> values) throws SQLException {
    int i = from;
    for (String value : values) {
      statement.setString(i++, value);
    }
    return i;
  }

  /** Node keys of {@code nodes}, each mapped back to its node. */
  static Map<String, NodeId> keyed(Collection<? extends NodeId> nodes) {
    Map<String, NodeId> keyed = new LinkedHashMap<>();
    for (NodeId node : nodes) {
      keyed.put(nodeKey(node), node);
    }
    return keyed;
  }

  static NodeId node(String kind, String namespace, String name) {
    return NodeKind.valueOf(kind) == NodeKind.DATASET
        ? new DatasetId(namespace, name)
        : new JobId(namespace, name);
  }
}
