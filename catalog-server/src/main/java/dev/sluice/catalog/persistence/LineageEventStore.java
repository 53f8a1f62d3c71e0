package dev.sluice.catalog.persistence;

import dev.sluice.catalog.audit.AuditTrail;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.hibernate.exception.ConstraintViolationException;

/** The raw OpenLineage event log. */
@ApplicationScoped
public class LineageEventStore {
  private final CatalogSessions sessions;
  private final AuditTrail audit;

  @Inject
  LineageEventStore(CatalogSessions sessions, AuditTrail audit) {
    this.sessions = sessions;
    this.audit = audit;
  }

  /** Stores the event unless an identical one is stored already; true when it was new. */
  @Transactional
  public boolean append(LineageEventEntity event) {
    return append(event, true);
  }

  /**
   * As {@link #append(LineageEventEntity)}; {@code mayExist = false} skips the look-up for events
   * that cannot have been stored before (those the catalog itself creates, with a fresh run id).
   */
  @Transactional
  public boolean append(LineageEventEntity event, boolean mayExist) {
    boolean known =
        mayExist
            && sessions
                    .session()
                    .createSelectionQuery(
                        "select count(*) from LineageEventEntity where eventHash = :h", Long.class)
                    .setParameter("h", event.eventHash)
                    .getSingleResult()
                > 0;
    if (known) {
      return false;
    }
    event.receivedAt = OffsetDateTime.now(ZoneOffset.UTC);
    try {
      audit.joinChange(sessions.session(), false);
      sessions.session().persist(event);
      sessions.session().flush();
      return true;
    } catch (ConstraintViolationException e) {
      // the same event arrived twice at once; the other copy is stored. Throwing rolls this
      // transaction back, which the failed insert has marked rollback-only anyway.
      throw new DuplicateEventException();
    }
  }

  /** Events after {@code afterId} in the order they were received, for replay. */
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

  /** An identical event was stored concurrently. */
  public static final class DuplicateEventException extends RuntimeException {
    DuplicateEventException() {
      super("identical lineage event already stored", null, false, false);
    }
  }
}
