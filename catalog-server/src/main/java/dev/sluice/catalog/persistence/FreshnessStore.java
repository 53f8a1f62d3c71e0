package dev.sluice.catalog.persistence;

import static java.util.Objects.requireNonNull;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.catalog.TableIdentifier;
import org.hibernate.Session;

/**
 * What freshness is judged from (tables, their last data commits) and the open violations (V12).
 * Reads are single queries on a pooled connection; a transition is one conditional statement in a
 * transaction that also enqueues its webhook delivery, so of several replicas judging at once
 * exactly one records it.
 */
@ApplicationScoped
public class FreshnessStore {
  private final CatalogSessions sessions;
  private final AgroalDataSource dataSource;
  private final JobStore jobs;

  @Inject
  FreshnessStore(CatalogSessions sessions, JobStore jobs) {
    this.sessions = sessions;
    this.dataSource = sessions.dataSource();
    this.jobs = jobs;
  }

  /** A table of the catalog: its canonical location and when it was created. */
  public record TableRow(TableIdentifier identifier, String location, Instant createdAt) {}

  /** An open violation: a dataset found stale and not yet fresh for long enough. */
  public record Violation(
      String dataset,
      String violationId,
      Instant staleSince,
      Instant detectedAt,
      String rootCause,
      Instant freshSince) {
    public Violation {
      requireNonNull(dataset, "dataset");
      requireNonNull(violationId, "violationId");
      requireNonNull(staleSince, "staleSince");
      requireNonNull(detectedAt, "detectedAt");
      requireNonNull(rootCause, "rootCause");
    }
  }

  /** Every table (not view) of the catalog. */
  public List<TableRow> tables() {
    return read(
        connection -> {
          List<TableRow> rows = new ArrayList<>();
          try (PreparedStatement select =
                  connection.prepareStatement(
                      "select namespace_name, name, location, created_at from catalog_entity"
                          + " where kind = 'TABLE'");
              ResultSet result = select.executeQuery()) {
            while (result.next()) {
              rows.add(
                  new TableRow(
                      TableIdentifier.of(
                          NamespaceNames.decode(result.getString(1)), result.getString(2)),
                      result.getString(3),
                      result.getObject(4, OffsetDateTime.class).toInstant()));
            }
          }
          return rows;
        });
  }

