package dev.sluice.catalog.audit;

import dev.sluice.catalog.persistence.AuditEventEntity;
import dev.sluice.catalog.persistence.AuditStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.iceberg.exceptions.ServiceUnavailableException;
import org.jboss.logging.Logger;

/**
 * Writes the audit rows of request ends in batches: one transaction per batch instead of one per
 * request, off the request's path. Rows are written in the order they were queued; a failed batch
 * stays at the head of the queue and is tried again. The queue is bounded: a request whose rows
 * find no room is refused ({@link ServiceUnavailableException}), so nothing is dropped unseen.
 *
 * <p>A clean stop writes every queued row before the database goes away; rows queued after that are
 * written at once. A crash loses the rows not yet written: those of the last {@code flush-interval}
 * while the database keeps up, at most {@code queue-capacity} when it does not.
 */
@ApplicationScoped
public class AuditBatchWriter {
  /** How long a reader of the trail waits for this replica's queued rows. */
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

  /** How long a clean stop keeps trying to write what is queued. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(5);
  private static final Logger LOG = Logger.getLogger(AuditBatchWriter.class);

  /** Writes rows in one transaction, in the given order; throws when none was written. */
  @FunctionalInterface
  interface Sink {
    void write(List<AuditEventEntity> rows);
  }

  /** What is waiting: queued rows, the queue's capacity and since when writes fail, if they do. */
  public record Backlog(int queued, int capacity, Optional<Instant> failingSince) {
    public boolean full() {
      return queued >= capacity;
    }
  }

  /** A row and when it was queued ({@link System#nanoTime}). */
  private record Queued(AuditEventEntity row, long at) {}

  private final Sink sink;
  private final long flushNanos;
  private final int capacity;
  private final int batchSize;
  private final Duration drainTimeout;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final Condition progress = lock.newCondition();
  private final ArrayDeque<Queued> queue = new ArrayDeque<>();
  private long enqueued;
  private long written;
  private long retryAt;
  private int failures;
  private Instant failingSince;
  private boolean drainRequested;
  private boolean stopping;
  private boolean stopped;
  private Thread worker;

  @Inject
  public AuditBatchWriter(AuditStore store, AuditConfig config) {
    this(
        store::appendBatch,
        config.flushInterval(),
        config.queueCapacity(),
        config.batchSize(),
        DRAIN_TIMEOUT);
  }

  AuditBatchWriter(
      Sink sink, Duration flushInterval, int queueCapacity, int batchSize, Duration drainTimeout) {
    if (flushInterval.isNegative() || flushInterval.isZero()) {
      throw new IllegalArgumentException(
          "sluice.audit.flush-interval must be positive, not " + flushInterval);
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException(
          "sluice.audit.queue-capacity must be positive, not " + queueCapacity);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException(
          "sluice.audit.batch-size must be positive, not " + batchSize);
    }
    this.sink = sink;
    this.flushNanos = flushInterval.toNanos();
    this.capacity = queueCapacity;
    this.batchSize = batchSize;
    this.drainTimeout = drainTimeout;
  }

  void onStart(@Observes StartupEvent event) {
    start();
  }

  /**
   * Before the datasources close (they close with the container, after every shutdown observer):
   * the queue is written out.
   */
  void onStop(@Observes ShutdownEvent event) {
    stop();
  }

