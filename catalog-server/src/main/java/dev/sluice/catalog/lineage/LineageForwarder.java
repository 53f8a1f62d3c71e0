package dev.sluice.catalog.lineage;

import dev.sluice.catalog.persistence.LineageEventStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Forwards catalog-emitted events to an external OpenLineage endpoint, at least once, from the
 * forward queue that the commit's own transaction fills ({@link LineageOutbox}). A replica leases
 * due events (their next attempt moves past the lease, taken with {@code FOR UPDATE SKIP LOCKED}),
 * so one replica sends each; one that dies while sending hands them on when the lease runs out. A
 * failure is tried again after {@link LineageConfig#forwardRetryDelay()}, doubling up to 5 minutes,
 * until {@link LineageConfig#forwardMaxAttempts()}; then the event is dropped and counted. Commits
 * never wait for the endpoint.
 */
@ApplicationScoped
public class LineageForwarder {
  private static final Logger LOG = Logger.getLogger(LineageForwarder.class);
  private static final int BATCH = 50;
  private static final Duration MAX_DELAY = Duration.ofMinutes(5);

  private final Optional<URI> target;
  private final LineageConfig config;
  private final LineageEventStore store;
  private final Counter forwarded;
  private final Counter failed;
  private final Counter dropped;

  /** Only with a target: without one, a client would set up TLS and keep a selector thread idle. */
  private final HttpClient client;

  private final BackgroundLoop loop;

  @Inject
  public LineageForwarder(LineageConfig config, LineageEventStore store, MeterRegistry registry) {
    this.config = config;
    this.store = store;
    this.target = config.forwardUrl();
    this.forwarded = registry.counter("sluice.lineage.forwarded");
    this.failed = registry.counter("sluice.lineage.forward.failures");
    this.dropped = registry.counter("sluice.lineage.forward.dropped");
    this.client =
        target.isPresent()
            ? HttpClient.newBuilder().connectTimeout(config.forwardTimeout()).build()
            : null;
    this.loop = new BackgroundLoop("lineage-forwarder", Duration.ofSeconds(1), this::pass);
  }

  void onStart(@Observes StartupEvent event) {
    if (target.isEmpty()) {
      return;
    }
    loop.start();
    LOG.infof("Forwarding catalog lineage events to %s", target.get());
  }

  void onStop(@Observes ShutdownEvent event) {
    loop.stop();
  }

  /** A commit on this replica queued events: send without waiting for the next look. */
  void onAppended(@Observes LineageOutbox.Appended appended) {
    loop.wake();
  }

  /** One round: trims the queue, sends a leased batch; true when a full batch was sent. */
  private boolean pass() {
    try {
      int trimmed = store.trimForward(Math.max(1, config.forwardQueueSize()));
      if (trimmed > 0) {
        dropped.increment(trimmed);
        LOG.warnf("Dropped %d lineage events waiting to be forwarded (queue full)", trimmed);
      }
      return forwardDue() == BATCH;
    } catch (RuntimeException e) {
      LOG.warnf("Lineage forwarding failed, trying again: %s", e.toString());
      return false;
    }
  }

  /** Sends one leased batch of due events, oldest first; returns how many were leased. */
  private int forwardDue() {
    // long enough to send every event of the batch even if each takes the whole timeout
    Duration lease = config.forwardTimeout().multipliedBy(BATCH + 1L);
    List<LineageEventStore.Due> due = store.leaseForward(BATCH, lease);
    for (LineageEventStore.Due event : due) {
      if (!loop.running()) {
        break; // the lease hands the rest on
      }
      boolean sent;
      try {
        sent = send(event.json());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break; // stopping: the lease hands this event and the rest on
      }
      if (sent) {
        forwarded.increment();
        store.forwardDone(event.id());
        continue;
      }
      failed.increment();
      int attempts = event.attempts() + 1;
      if (attempts >= config.forwardMaxAttempts()) {
        dropped.increment();
        store.forwardDone(event.id());
        LOG.warnf("Lineage event %d dropped after %d forward attempts", event.id(), attempts);
      } else {
        store.forwardFailed(
            event.id(), attempts, OffsetDateTime.now(ZoneOffset.UTC).plus(delay(attempts)));
      }
    }
    return due.size();
  }

  private Duration delay(int attempts) {
    Duration delay = config.forwardRetryDelay();
    for (int i = 1; i < attempts && delay.compareTo(MAX_DELAY) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
  }

  private boolean send(String json) throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(target.get())
            .timeout(config.forwardTimeout())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
    try {
      HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() / 100 == 2) {
        return true;
      }
      LOG.warnf("Lineage forward to %s answered %d", target.get(), response.statusCode());
      return false;
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      LOG.warnf("Lineage forward to %s failed: %s", target.get(), e.toString());
      return false;
    }
  }
}
