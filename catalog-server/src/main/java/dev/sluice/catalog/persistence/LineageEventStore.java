package dev.sluice.catalog.persistence;

import static dev.sluice.catalog.persistence.LineageTables.chunks;
import static dev.sluice.catalog.persistence.LineageTables.marks;

import dev.sluice.catalog.audit.AuditTrail;
import dev.sluice.catalog.persistence.LineageTables.Dialect;
import dev.sluice.lineage.LineageEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.Session;

/**
 * The raw OpenLineage event log, and the queues that hang off it: events not yet projected (the
 * catalog's own commit events, written in the commit's transaction, and events stored before the
 * projection existed) and events to forward. Events received through the API are stored and
 * projected in one transaction.
 */
@ApplicationScoped
public class LineageEventStore {
  private static final String COLUMNS =
      "event_hash, kind, run_id, job_namespace, job_name, event_time, source, sender,"
          + " sender_credential, event_json, received_at";

  private final CatalogSessions sessions;
  private final AuditTrail audit;
  private final boolean postgresql;
  // H2 is one process: its writers of the projection take turns instead of racing on inserts
  private final ReentrantLock embeddedWriters = new ReentrantLock();
  private final LineageTables.Known known = new LineageTables.Known();
  private final TransactionSynchronizationRegistry transactions;

  @Inject
  LineageEventStore(
      CatalogSessions sessions,
      AuditTrail audit,
      TransactionSynchronizationRegistry transactions,
      @ConfigProperty(name = "quarkus.datasource.\"postgresql\".active", defaultValue = "false")
          boolean postgresql) {
    this.sessions = sessions;
    this.audit = audit;
    this.transactions = transactions;
    this.postgresql = postgresql;
  }

  private Dialect dialect() {
    return postgresql ? Dialect.POSTGRESQL : Dialect.H2;
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }

  /**
   * Runs {@code write} (one transaction that projects) in turn with the other projecting writers on
   * H2; on PostgreSQL at once, since its inserts-if-absent wait for each other by themselves.
   */
  public <T> T projecting(Supplier<T> write) {
    if (postgresql) {
      return write.get();
    }
    embeddedWriters.lock();
    try {
      return write.get();
    } finally {
      embeddedWriters.unlock();
    }
  }

  /**
   * Stores each event unless an identical one is stored already, and projects those that were new,
   * in one transaction; call through {@link #projecting}. {@code parsed} holds what each of {@code
   * events} says. Returns, per event, whether it was new.
   */
  @Transactional
  public List<Boolean> appendAndProject(
      List<LineageEventEntity> events, List<LineageEvent> parsed) {
    audit.joinChange(sessions.session(), false);
    return sessions
        .session()
        .doReturningWork(
            connection -> {
              Dialect dialect = dialect();
              List<Boolean> stored = insert(connection, dialect, events);
              List<LineageEvent> fresh = new ArrayList<>();
              for (int i = 0; i < parsed.size(); i++) {
                if (stored.get(i)) {
                  fresh.add(parsed.get(i));
                }
              }
              LineageTables.project(connection, dialect, fresh, learning());
              return stored;
            });
  }

  /** What this transaction learns of the projection, remembered if it commits. */
  private LineageTables.Known.Learned learning() {
    LineageTables.Known.Learned learned = known.new Learned();
    AfterCommit.run(transactions, learned::remember);
    return learned;
  }

