package dev.sluice.catalog.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.catalog.persistence.AuditEventEntity;
import dev.sluice.catalog.persistence.AuditStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.iceberg.exceptions.ServiceUnavailableException;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The batch writer on a real H2 database migrated as the server migrates it. */
class AuditBatchWriterTest {
  private static final Duration NEVER = Duration.ofHours(1);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);

  private String url;
  private Connection keepAlive;
  private AuditBatchWriter writer;

  @BeforeEach
  void database() throws SQLException {
    url = "jdbc:h2:mem:audit-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    keepAlive = DriverManager.getConnection(url, "sluice", "");
    Flyway.configure()
        .dataSource(url, "sluice", "")
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }

  @AfterEach
  void close() throws SQLException {
    if (writer != null) {
      writer.stop();
    }
    keepAlive.close();
  }

  /** One transaction per batch, as the server's store writes it. */
  private void write(List<AuditEventEntity> rows) {
    try (Connection connection = DriverManager.getConnection(url, "sluice", "")) {
      connection.setAutoCommit(false);
      try {
        AuditStore.insert(connection, rows);
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private AuditBatchWriter started(Duration flushInterval, int capacity, int batchSize) {
    writer = new AuditBatchWriter(this::write, flushInterval, capacity, batchSize, DRAIN_TIMEOUT);
    writer.start();
    return writer;
  }

  private static AuditEventEntity row(String resource) {
    AuditEventEntity row = new AuditEventEntity();
    row.occurredAt = OffsetDateTime.now(ZoneOffset.UTC);
    row.principal = "user:alice";
    row.action = "table.load";
    row.resource = resource;
    row.allowed = true;
    row.rule = "grant read";
    row.requestId = "request-" + resource;
    row.policyVersion = resource.hashCode() % 2 == 0 ? null : 7;
    return row;
  }

  /** Resources of the stored rows in id order. */
  private List<String> stored() throws SQLException {
    List<String> resources = new ArrayList<>();
    try (Statement select = keepAlive.createStatement();
        ResultSet rows = select.executeQuery("SELECT resource FROM audit_event ORDER BY id")) {
      while (rows.next()) {
        resources.add(rows.getString(1));
      }
    }
    return resources;
  }

  private static List<String> resources(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "lake.t" + i).toList();
  }

  private void enqueueEach(List<String> resources) {
    resources.forEach(resource -> writer.enqueue(List.of(row(resource))));
  }

  @Test
  void rowsAreWrittenInBatchesInTheOrderTheyWereQueued() throws Exception {
    started(Duration.ofMillis(20), 1000, 3);
    enqueueEach(resources(0, 10));
    writer.enqueue(List.of(row("lake.t10"), row("lake.t11"))); // one request, two decisions

    writer.drain();

    assertThat(stored()).containsExactlyElementsOf(resources(0, 12));
    try (Statement select = keepAlive.createStatement();
        ResultSet row =
            select.executeQuery(
                "SELECT principal, action, allowed, rule, request_id, policy_version, attempts"
                    + " FROM audit_event WHERE resource = 'lake.t1'")) {
      assertThat(row.next()).isTrue();
      assertThat(row.getString(1)).isEqualTo("user:alice");
      assertThat(row.getString(2)).isEqualTo("table.load");
      assertThat(row.getBoolean(3)).isTrue();
      assertThat(row.getString(4)).isEqualTo("grant read");
      assertThat(row.getString(5)).isEqualTo("request-lake.t1");
      assertThat(row.getObject(6)).isEqualTo(row("lake.t1").policyVersion);
      assertThat(row.getInt(7)).isEqualTo(1);
    }
  }

  @Test
  void aBatchLargerThanOneStatementKeepsItsOrder() throws Exception {
    started(NEVER, 5000, 2500);
    enqueueEach(resources(0, 2500));

    writer.drain();

    assertThat(stored()).containsExactlyElementsOf(resources(0, 2500));
  }

  @Test
  void rowsWaitAtMostTheFlushIntervalWithoutAReader() throws Exception {
    started(Duration.ofMillis(100), 1000, 500);
    enqueueEach(resources(0, 3));
    assertThat(stored()).as("queued, not yet written").isEmpty();

    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (stored().size() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(stored()).containsExactlyElementsOf(resources(0, 3));
  }

  @Test
  void aCleanStopWritesEveryQueuedRowAndLaterRowsAtOnce() throws Exception {
    started(NEVER, 1000, 500);
    enqueueEach(resources(0, 7));
    assertThat(stored()).as("nothing is due before the stop").isEmpty();

    writer.stop();

    assertThat(stored()).containsExactlyElementsOf(resources(0, 7));
    writer.enqueue(List.of(row("lake.t7")));
    assertThat(stored()).containsExactlyElementsOf(resources(0, 8));
  }

  @Test
  void aFullQueueRefusesTheRequestWithoutDroppingWhatItHolds() throws Exception {
    started(NEVER, 4, 500);
    writer.enqueue(List.of(row("lake.t0"), row("lake.t1")));
    writer.enqueue(List.of(row("lake.t2"), row("lake.t3")));

    assertThatThrownBy(() -> writer.enqueue(List.of(row("lake.t4"))))
        .isInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining("retry later");
    assertThat(writer.backlog().full()).isTrue();

    writer.drain();
    assertThat(stored()).containsExactlyElementsOf(resources(0, 4));
    assertThat(writer.backlog().full()).isFalse();
    writer.enqueue(List.of(row("lake.t4")));
    writer.drain();
    assertThat(stored()).containsExactlyElementsOf(resources(0, 5));
  }

  @Test
  void aFailedWriteIsRetriedWithoutLossOrReordering() throws Exception {
    started(Duration.ofMillis(20), 1000, 4);
    enqueueEach(resources(0, 2));
    writer.drain();
    try (Statement ddl = keepAlive.createStatement()) {
      ddl.execute("ALTER TABLE audit_event RENAME TO audit_event_away");
    }

    enqueueEach(resources(2, 12));
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (writer.backlog().failingSince().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(writer.backlog().failingSince()).as("a write failed").isPresent();
    assertThat(writer.backlog().queued()).as("the failed rows stay queued").isEqualTo(10);
    assertThatThrownBy(writer::drain)
        .as("a reader is told the trail is behind, not shown a partial one")
        .isInstanceOf(ServiceUnavailableException.class);

    try (Statement ddl = keepAlive.createStatement()) {
      ddl.execute("ALTER TABLE audit_event_away RENAME TO audit_event");
    }
    enqueueEach(resources(12, 14));
    writer.drain();

    assertThat(stored()).containsExactlyElementsOf(resources(0, 14));
    assertThat(writer.backlog().failingSince()).isEmpty();
  }

  @Test
  void nonPositiveSettingsAreRefusedByName() {
    assertThatThrownBy(
            () -> new AuditBatchWriter(this::write, Duration.ZERO, 10, 10, DRAIN_TIMEOUT))
        .hasMessageContaining("sluice.audit.flush-interval must be positive");
    assertThatThrownBy(
            () -> new AuditBatchWriter(this::write, Duration.ofMillis(200), 0, 10, DRAIN_TIMEOUT))
        .hasMessageContaining("sluice.audit.queue-capacity must be positive");
    assertThatThrownBy(
            () -> new AuditBatchWriter(this::write, Duration.ofMillis(200), 10, -1, DRAIN_TIMEOUT))
        .hasMessageContaining("sluice.audit.batch-size must be positive");
  }
}