  /**
   * When each of the catalog's commit jobs (in {@code jobNamespace}, one per table) last wrote a
   * new snapshot: the newest run's snapshot (its output dataset version), first written by the
   * earliest run that names it. A property-only commit repeats the current snapshot and so moves
   * nothing; a table whose newest run names no snapshot has none. Keyed by job name.
   */
  public Map<String, Instant> lastDataCommits(String jobNamespace) {
    String sql =
        "select job_name, max(first_written) from ("
            + " select j.name as job_name, (select min(r2.ended_at) from lineage_run_dataset d2"
            + "   join lineage_run r2 on r2.run_id = d2.run_id"
            + "   where d2.dataset_id = d.dataset_id and d2.direction = 'O'"
            + "   and d2.version = d.version and r2.job_id = j.id) as first_written"
            + " from lineage_node j"
            + " join lineage_run r on r.job_id = j.id"
            + " join lineage_run_dataset d on d.run_id = r.run_id and d.direction = 'O'"
            + " where j.kind = 'JOB' and j.namespace = ? and d.version <> ''"
            + " and r.ended_at = (select max(r1.ended_at) from lineage_run r1"
            + "   where r1.job_id = j.id)) newest"
            + " group by job_name";
    return read(
        connection -> {
          Map<String, Instant> commits = new HashMap<>();
          try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, jobNamespace);
            try (ResultSet result = select.executeQuery()) {
              while (result.next()) {
                OffsetDateTime at = result.getObject(2, OffsetDateTime.class);
                if (at != null) {
                  commits.put(result.getString(1), at.toInstant());
                }
              }
            }
          }
          return commits;
        });
  }

  /** The open violations, by dataset. */
  public Map<String, Violation> violations() {
    return read(
        connection -> {
          Map<String, Violation> open = new LinkedHashMap<>();
          try (PreparedStatement select =
                  connection.prepareStatement(
                      "select dataset, violation_id, stale_since, detected_at, root_cause,"
                          + " fresh_since from freshness_violation order by dataset");
              ResultSet result = select.executeQuery()) {
            while (result.next()) {
              OffsetDateTime freshSince = result.getObject(6, OffsetDateTime.class);
              open.put(
                  result.getString(1),
                  new Violation(
                      result.getString(1),
                      result.getString(2),
                      result.getObject(3, OffsetDateTime.class).toInstant(),
                      result.getObject(4, OffsetDateTime.class).toInstant(),
                      result.getString(5),
                      freshSince == null ? null : freshSince.toInstant()));
            }
          }
          return open;
        });
  }

  /**
   * Opens a violation unless the dataset has one, with its delivery (if any) in the same
   * transaction. False when another replica (or an earlier pass) opened one first.
   */
  @Transactional
  public boolean open(Violation violation, JobStore.NewJob delivery) {
    Session session = sessions.session();
    String columns = "dataset, violation_id, stale_since, detected_at, root_cause, fresh_since";
    String sql =
        sessions.postgresql()
            ? "insert into freshness_violation ("
                + columns
                + ") values (:dataset, :id, :since, :detected, :cause, null)"
                + " on conflict (dataset) do nothing"
            : "insert into freshness_violation ("
                + columns
                + ") select :dataset, :id, :since, :detected, :cause, null where not exists"
                + " (select 1 from freshness_violation where dataset = :dataset)";
    int inserted =
        session
            .createNativeMutationQuery(sql)
            .setParameter("dataset", violation.dataset())
            .setParameter("id", violation.violationId())
            .setParameter("since", utc(violation.staleSince()))
            .setParameter("detected", utc(violation.detectedAt()))
            .setParameter("cause", violation.rootCause())
            .executeUpdate();
    if (inserted == 1 && delivery != null) {
      jobs.enqueueInto(session, delivery);
    }
    return inserted == 1;
  }

  /** Notes that the violation's dataset was found fresh at {@code at} (the first time only). */
  @Transactional
  public void freshSince(String dataset, String violationId, Instant at) {
    sessions
        .session()
        .createNativeMutationQuery(
            "update freshness_violation set fresh_since = :at"
                + " where dataset = :dataset and violation_id = :id and fresh_since is null")
        .setParameter("at", utc(at))
        .setParameter("dataset", dataset)
        .setParameter("id", violationId)
        .executeUpdate();
  }

  /** The dataset was found stale again before it resolved: it has to stay fresh anew. */
  @Transactional
  public void staleAgain(String dataset, String violationId) {
    sessions
        .session()
        .createNativeMutationQuery(
            "update freshness_violation set fresh_since = null"
                + " where dataset = :dataset and violation_id = :id and fresh_since is not null")
        .setParameter("dataset", dataset)
        .setParameter("id", violationId)
        .executeUpdate();
  }

  /**
   * Closes the violation when it has been fresh since {@code freshBefore} or earlier (any time,
   * when null), with its delivery (if any) in the same transaction. False when it was not closed
   * here: not fresh for long enough, or closed by another replica.
   */
  @Transactional
  public boolean close(
      String dataset, String violationId, Instant freshBefore, JobStore.NewJob delivery) {
    Session session = sessions.session();
    var delete =
        session.createNativeMutationQuery(
            "delete from freshness_violation where dataset = :dataset and violation_id = :id"
                + (freshBefore == null
                    ? ""
                    : " and fresh_since is not null and fresh_since <= :before"));
    delete.setParameter("dataset", dataset).setParameter("id", violationId);
    if (freshBefore != null) {
      delete.setParameter("before", utc(freshBefore));
    }
    boolean closed = delete.executeUpdate() == 1;
    if (closed && delivery != null) {
      jobs.enqueueInto(session, delivery);
    }
    return closed;
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private <T> T read(PooledReads.Reads<T> work) {
    return PooledReads.read(dataSource, "Freshness", work);
  }
}