  private static List<Boolean> insert(
      Connection connection, Dialect dialect, List<LineageEventEntity> events) throws SQLException {
    List<String> columns = List.of(COLUMNS.split(",\\s*"));
    OffsetDateTime now = now();
    if (dialect == Dialect.POSTGRESQL) {
      // one multi-row statement per chunk; the rows it inserted come back
      Set<String> inserted = new HashSet<>();
      int per = LineageTables.rowsPerStatement(columns.size());
      for (int from = 0; from < events.size(); from += per) {
        List<LineageEventEntity> chunk = events.subList(from, Math.min(events.size(), from + per));
        try (PreparedStatement insert =
            connection.prepareStatement(
                LineageTables.multiRowInsert("lineage_event", columns, chunk.size())
                    + " on conflict (event_hash) do nothing returning event_hash")) {
          int i = 1;
          for (LineageEventEntity event : chunk) {
            i = bindEvent(insert, i, event, now);
          }
          try (ResultSet rows = insert.executeQuery()) {
            while (rows.next()) {
              inserted.add(rows.getString(1));
            }
          }
        }
      }
      List<Boolean> stored = new ArrayList<>(events.size());
      for (LineageEventEntity event : events) {
        // a second copy in the same request is not new
        stored.add(inserted.remove(event.eventHash));
      }
      return stored;
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            dialect.insertIfAbsent("lineage_event", columns, List.of("event_hash")))) {
      for (LineageEventEntity event : events) {
        int next = bindEvent(insert, 1, event, now);
        insert.setString(next, event.eventHash);
        insert.addBatch();
      }
      int[] counts = insert.executeBatch();
      List<Boolean> stored = new ArrayList<>(counts.length);
      for (int count : counts) {
        stored.add(count != 0);
      }
      return stored;
    }
  }

  /** Binds the event's columns from parameter {@code from}; returns the next parameter. */
  private static int bindEvent(
      PreparedStatement insert, int from, LineageEventEntity event, OffsetDateTime now)
      throws SQLException {
    int i = from;
    insert.setString(i++, event.eventHash);
    insert.setString(i++, event.kind);
    insert.setString(i++, event.runId);
    insert.setString(i++, event.jobNamespace);
    insert.setString(i++, event.jobName);
    insert.setObject(i++, event.eventTime);
    insert.setString(i++, event.source);
    insert.setString(i++, event.sender);
    insert.setString(i++, event.senderCredential);
    insert.setString(i++, event.eventJson);
    insert.setObject(i++, now);
    return i;
  }

  /**
   * Stores the catalog's commit events inside the commit's transaction, so each commits with the
   * change it describes or not at all; {@code parsed} holds what each says. On PostgreSQL they are
   * projected in that transaction too: one transaction per commit, and the lineage is there when
   * the commit is answered. On H2, whose projecting writers take turns, they are queued unprojected
   * for the projector, which the caller runs right after the commit. With {@code forward}, each is
   * queued for forwarding too. Returns the ids of the events queued unprojected.
   */
  public List<Long> appendCommitEvents(
      Session session,
      List<LineageEventEntity> events,
      List<LineageEvent> parsed,
      boolean forward) {
    if (events.size() != parsed.size()) {
      throw new IllegalArgumentException("one parsed event for each stored event");
    }
    return session.doReturningWork(
        connection -> {
          List<Long> unprojected = new ArrayList<>();
          List<LineageEvent> fresh = new ArrayList<>();
          for (int i = 0; i < events.size(); i++) {
            if (postgresql) {
              long id = insertReturningId(connection, events.get(i));
              if (forward) {
                queueForward(connection, id);
              }
              fresh.add(parsed.get(i));
            } else {
              unprojected.add(appendUnprojected(connection, events.get(i), forward));
            }
          }
          if (!fresh.isEmpty()) {
            LineageTables.project(connection, Dialect.POSTGRESQL, fresh, learning());
          }
          return unprojected;
        });
  }

  /**
   * Appends an event inside the caller's transaction, unprojected: the projector takes it from
   * there. With {@code forward}, it is queued for forwarding too. Returns the event's id.
   */
  public long appendUnprojected(Session session, LineageEventEntity event, boolean forward) {
    return session.doReturningWork(connection -> appendUnprojected(connection, event, forward));
  }

  private static long appendUnprojected(
      Connection connection, LineageEventEntity event, boolean forward) throws SQLException {
    long id = insertReturningId(connection, event);
    try (PreparedStatement queue =
        connection.prepareStatement("insert into lineage_unprojected (event_id) values (?)")) {
      queue.setLong(1, id);
      queue.executeUpdate();
    }
    if (forward) {
      queueForward(connection, id);
    }
    return id;
  }

  private static long insertReturningId(Connection connection, LineageEventEntity event)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "insert into lineage_event (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            new String[] {"id"})) {
      bindEvent(insert, 1, event, now());
      insert.executeUpdate();
      try (ResultSet keys = insert.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    }
  }

  private static void queueForward(Connection connection, long id) throws SQLException {
    try (PreparedStatement queue =
        connection.prepareStatement(
            "insert into lineage_forward (event_id, attempts, next_attempt_at) values (?, 0, ?)")) {
      queue.setLong(1, id);
      queue.setObject(2, now());
      queue.executeUpdate();
    }
  }

  /** A stored event as the projector and the forwarder read it. */
  public record Stored(long id, String source, String json) {}

  /**
   * Projects up to {@code max} unprojected events (only those of {@code only}, when given, after
   * any other projector holding them is done), leased with {@code FOR UPDATE SKIP LOCKED}: events
   * another replica is projecting are skipped, and a crash before the commit leaves them for the
   * next projector. {@code read} says what each stored event projects as (nothing, for one that is
   * not to be projected); call through {@link #projecting}. Returns how many were taken off the
   * queue.
   */
  @Transactional
  public int projectUnprojected(
      Optional<List<Long>> only, int max, Function<List<Stored>, List<LineageEvent>> read) {
    return sessions
        .session()
        .doReturningWork(
            connection -> {
              List<Long> ids = leaseUnprojected(connection, only, max);
              if (ids.isEmpty()) {
                return 0;
              }
              List<Stored> stored = new ArrayList<>(ids.size());
              for (List<Long> chunk : chunks(ids)) {
                try (PreparedStatement select =
                    connection.prepareStatement(
                        "select id, source, event_json from lineage_event where id in ("
                            + marks(chunk)
                            + ") order by id")) {
                  bindLongs(select, chunk);
                  try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                      stored.add(new Stored(rows.getLong(1), rows.getString(2), rows.getString(3)));
                    }
                  }
                }
              }
              LineageTables.project(connection, dialect(), read.apply(stored), learning());
              for (List<Long> chunk : chunks(ids)) {
                try (PreparedStatement delete =
                    connection.prepareStatement(
                        "delete from lineage_unprojected where event_id in ("
                            + marks(chunk)
                            + ")")) {
                  bindLongs(delete, chunk);
                  delete.executeUpdate();
                }
              }
              return ids.size();
            });
  }

  private static List<Long> leaseUnprojected(
      Connection connection, Optional<List<Long>> only, int max) throws SQLException {
    if (only.isPresent() && only.get().isEmpty()) {
      return List.of();
    }
    String where = only.map(ids -> " where event_id in (" + marks(ids) + ")").orElse("");
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "select event_id from lineage_unprojected"
                + where
                + " order by event_id fetch first "
                + max
                // given events are waited for: once another projector has committed them, they
                // are answered by the tables when this returns
                + (only.isPresent()
                    ? " rows only for update"
                    : " rows only for update skip locked"))) {
      if (only.isPresent()) {
        bindLongs(select, only.get());
      }
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getLong(1));
        }
      }
    }
    return ids;
  }

  /** Events stored but not projected yet (all replicas). */
  @Transactional
  public long unprojectedCount() {
    return sessions
        .session()
        .createNativeQuery("select count(*) from lineage_unprojected", Long.class)
        .getSingleResult();
  }

  // ---- forwarding ----

  /** An event due to be forwarded, and how often that was tried before. */
  public record Due(long id, int attempts, String json) {}

  /**
   * Leases up to {@code max} events due for forwarding, oldest first, for {@code lease}: their next
   * attempt moves past the lease, so no other replica takes them meanwhile, and a replica that dies
   * while sending hands them on when the lease runs out (at least once).
   */
  @Transactional
  public List<Due> leaseForward(int max, Duration lease) {
    return sessions
        .session()
        .doReturningWork(
            connection -> {
              OffsetDateTime now = now();
              List<long[]> leased = new ArrayList<>();
              try (PreparedStatement select =
                  connection.prepareStatement(
                      "select event_id, attempts from lineage_forward where next_attempt_at <= ?"
                          + " order by event_id fetch first "
                          + max
                          + " rows only for update skip locked")) {
                select.setObject(1, now);
                try (ResultSet rows = select.executeQuery()) {
                  while (rows.next()) {
                    leased.add(new long[] {rows.getLong(1), rows.getInt(2)});
                  }
                }
              }
              if (leased.isEmpty()) {
                return List.of();
              }
              List<Long> ids = leased.stream().map(row -> row[0]).toList();
              try (PreparedStatement update =
                  connection.prepareStatement(
                      "update lineage_forward set next_attempt_at = ? where event_id in ("
                          + marks(ids)
                          + ")")) {
                update.setObject(1, now.plus(lease));
                for (int i = 0; i < ids.size(); i++) {
                  update.setLong(i + 2, ids.get(i));
                }
                update.executeUpdate();
              }
              List<Due> due = new ArrayList<>();
              try (PreparedStatement select =
                  connection.prepareStatement(
                      "select id, event_json from lineage_event where id in ("
                          + marks(ids)
                          + ") order by id")) {
                bindLongs(select, ids);
                try (ResultSet rows = select.executeQuery()) {
                  while (rows.next()) {
                    long id = rows.getLong(1);
                    int attempts =
                        (int) leased.stream().filter(r -> r[0] == id).findFirst().orElseThrow()[1];
                    due.add(new Due(id, attempts, rows.getString(2)));
                  }
                }
              }
              return due;
            });
  }

  /** The endpoint took the event (or it was given up on): it leaves the queue. */
  @Transactional
  public void forwardDone(long id) {
    sessions
        .session()
        .createNativeMutationQuery("delete from lineage_forward where event_id = :id")
        .setParameter("id", id)
        .executeUpdate();
  }

  /** A failed attempt: tried again at {@code next}. */
  @Transactional
  public void forwardFailed(long id, int attempts, OffsetDateTime next) {
    sessions
        .session()
        .createNativeMutationQuery(
            "update lineage_forward set attempts = :attempts, next_attempt_at = :next"
                + " where event_id = :id")
        .setParameter("attempts", attempts)
        .setParameter("next", next)
        .setParameter("id", id)
        .executeUpdate();
  }

  /**
   * Keeps at most {@code max} events waiting to be forwarded: the oldest beyond that are dropped.
   * Returns how many were.
   */
  @Transactional
  public int trimForward(int max) {
    Session session = sessions.session();
    long waiting =
        session
            .createNativeQuery("select count(*) from lineage_forward", Long.class)
            .getSingleResult();
    if (waiting <= max) {
      return 0;
    }
    @SuppressWarnings("unchecked")
    List<Number> oldest =
        session
            .createNativeQuery(
                "select event_id from lineage_forward order by event_id fetch first "
                    + (waiting - max)
                    + " rows only for update skip locked")
            .getResultList();
    if (oldest.isEmpty()) {
      return 0;
    }
    return session
        .createNativeMutationQuery("delete from lineage_forward where event_id in (:ids)")
        .setParameterList("ids", oldest.stream().map(Number::longValue).toList())
        .executeUpdate();
  }

  // ---- reads of the raw log ----

  /** Events after {@code afterId} in the order they were received. */
  @Transactional
  public List<LineageEventEntity> page(long afterId, int size) {
    return sessions
        .session()
        .createSelectionQuery(
            "from LineageEventEntity where id > :after order by id", LineageEventEntity.class)
        .setParameter("after", afterId)
        .setMaxResults(size)
        .getResultList();
  }

  /** The stored events of a run, in the order they were received. */
  @Transactional
  public List<LineageEventEntity> ofRun(String runId) {
    return sessions
        .session()
        .createSelectionQuery(
            "from LineageEventEntity where runId = :run order by id", LineageEventEntity.class)
        .setParameter("run", runId)
        .getResultList();
  }

  private static void bindLongs(PreparedStatement statement, List<Long> values)
      throws SQLException {
    for (int i = 0; i < values.size(); i++) {
      statement.setLong(i + 1, values.get(i));
    }
  }
}
