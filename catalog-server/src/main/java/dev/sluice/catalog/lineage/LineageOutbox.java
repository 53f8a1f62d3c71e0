package dev.sluice.catalog.lineage;

import dev.sluice.catalog.persistence.AfterCommit;
import dev.sluice.catalog.persistence.LineageEventEntity;
import dev.sluice.catalog.persistence.LineageEventStore;
import dev.sluice.lineage.LineageEvent;
import io.quarkus.arc.Arc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.hibernate.Session;

/**
 * The catalog's commit events travel with the commit: an event is built for each metadata file the
 * request writes, before any pointer moves ({@link #describe}), and the store's pointer mutators
 * write the events of the files their pointers move to inside their own transaction ({@link
 * #joinChange}). So a commit and its event are stored together or not at all. On PostgreSQL the
 * event is projected in that same transaction; on H2 it is stored unprojected and projected right
 * after (or by the projector).
 */
@ApplicationScoped
public class LineageOutbox {
  private final PendingCommitEvents pending;
  private final LineageEventStore store;
  private final LineageConfig config;
  private final TransactionSynchronizationRegistry transactions;
  private final Event<Appended> appended;

  /** Events were stored by a commit of this replica. */
  public record Appended(List<Long> eventIds) {}

  @Inject
  public LineageOutbox(
      PendingCommitEvents pending,
      LineageEventStore store,
      LineageConfig config,
      TransactionSynchronizationRegistry transactions,
      Event<Appended> appended) {
    this.pending = pending;
    this.store = store;
    this.config = config;
    this.transactions = transactions;
    this.appended = appended;
  }

  private static boolean inRequest() {
    return Arc.container().requestContext().isActive();
  }

  /** Holds the event describing a commit to {@code metadataLocation}, until the pointer moves. */
  void describe(String metadataLocation, LineageEventEntity event, LineageEvent parsed) {
    if (inRequest()) {
      pending.described(metadataLocation, new PendingCommitEvents.Described(event, parsed));
    }
  }

  /**
   * Stores, in the caller's transaction, the events described for the metadata files that
   * transaction points to. A failure to store fails the transaction.
   */
  public void joinChange(Session session, Collection<String> metadataLocations) {
    if (!inRequest()) {
      return;
    }
    List<LineageEventEntity> events = new ArrayList<>();
    List<LineageEvent> parsed = new ArrayList<>();
    for (String location : metadataLocations) {
      PendingCommitEvents.Described described = pending.take(location);
      if (described != null) {
        events.add(described.entity());
        parsed.add(described.event());
      }
    }
    if (events.isEmpty()) {
      return;
    }
    List<Long> ids =
        store.appendCommitEvents(session, events, parsed, config.forwardUrl().isPresent());
    if (ids.isEmpty()) {
      return; // projected in this transaction
    }
    AfterCommit.run(
        transactions,
        () -> {
          pending.committed(ids);
          appended.fire(new Appended(ids));
        });
  }
}
