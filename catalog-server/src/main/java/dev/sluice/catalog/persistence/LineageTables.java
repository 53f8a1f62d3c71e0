package dev.sluice.catalog.persistence;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
 * transaction: a batch of events becomes one batched insert-if-absent per table, and the runs'
 * states one upsert on PostgreSQL (H2: an insert-if-absent, then a batched update). Rows are
 * written in key order, table after table, so two batches written at once wait for each other at
 * most and never deadlock. Nodes, edges and run versions are only ever inserted; the outcome is the
 * same whatever order and however often events come.
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
     * columns in order, then (for H2) the key columns again.
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
  }

  /**
   * Inserts each row unless one with the same {@code key} exists: on PostgreSQL as multi-row
   * statements (one round trip and one statement per {@link #rowsPerStatement} rows), on H2 as a
   * batch.
   */
  static void insertIfAbsent(
      Connection connection,
      Dialect dialect,
      String table,
      List<String> columns,
      List<String> key,
      List<Object[]> rows)
      throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    if (dialect == Dialect.POSTGRESQL) {
      multiRowInserts(
          connection,
          table,
          columns,
          rows,
          " on conflict (" + String.join(", ", key) + ") do nothing",
          PreparedStatement::executeUpdate);
      return;
    }
    int[] keyIndexes = key.stream().mapToInt(columns::indexOf).toArray();
    try (PreparedStatement insert =
        connection.prepareStatement(dialect.insertIfAbsent(table, columns, key))) {
      for (Object[] row : rows) {
        int i = 1;
        for (Object value : row) {
          insert.setObject(i++, value);
        }
        for (int k : keyIndexes) {
          insert.setObject(i++, row[k]);
        }
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /** Rows per multi-row statement: PostgreSQL takes at most 32767 parameters. */
  static int rowsPerStatement(int columns) {
    return Math.max(1, Math.min(1000, 30000 / columns));
  }

  static String multiRowInsert(String table, List<String> columns, int rows) {
    String row = "(" + String.join(", ", columns.stream().map(c -> "?").toList()) + ")";
    StringBuilder sql =
        new StringBuilder("insert into ")
            .append(table)
            .append(" (")
            .append(String.join(", ", columns))
            .append(") values ");
    for (int r = 0; r < rows; r++) {
      sql.append(r == 0 ? "" : ", ").append(row);
    }
    return sql.toString();
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

  /**
   * Rows of the projection that are committed: node ids and job–dataset edges. Once written they
   * never change, so a bounded cache of them spares a replica reading or inserting them again; a
   * row is remembered only after the transaction that wrote or read it committed.
   */
  static final class Known {
    private static final int MAX_ROWS = 200_000;
    private final Cache<String, Long> nodeIds = Caffeine.newBuilder().maximumSize(MAX_ROWS).build();
    private final Cache<JobDataset, Boolean> edges =
        Caffeine.newBuilder().maximumSize(MAX_ROWS).build();

    /** What one transaction learned, to remember once it committed. */
    final class Learned {
      private final Map<String, Long> nodeIds = new HashMap<>();
      private final List<JobDataset> edges = new ArrayList<>();

      Known known() {
        return Known.this;
      }

      void remember() {
        Known.this.nodeIds.putAll(nodeIds);
        edges.forEach(edge -> Known.this.edges.put(edge, Boolean.TRUE));
      }
    }
  }

  /**
   * Projects {@code events} (already validated) into the tables; what it learns goes to {@code
   * learned}.
   */
  static void project(
      Connection connection, Dialect dialect, List<LineageEvent> events, Known.Learned learned)
      throws SQLException {
    if (events.isEmpty()) {
      return;
    }
    Map<String, Long> ids = nodes(connection, dialect, events, learned);
    jobDatasets(connection, dialect, events, ids, learned);
    columnEdges(connection, dialect, events, ids);
    runs(connection, dialect, events, ids);
  }

  private static Map<String, Long> nodes(
      Connection connection, Dialect dialect, List<LineageEvent> events, Known.Learned learned)
      throws SQLException {
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
    Map<String, Long> ids = new HashMap<>(learned.known().nodeIds.getAllPresent(nodes.keySet()));
    // most nodes of a batch exist already: read first, insert only the rest
    List<String> unread = nodes.keySet().stream().filter(k -> !ids.containsKey(k)).toList();
    readIds(connection, unread, ids);
    unread.forEach(key -> learned.nodeIds.put(key, ids.get(key)));
    learned.nodeIds.values().removeIf(java.util.Objects::isNull);
    List<Map.Entry<String, NodeId>> unknown =
        nodes.entrySet().stream().filter(e -> !ids.containsKey(e.getKey())).toList();
    if (unknown.isEmpty()) {
      return ids;
    }
    List<Object[]> rows = new ArrayList<>(unknown.size());
    for (Map.Entry<String, NodeId> entry : unknown) {
      NodeId node = entry.getValue();
      rows.add(
          new Object[] {
            entry.getKey(),
            node.kind().name(),
            node.namespace(),
            node.name(),
            node.namespace().toLowerCase(Locale.ROOT),
            node.name().toLowerCase(Locale.ROOT)
          });
    }
    List<String> columns =
        List.of("node_key", "kind", "namespace", "name", "namespace_lower", "name_lower");
    List<String> keys = unknown.stream().map(Map.Entry::getKey).toList();
    if (dialect == Dialect.POSTGRESQL) {
      // the new ids come back from the insert; only a node another writer inserted first is read
      insertNodesReturningIds(connection, columns, rows, ids);
      readIds(connection, keys.stream().filter(k -> !ids.containsKey(k)).toList(), ids);
    } else {
      insertIfAbsent(connection, dialect, "lineage_node", columns, List.of("node_key"), rows);
      readIds(connection, keys, ids);
    }
    unknown.forEach(e -> learned.nodeIds.put(e.getKey(), ids.get(e.getKey())));
    return ids;
  }

  private static void insertNodesReturningIds(
      Connection connection, List<String> columns, List<Object[]> rows, Map<String, Long> ids)
      throws SQLException {
    multiRowInserts(
        connection,
        "lineage_node",
        columns,
        rows,
        " on conflict (node_key) do nothing returning node_key, id",
        insert -> {
          try (ResultSet inserted = insert.executeQuery()) {
            while (inserted.next()) {
              ids.put(inserted.getString(1), inserted.getLong(2));
            }
          }
        });
  }

  /** What runs one bound statement. */
  @FunctionalInterface
  private interface Execution {
    void execute(PreparedStatement statement) throws SQLException;
  }

  /**
   * Inserts {@code rows} by multi-row statements of {@link #rowsPerStatement} rows, each followed
   * by {@code tail} and run by {@code execution}.
   */
  private static void multiRowInserts(
      Connection connection,
      String table,
      List<String> columns,
      List<Object[]> rows,
      String tail,
      Execution execution)
      throws SQLException {
    int per = rowsPerStatement(columns.size());
    for (int from = 0; from < rows.size(); from += per) {
      List<Object[]> chunk = rows.subList(from, Math.min(rows.size(), from + per));
      try (PreparedStatement insert =
          connection.prepareStatement(multiRowInsert(table, columns, chunk.size()) + tail)) {
        int i = 1;
        for (Object[] row : chunk) {
          for (Object value : row) {
            insert.setObject(i++, value);
          }
        }
        execution.execute(insert);
      }
    }
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
      Connection connection,
      Dialect dialect,
      List<LineageEvent> events,
      Map<String, Long> ids,
      Known.Learned learned)
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
    rows.removeAll(learned.known().edges.getAllPresent(rows).keySet());
    if (rows.isEmpty()) {
      return;
    }
    learned.edges.addAll(rows);
    List<String> columns = List.of("job_id", "direction", "dataset_id");
    insertIfAbsent(
        connection,
        dialect,
        "lineage_job_dataset",
        columns,
        columns,
        rows.stream().map(r -> new Object[] {r.job(), r.direction(), r.dataset()}).toList());
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
    List<Object[]> rows = new ArrayList<>(edges.size());
    for (Map.Entry<String, ColumnEdge> entry : edges.entrySet()) {
      ColumnEdge edge = entry.getValue();
      rows.add(
          new Object[] {
            entry.getKey(),
            ids.get(nodeKey(edge.source().dataset())),
            edge.source().field(),
            ids.get(nodeKey(edge.target().dataset())),
            edge.target().field(),
            edge.transformation()
          });
    }
    insertIfAbsent(
        connection,
        dialect,
        "lineage_column_edge",
        List.of(
            "edge_key",
            "source_dataset_id",
            "source_field",
            "target_dataset_id",
            "target_field",
            "transformation"),
        List.of("edge_key"),
        rows);
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

  /**
   * What the events of one batch say about one run, folded as the table folds them: the earliest
   * START, the latest terminal event, the most advanced state (the first of equals).
   */
  private static final class RunChange {
    final long job;
    Instant started;
    Instant ended;
    RunState state;
    Instant stateTime;

    RunChange(long job) {
      this.job = job;
    }

    void apply(LineageEvent event) {
      if (event.state().isEmpty()) {
        return;
      }
      RunState next = event.state().get();
      Instant time = event.eventTime();
      if (next == RunState.START && (started == null || time.isBefore(started))) {
        started = time;
      }
      if (next.isTerminal() && (ended == null || time.isAfter(ended))) {
        ended = time;
      }
      if (state == null
          || next.rank() > state.rank()
          || (next.rank() == state.rank() && time.isAfter(stateTime))) {
        state = next;
        stateTime = time;
      }
    }
  }

  private static void runs(
      Connection connection, Dialect dialect, List<LineageEvent> events, Map<String, Long> ids)
      throws SQLException {
    // runs in key order; the first event of each names its job
    TreeMap<String, RunChange> changes = new TreeMap<>();
    TreeSet<RunDataset> versions = new TreeSet<>(RunDataset.ORDER);
    for (LineageEvent event : events) {
      if (event.kind() != LineageEvent.Kind.RUN) {
        continue;
      }
      String run = event.runId().orElseThrow().toString();
      changes
          .computeIfAbsent(run, r -> new RunChange(ids.get(nodeKey(event.job().orElseThrow()))))
          .apply(event);
      for (DatasetVersion v : event.inputs()) {
        versions.add(new RunDataset(run, "I", ids.get(nodeKey(v.dataset())), v.version()));
      }
      for (DatasetVersion v : event.outputs()) {
        versions.add(new RunDataset(run, "O", ids.get(nodeKey(v.dataset())), v.version()));
      }
    }
    if (changes.isEmpty()) {
      return;
    }
    if (dialect == Dialect.POSTGRESQL) {
      upsertRuns(connection, changes);
    } else {
      insertAndFoldRuns(connection, changes);
    }
    List<String> columns = List.of("run_id", "direction", "dataset_id", "version");
    insertIfAbsent(
        connection,
        dialect,
        "lineage_run_dataset",
        columns,
        columns,
        versions.stream()
            .map(v -> new Object[] {v.run(), v.direction(), v.dataset(), v.version()})
            .toList());
  }

  /** H2: each run inserted as NEW unless present, then folded by {@link #UPDATE_RUN}. */
  private static void insertAndFoldRuns(Connection connection, TreeMap<String, RunChange> changes)
      throws SQLException {
    insertIfAbsent(
        connection,
        Dialect.H2,
        "lineage_run",
        List.of("run_id", "job_id", "state", "state_rank"),
        List.of("run_id"),
        changes.entrySet().stream()
            .map(
                e ->
                    new Object[] {
                      e.getKey(), e.getValue().job, RunState.NEW.name(), RunState.NEW.rank()
                    })
            .toList());
    try (PreparedStatement update = connection.prepareStatement(UPDATE_RUN)) {
      int batched = 0;
      for (Map.Entry<String, RunChange> entry : changes.entrySet()) {
        RunChange change = entry.getValue();
        if (change.state == null) {
          continue;
        }
        OffsetDateTime started = utcOrNull(change.started);
        OffsetDateTime ended = utcOrNull(change.ended);
        OffsetDateTime time = utc(change.stateTime);
        int rank = change.state.rank();
        int i = 1;
        update.setBoolean(i++, started != null);
        update.setObject(i++, started == null ? time : started);
        update.setObject(i++, started == null ? time : started);
        update.setBoolean(i++, ended != null);
        update.setObject(i++, ended == null ? time : ended);
        update.setObject(i++, ended == null ? time : ended);
        for (int twice = 0; twice < 2; twice++) {
          update.setInt(i++, rank);
          update.setInt(i++, rank);
          update.setObject(i++, time);
          if (twice == 0) {
            update.setString(i++, change.state.name());
          } else {
            update.setObject(i++, time);
          }
        }
        update.setInt(i++, rank);
        update.setInt(i++, rank);
        update.setString(i, entry.getKey());
        update.addBatch();
        batched++;
      }
      if (batched > 0) {
        update.executeBatch();
      }
    }
  }

  private static final List<String> RUN_COLUMNS =
      List.of("run_id", "job_id", "state", "state_rank", "state_time", "started_at", "ended_at");

  /** {@link #ADVANCES} with the stored row against the one offered ({@code excluded}). */
  private static final String OFFER_ADVANCES =
      "lineage_run.state_rank < excluded.state_rank or (lineage_run.state_rank ="
          + " excluded.state_rank and (lineage_run.state_time is null or lineage_run.state_time <"
          + " excluded.state_time))";

  /**
   * PostgreSQL: one statement per chunk of runs. A new run is inserted in its folded state; a
   * stored one is folded exactly as {@link #UPDATE_RUN} folds it, the offered row standing for the
   * batch's change (a run without a state offers NEW with no time, which changes nothing).
   */
  private static final String UPSERT_RUN_FOLD =
      " on conflict (run_id) do update set"
          + " started_at = case when excluded.started_at is not null and (lineage_run.started_at"
          + " is null or lineage_run.started_at > excluded.started_at) then excluded.started_at"
          + " else lineage_run.started_at end,"
          + " ended_at = case when excluded.ended_at is not null and (lineage_run.ended_at is null"
          + " or lineage_run.ended_at < excluded.ended_at) then excluded.ended_at"
          + " else lineage_run.ended_at end,"
          + " state = case when "
          + OFFER_ADVANCES
          + " then excluded.state else lineage_run.state end,"
          + " state_time = case when "
          + OFFER_ADVANCES
          + " then excluded.state_time else lineage_run.state_time end,"
          + " state_rank = greatest(lineage_run.state_rank, excluded.state_rank)";

  private static void upsertRuns(Connection connection, TreeMap<String, RunChange> changes)
      throws SQLException {
    List<Object[]> rows = new ArrayList<>(changes.size());
    for (Map.Entry<String, RunChange> entry : changes.entrySet()) {
      RunChange change = entry.getValue();
      RunState state = change.state == null ? RunState.NEW : change.state;
      rows.add(
          new Object[] {
            entry.getKey(),
            change.job,
            state.name(),
            state.rank(),
            utcOrNull(change.stateTime),
            utcOrNull(change.started),
            utcOrNull(change.ended)
          });
    }
    // a null is bound untyped: the insert's target column gives it its type
    multiRowInserts(
        connection,
        "lineage_run",
        RUN_COLUMNS,
        rows,
        UPSERT_RUN_FOLD,
        PreparedStatement::executeUpdate);
  }

  private static OffsetDateTime utcOrNull(Instant time) {
    return time == null ? null : utc(time);
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
