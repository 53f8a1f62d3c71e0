package dev.sluice.catalog.lineage;

import dev.sluice.catalog.persistence.LineageEventStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Projects stored events that are not projected yet: the catalog's commit events, written in the
 * commit's transaction, and events stored before the projection existed. Each replica looks every
 * {@link LineageConfig#projectionInterval()}, and at once when a commit on it wrote an event; rows
 * are leased with {@code FOR UPDATE SKIP LOCKED}, so each event is projected by one replica, and
 * one left by a replica that stopped is projected by another within the interval.
 */
@ApplicationScoped
public class LineageProjector {
  private static final Logger LOG = Logger.getLogger(LineageProjector.class);
  static final int BATCH = 500;

  private final LineageEventStore store;
  private final LineageService lineage;
  private final BackgroundLoop loop;
  private boolean backlogReported;

  @Inject
  public LineageProjector(LineageEventStore store, LineageService lineage, LineageConfig config) {
    this.store = store;
    this.lineage = lineage;
    this.loop = new BackgroundLoop("lineage-projector", config.projectionInterval(), this::pass);
  }

  void onStart(@Observes StartupEvent event) {
    loop.start();
  }

  void onStop(@Observes ShutdownEvent event) {
    loop.stop();
  }

  /** A commit on this replica wrote an event: project without waiting for the next look. */
  void onAppended(@Observes LineageOutbox.Appended appended) {
    loop.wake();
  }

  /**
   * Projects the given events now, in the caller's thread, unless another projector has them; never
   * fails (a failure leaves them to the background). Returns how many this call projected.
   */
  public int projectNow(List<Long> eventIds) {
    if (eventIds.isEmpty()) {
      return 0;
    }
    try {
      return store.projecting(
          () ->
              store.projectUnprojected(
                  Optional.of(eventIds), eventIds.size(), lineage::projectable));
    } catch (RuntimeException e) {
      LOG.warnf("Lineage events %s not projected yet: %s", eventIds, e.toString());
      return 0;
    }
  }

  /** Projects every unprojected event there is; returns how many. */
  public long drain() {
    long total = 0;
    while (true) {
      int done =
          store.projecting(
              () -> store.projectUnprojected(Optional.empty(), BATCH, lineage::projectable));
      total += done;
      if (done < BATCH) {
        return total;
      }
    }
  }

  /** One look at the unprojected events; all of them are projected, so none is left waiting. */
  private boolean pass() {
    try {
      long projected = drain();
      if (projected >= BATCH || backlogReported) {
        LOG.infof("Projected %d stored lineage events", projected);
        backlogReported = projected >= BATCH;
      }
    } catch (RuntimeException e) {
      LOG.warnf("Lineage projection failed, trying again: %s", e.toString());
    }
    return false;
  }
}
