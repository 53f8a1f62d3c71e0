package dev.sluice.catalog.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.Session;

/**
 * The job table. A replica leases the oldest runnable job with {@code FOR UPDATE SKIP LOCKED}, so
 * replicas never wait on each other and never run one job twice at once; a lease that is not
 * renewed expires and another replica takes the job over.
 */
@ApplicationScoped
public class JobStore {
  private final CatalogSessions sessions;

  @Inject
  JobStore(CatalogSessions sessions) {
    this.sessions = sessions;
  }

  /** What to enqueue. */
  public record NewJob(
      String kind, String subject, String payload, String createdBy, int maxAttempts) {}

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }

  /** Adds a job in the caller's transaction, so it commits with the change that asked for it. */
  public JobEntity enqueueInto(Session session, NewJob job) {
    JobEntity entity = newEntity(UUID.randomUUID().toString(), job);
    session.persist(entity);
    return entity;
  }

  private static JobEntity newEntity(String id, NewJob job) {
    JobEntity entity = new JobEntity();
    entity.id = id;
    entity.kind = job.kind();
    entity.state = JobEntity.State.QUEUED;
    entity.subject = job.subject();
    entity.payload = job.payload();
    entity.attempts = 0;
    entity.maxAttempts = job.maxAttempts();
    entity.createdBy = job.createdBy();
    entity.createdAt = now();
    entity.updatedAt = entity.createdAt;
    entity.runAfter = entity.createdAt;
    return entity;
  }

  @Transactional
  public JobEntity enqueue(NewJob job) {
    return enqueueInto(sessions.session(), job);
  }

  /**
   * Adds a job under a given id unless one with that id exists; false when it does. Two callers
   * racing with the same id insert one row: the other's commit fails on the primary key.
   */
  @Transactional
  public boolean enqueueOnce(String id, NewJob job) {
    Session session = sessions.session();
    if (session.find(JobEntity.class, id) != null) {
      return false;
    }
    session.persist(newEntity(id, job));
    return true;
  }

  /**
   * Leases the oldest job that is due and not leased (or whose lease expired), for {@code lease}.
   * Counts the attempt. Empty when there is nothing to do.
   */
  @Transactional
  public Optional<JobEntity> lease(String owner, Duration lease) {
    Session session = sessions.session();
    OffsetDateTime now = now();
    @SuppressWarnings("unchecked")
    List<String> ids =
        session
            .createNativeQuery(
                "select id from job where state in ('QUEUED', 'RUNNING') and run_after <= :now"
                    + " and (lease_until is null or lease_until < :now)"
                    + " order by run_after, created_at"
                    + " fetch first 1 rows only for update skip locked",
                String.class)
            .setParameter("now", now)
            .getResultList();
    if (ids.isEmpty()) {
      return Optional.empty();
    }
    JobEntity job = session.find(JobEntity.class, ids.get(0));
    job.state = JobEntity.State.RUNNING;
    job.leaseOwner = owner;
    job.leaseUntil = now.plus(lease);
    job.attempts++;
    job.startedAt = job.startedAt == null ? now : job.startedAt;
    job.updatedAt = now;
    return Optional.of(job);
  }

  /** Extends the lease and records progress; false when the lease was lost to another replica. */
  @Transactional
  public boolean renew(String id, String owner, Duration lease, String progress) {
    OffsetDateTime now = now();
    return sessions
            .session()
            .createMutationQuery(
                "update JobEntity set leaseUntil = :until, updatedAt = :now,"
                    + " progress = coalesce(:progress, progress)"
                    + " where id = :id and leaseOwner = :owner and state = :running")
            .setParameter("until", now.plus(lease))
            .setParameter("now", now)
            .setParameter("progress", progress)
            .setParameter("id", id)
            .setParameter("owner", owner)
            .setParameter("running", JobEntity.State.RUNNING)
            .executeUpdate()
        > 0;
  }

  /** Ends the job; false when the lease was lost (another replica owns the job now). */
  @Transactional
  public boolean finish(String id, String owner, boolean succeeded, String result, String error) {
    OffsetDateTime now = now();
    return sessions
            .session()
            .createMutationQuery(
                "update JobEntity set state = :state, result = :result, lastError = :error,"
                    + " leaseOwner = null, leaseUntil = null, updatedAt = :now, finishedAt = :now"
                    + " where id = :id and leaseOwner = :owner")
            .setParameter("state", succeeded ? JobEntity.State.SUCCEEDED : JobEntity.State.FAILED)
            .setParameter("result", result)
            .setParameter("error", error)
            .setParameter("now", now)
            .setParameter("id", id)
            .setParameter("owner", owner)
            .executeUpdate()
        > 0;
  }

  /** Hands the job back to the queue, to run again after {@code delay}. */
  @Transactional
  public boolean retryLater(String id, String owner, Duration delay, String error) {
    OffsetDateTime now = now();
    return sessions
            .session()
            .createMutationQuery(
                "update JobEntity set state = :queued, lastError = :error, leaseOwner = null,"
                    + " leaseUntil = null, runAfter = :after, updatedAt = :now"
                    + " where id = :id and leaseOwner = :owner")
            .setParameter("queued", JobEntity.State.QUEUED)
            .setParameter("error", error)
            .setParameter("after", now.plus(delay))
            .setParameter("now", now)
            .setParameter("id", id)
            .setParameter("owner", owner)
            .executeUpdate()
        > 0;
  }

  @Transactional
  public Optional<JobEntity> find(String id) {
    return Optional.ofNullable(sessions.session().find(JobEntity.class, id));
  }

  /** Newest first; null filters do not filter. */
  @Transactional
  public List<JobEntity> list(String kind, JobEntity.State state, int limit) {
    StringBuilder hql = new StringBuilder("from JobEntity where 1 = 1");
    if (kind != null) {
      hql.append(" and kind = :kind");
    }
    if (state != null) {
      hql.append(" and state = :state");
    }
    hql.append(" order by createdAt desc, id");
    var query = sessions.session().createSelectionQuery(hql.toString(), JobEntity.class);
    if (kind != null) {
      query.setParameter("kind", kind);
    }
    if (state != null) {
      query.setParameter("state", state);
    }
    return query.setMaxResults(limit).getResultList();
  }
}