  void start() {
    lock.lock();
    try {
      if (worker != null || stopped) {
        return;
      }
      worker = new Thread(this::run, "sluice-audit-writer");
      worker.setDaemon(true);
      worker.start();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues the rows of one request, all or none. Refused when they find no room: the caller answers
   * 503 rather than serve a read whose audit row could be lost. A request's rows are accepted into
   * an empty queue even when they alone exceed its capacity. After a stop, written at once.
   */
  public void enqueue(List<AuditEventEntity> rows) {
    if (rows.isEmpty()) {
      return;
    }
    lock.lock();
    try {
      if (!stopped) {
        if (!queue.isEmpty() && queue.size() + rows.size() > capacity) {
          throw new ServiceUnavailableException(
              "The audit trail is not being written fast enough (%d rows waiting); retry later",
              queue.size());
        }
        long now = System.nanoTime();
        for (AuditEventEntity row : rows) {
          queue.addLast(new Queued(row, now));
        }
        enqueued += rows.size();
        if (queue.size() >= batchSize) {
          work.signal();
        }
        return;
      }
    } finally {
      lock.unlock();
    }
    sink.write(rows); // stopped: no writer is left, and the datasource is still open
  }

  /**
   * Waits until every row queued before this call is written, so that a reader of the trail sees
   * this replica's decisions up to now. Rows of other replicas are written within their flush
   * interval.
   *
   * @throws ServiceUnavailableException when they could not be written within {@link
   *     #DRAIN_TIMEOUT}; a reader is not shown a trail with a gap
   */
  public void drain() {
    lock.lock();
    try {
      long target = enqueued;
      if (written >= target) {
        return;
      }
      drainRequested = true;
      retryAt = System.nanoTime(); // a failed batch is tried again now, not after its back-off
      work.signal();
      long nanos = drainTimeout.toNanos();
      while (written < target) {
        if (nanos <= 0) {
          throw new ServiceUnavailableException(
              "Audit rows of this server are not written yet (%d waiting); retry later",
              queue.size());
        }
        nanos = progress.awaitNanos(nanos);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException("Interrupted while waiting for the audit trail");
    } finally {
      lock.unlock();
    }
  }

  public Backlog backlog() {
    lock.lock();
    try {
      return new Backlog(queue.size(), capacity, Optional.ofNullable(failingSince));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writes out the queue and stops the writer; later rows are written by the caller. Gives up after
   * {@link #STOP_TIMEOUT} when the database does not take them, and says how many were lost.
   */
  void stop() {
    Thread running;
    lock.lock();
    try {
      stopping = true;
      work.signal();
      running = worker;
    } finally {
      lock.unlock();
    }
    if (running == null) {
      run(); // never started: the queue is written here
    } else {
      try {
        running.join(STOP_TIMEOUT.toMillis() + 1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    lock.lock();
    try {
      stopped = true;
      if (!queue.isEmpty()) {
        LOG.errorf("%d audit rows could not be written before the stop and are lost", queue.size());
        queue.clear();
      }
      progress.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    long stopDeadline = 0;
    boolean deadlineSet = false;
    while (true) {
      List<AuditEventEntity> batch;
      lock.lock();
      try {
        while (true) {
          long now = System.nanoTime();
          if (stopping) {
            if (!deadlineSet) {
              stopDeadline = now + STOP_TIMEOUT.toNanos();
              deadlineSet = true;
            }
            if (queue.isEmpty() || now - stopDeadline >= 0) {
              return;
            }
          }
          long wait = TimeUnit.SECONDS.toNanos(1);
          if (!queue.isEmpty()) {
            long due = dueAt(now);
            if (now - due >= 0) {
              break;
            }
            wait = due - now;
          }
          if (stopping) {
            wait = Math.min(wait, stopDeadline - now);
          }
          work.awaitNanos(wait);
        }
        batch = new ArrayList<>(Math.min(batchSize, queue.size()));
        for (Queued queued : queue) {
          if (batch.size() == batchSize) {
            break;
          }
          batch.add(queued.row());
        }
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
      write(batch);
    }
  }

  /** When the head of the queue is to be written: not before a retry is due. */
  private long dueAt(long now) {
    long due =
        stopping || drainRequested || queue.size() >= batchSize
            ? now
            : queue.getFirst().at() + flushNanos;
    return failures > 0 && retryAt - due > 0 ? retryAt : due;
  }

  private void write(List<AuditEventEntity> batch) {
    RuntimeException failure = null;
    try {
      sink.write(batch);
    } catch (RuntimeException e) {
      failure = e;
    }
    lock.lock();
    try {
      if (failure == null) {
        // a stop that gave up waiting may have emptied the queue meanwhile
        for (int i = 0; i < batch.size() && !queue.isEmpty(); i++) {
          queue.removeFirst();
        }
        written += batch.size();
        if (failures > 0) {
          LOG.infof("Audit rows are written again after %d failed attempts", failures);
        }
        failures = 0;
        failingSince = null;
        if (queue.isEmpty()) {
          drainRequested = false;
        }
        progress.signalAll();
      } else {
        failures++;
        if (failingSince == null) {
          failingSince = Instant.now();
        }
        long delay = Math.min(flushNanos << Math.min(failures - 1, 20), MAX_RETRY_DELAY.toNanos());
        retryAt = System.nanoTime() + delay;
        LOG.errorf(
            "Could not write %d audit rows (attempt %d, %d waiting); retrying in %d ms: %s",
            batch.size(),
            failures,
            queue.size(),
            TimeUnit.NANOSECONDS.toMillis(delay),
            failure.toString());
      }
    } finally {
      lock.unlock();
    }
  }
}
