package dev.sluice.catalog.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.Session;

/**
 * The erasure table. An erasure and its job are created in one transaction; a verified erasure's
 * receipt is written once and never changed (every update is conditional on the state).
 */
@ApplicationScoped
public class ErasureStore {
  private final CatalogSessions sessions;
  private final JobStore jobs;

  @Inject
  ErasureStore(CatalogSessions sessions, JobStore jobs) {
    this.sessions = sessions;
    this.jobs = jobs;
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }

  /** An accepted erasure and the job that runs it, committed together. */
  @Transactional
  public ErasureEntity create(
      String id,
      String requestId,
      String subjectHash,
      String reason,
      String createdBy,
      JobStore.NewJob job) {
    Session session = sessions.session();
    JobEntity queued = jobs.enqueueInto(session, job);
    ErasureEntity erasure = new ErasureEntity();
    erasure.id = id;
    erasure.requestId = requestId;
    erasure.subjectHash = subjectHash;
    erasure.reason = reason;
    erasure.state = ErasureEntity.State.ACCEPTED;
    erasure.jobId = queued.id;
    erasure.createdBy = createdBy;
    erasure.createdAt = now();
    erasure.updatedAt = erasure.createdAt;
    session.persist(erasure);
    return erasure;
  }

  @Transactional
  public Optional<ErasureEntity> find(String id) {
    return Optional.ofNullable(sessions.session().find(ErasureEntity.class, id));
  }

  @Transactional
  public Optional<ErasureEntity> findByRequest(String requestId) {
    return sessions
        .session()
        .createSelectionQuery("from ErasureEntity where requestId = :r", ErasureEntity.class)
        .setParameter("r", requestId)
        .getResultStream()
        .findFirst();
  }

  /** Marks an attempt as running (again, after a failure); never a verified erasure. */
  @Transactional
  public boolean running(String id) {
    return sessions
            .session()
            .createMutationQuery(
                "update ErasureEntity set state = :running, updatedAt = :now"
                    + " where id = :id and state <> :verified")
            .setParameter("running", ErasureEntity.State.RUNNING)
            .setParameter("verified", ErasureEntity.State.VERIFIED)
            .setParameter("now", now())
            .setParameter("id", id)
            .executeUpdate()
        > 0;
  }

  /** Records why an attempt failed; the job machinery may retry it. */
  @Transactional
  public boolean failed(String id, String failure) {
    return sessions
            .session()
            .createMutationQuery(
                "update ErasureEntity set state = :failed, failure = :failure, updatedAt = :now"
                    + " where id = :id and state <> :verified")
            .setParameter("failed", ErasureEntity.State.FAILED)
            .setParameter("verified", ErasureEntity.State.VERIFIED)
            .setParameter("failure", failure)
            .setParameter("now", now())
            .setParameter("id", id)
            .executeUpdate()
        > 0;
  }

  /** Stores the receipt, once: false when the erasure was already verified. */
  @Transactional
  public boolean verified(String id, String receipt, String sha256) {
    return sessions
            .session()
            .createMutationQuery(
                "update ErasureEntity set state = :verified, receipt = :receipt,"
                    + " receiptSha256 = :sha, failure = null, updatedAt = :now"
                    + " where id = :id and state <> :verified and receipt is null")
            .setParameter("verified", ErasureEntity.State.VERIFIED)
            .setParameter("receipt", receipt)
            .setParameter("sha", sha256)
            .setParameter("now", now())
            .setParameter("id", id)
            .executeUpdate()
        > 0;
  }

  /** Replaces a job's payload: the erasure job drops the sealed subject once it is done with it. */
  @Transactional
  public void replaceJobPayload(String jobId, String payload) {
    sessions
        .session()
        .createMutationQuery("update JobEntity set payload = :payload where id = :id")
        .setParameter("payload", payload)
        .setParameter("id", jobId)
        .executeUpdate();
  }

  public static String newId() {
    return UUID.randomUUID().toString();
  }
}
