package dev.sluice.catalog.audit;

import dev.sluice.catalog.config.AuthConfig;
import dev.sluice.catalog.persistence.AuditEventEntity;
import dev.sluice.catalog.persistence.AuditStore;
import dev.sluice.catalog.security.AuthFailure;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jboss.logging.Logger;

/**
 * Failed authentications in the audit trail, without one row per attempt: identical failures (same
 * address, reason and credential) within a window are counted in memory and written as one row
 * ({@code attempts}) when the window closes, and at a clean stop. The trail is append-only, so a
 * row cannot be counted up once written.
 *
 * <p>Bounded: at most {@value #MAX_ROWS} distinct failures per window; further ones are counted in
 * one row per reason and credential kind with address {@code *}. A crash loses at most the current
 * window's rows.
 */
@ApplicationScoped
public class FailedAuthAudit {
  public static final String PRINCIPAL = "anonymous";
  public static final String ACTION = "auth.failed";
  static final int MAX_ROWS = 10_000;
  private static final Logger LOG = Logger.getLogger(FailedAuthAudit.class);

  private final AuditStore store;
  private final Duration window;
  private final ReadWriteLock swap = new ReentrantReadWriteLock();
  private Map<Key, Tally> open = new ConcurrentHashMap<>();
  private ScheduledExecutorService flusher;

  private record Key(String address, String reason, String credential) {}

  /** The first failure of a key in this window, and how many there were. */
  private static final class Tally {
    final OffsetDateTime first = OffsetDateTime.now(ZoneOffset.UTC);
    final String path;
    final String requestId;
    final AtomicInteger attempts = new AtomicInteger();

    Tally(String path, String requestId) {
      this.path = path;
      this.requestId = requestId;
    }
  }

  @Inject
  public FailedAuthAudit(AuditStore store, AuthConfig config) {
    this.store = store;
    this.window = config.failedAuthAuditWindow();
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("sluice.auth.failed-auth-audit-window must be positive");
    }
  }

  void start(@Observes StartupEvent event) {
    flusher =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "sluice-failed-auth-audit");
              thread.setDaemon(true);
              return thread;
            });
    long millis = window.toMillis();
    flusher.scheduleWithFixedDelay(this::flush, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Writes what is counted so far before the database goes away. */
  void stop(@Observes ShutdownEvent event) {
    if (flusher != null) {
      flusher.shutdown();
      try {
        // a window being written finishes first; interrupting it would lose its rows
        flusher.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    flush();
  }

  public void record(AuthFailure failure) {
    swap.readLock().lock();
    try {
      Key key = new Key(failure.address(), failure.reason().code(), failure.credential());
      if (!open.containsKey(key) && open.size() >= MAX_ROWS) {
        key = new Key("*", key.reason, kindOf(key.credential));
      }
      open.computeIfAbsent(key, k -> new Tally(failure.path(), failure.requestId()))
          .attempts
          .incrementAndGet();
    } finally {
      swap.readLock().unlock();
    }
  }

  /** Closes the window: its rows are written and a new one opens. */
  public void flush() {
    Map<Key, Tally> closed;
    swap.writeLock().lock();
    try {
      if (open.isEmpty()) {
        return;
      }
      closed = open;
      open = new ConcurrentHashMap<>();
    } finally {
      swap.writeLock().unlock();
    }
    List<AuditEventEntity> rows = new ArrayList<>(closed.size());
    closed.forEach((key, tally) -> rows.add(row(key, tally)));
    try {
      store.append(rows);
    } catch (RuntimeException e) {
      // memory stays bounded: a window that cannot be written is dropped, and says so
      LOG.errorf(e, "Could not write %d failed-authentication audit rows", rows.size());
    }
  }

  private static AuditEventEntity row(Key key, Tally tally) {
    AuditEventEntity row = new AuditEventEntity();
    row.occurredAt = tally.first;
    row.principal = PRINCIPAL;
    row.action = ACTION;
    row.resource = tally.path.length() <= 2048 ? tally.path : tally.path.substring(0, 2047) + "…";
    row.allowed = false;
    row.rule = key.reason;
    row.requestId = tally.requestId;
    row.clientAddress = key.address;
    row.credential = key.credential;
    row.attempts = tally.attempts.get();
    return row;
  }

  /** {@code api-token:<id>} counts as {@code api-token} in the overflow row. */
  private static String kindOf(String credential) {
    int colon = credential.indexOf(':');
    return colon < 0 ? credential : credential.substring(0, colon);
  }
}
