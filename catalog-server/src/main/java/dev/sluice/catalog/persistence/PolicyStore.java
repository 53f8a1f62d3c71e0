package dev.sluice.catalog.persistence;

import dev.sluice.catalog.audit.AuditTrail;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.hibernate.exception.ConstraintViolationException;

/**
 * Applied policy versions in the database. On PostgreSQL an append notifies {@value #CHANNEL} with
 * the new version number when it commits, so other replicas take it up without waiting for a poll.
 */
@ApplicationScoped
public class PolicyStore {
  /** The {@code LISTEN}/{@code NOTIFY} channel of applied policy versions. */
  public static final String CHANNEL = "sluice_policy";

  private final CatalogSessions sessions;
  private final AuditTrail audit;

  @Inject
  PolicyStore(CatalogSessions sessions, AuditTrail audit) {
    this.sessions = sessions;
    this.audit = audit;
  }

  @Transactional
  public Optional<PolicyVersionEntity> latest() {
    return sessions
        .session()
        .createSelectionQuery(
            "from PolicyVersionEntity order by version desc", PolicyVersionEntity.class)
        .setMaxResults(1)
        .uniqueResultOptional();
  }

  /** The newest version number, 0 when none was applied: what replicas poll, kept cheap. */
  @Transactional
  public int latestVersion() {
    Integer latest =
        sessions
            .session()
            .createSelectionQuery("select max(version) from PolicyVersionEntity", Integer.class)
            .getSingleResult();
    return latest == null ? 0 : latest;
  }

  @Transactional
  public Optional<PolicyVersionEntity> find(int version) {
    return sessions
        .session()
        .createSelectionQuery(
            "from PolicyVersionEntity where version = :v", PolicyVersionEntity.class)
        .setParameter("v", version)
        .uniqueResultOptional();
  }

  /** The version active at {@code time}: the newest one applied at or before it. */
  @Transactional
  public Optional<PolicyVersionEntity> activeAt(OffsetDateTime time) {
    return sessions
        .session()
        .createSelectionQuery(
            "from PolicyVersionEntity where appliedAt <= :t order by version desc",
            PolicyVersionEntity.class)
        .setParameter("t", time)
        .setMaxResults(1)
        .uniqueResultOptional();
  }

  @Transactional
  public List<PolicyVersionEntity> list() {
    return sessions
        .session()
        .createSelectionQuery(
            "from PolicyVersionEntity order by version desc", PolicyVersionEntity.class)
        .getResultList();
  }

  /**
   * Appends a version numbered after {@code expectedLatest}; a concurrent apply that got there
   * first makes this fail instead of both claiming the same number.
   */
  @Transactional
  public PolicyVersionEntity append(
      int expectedLatest,
      String contentHash,
      String filesJson,
      String appliedBy,
      String source,
      String diffJson,
      String diffMarkdown) {
    // appends from any replica queue here, so a lost race reads the winner's version below and
    // fails cleanly instead of on the unique version number
    AdvisoryLocks.lockForTransaction(sessions, AdvisoryLocks.POLICY_APPEND);
    int latest = latest().map(v -> v.version).orElse(0);
    if (latest != expectedLatest) {
      throw new CommitFailedException(
          "Policy changed concurrently: expected version " + expectedLatest + ", found " + latest);
    }
    audit.joinChange(sessions.session(), false);
    PolicyVersionEntity entity = new PolicyVersionEntity();
    entity.version = latest + 1;
    entity.contentHash = contentHash;
    entity.filesJson = filesJson;
    entity.appliedBy = appliedBy;
    entity.appliedAt = OffsetDateTime.now(ZoneOffset.UTC);
    entity.source = source;
    entity.diffJson = diffJson;
    entity.diffMarkdown = diffMarkdown;
    try {
      sessions.session().persist(entity);
      sessions.session().flush();
    } catch (ConstraintViolationException e) {
      throw new CommitFailedException(e, "Policy changed concurrently: version taken");
    }
    if (sessions.postgresql()) {
      // delivered by PostgreSQL only when this transaction commits
      String version = String.valueOf(entity.version);
      sessions
          .session()
          .doWork(
              connection -> {
                try (PreparedStatement notify =
                    connection.prepareStatement("select pg_notify(?, ?)")) {
                  notify.setString(1, CHANNEL);
                  notify.setString(2, version);
                  notify.execute();
                }
              });
    }
    return entity;
  }
}
