package dev.sluice.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/** Runs an operation from N client threads, timed or a fixed number of times, and measures it. */
final class Load {
  private Load() {}

  /** One call of the operation: its kind (for mixed workloads) and what it met. */
  record Outcome(String kind, int conflicts) {}

  /** An error of an operation of the given kind (in mixed workloads). */
  static final class Failed extends RuntimeException {
    final String kind;

    Failed(String kind, Exception cause) {
      super(cause);
      this.kind = kind;
    }
  }

  @FunctionalInterface
  interface Op {
    /**
     * Runs once; an exception is an error of the given kind. {@code index} counts calls: per client
     * in timed runs, across all clients in fixed runs.
     */
    Outcome run(int client, long index) throws Exception;
  }

  /** Counts and latencies of one kind of operation. */
  static final class Tally {
    final Histogram micros = new Histogram(3_600_000_000L, 3);
    long ok;
    long errors;
    long conflicts;
    final List<String> errorSamples = new ArrayList<>();

    void merge(Tally other) {
      micros.add(other.micros);
      ok += other.ok;
      errors += other.errors;
      conflicts += other.conflicts;
      for (String sample : other.errorSamples) {
        if (errorSamples.size() < 3 && !errorSamples.contains(sample)) {
          errorSamples.add(sample);
        }
      }
    }
  }

  /** What a run measured: per kind, and the wall-clock seconds of the measured window. */
  record Measured(Map<String, Tally> kinds, double seconds) {}

  /**
   * Every client runs the operation in a loop for {@code warmupSeconds + seconds}; only calls that
   * start after the warm-up are measured.
   */
  static Measured timed(int clients, int warmupSeconds, int seconds, String errorKind, Op op)
      throws InterruptedException {
    long start = System.nanoTime();
    long measureFrom = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
    long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
    AtomicLong lastFinish = new AtomicLong(end);
    return run(
        clients,
        errorKind,
        (client, tallies) -> {
          long index = 0;
          while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            call(op, client, index++, errorKind, tallies, t0 >= measureFrom, t0);
          }
          lastFinish.accumulateAndGet(System.nanoTime(), Math::max);
        },
        () -> (lastFinish.get() - measureFrom) / 1e9);
  }

  /** The clients share {@code total} calls of the operation; all calls are measured. */
  static Measured fixed(int clients, long total, String errorKind, Op op)
      throws InterruptedException {
    long[] window = new long[2];
    AtomicLong next = new AtomicLong();
    return run(
        clients,
        errorKind,
        (client, tallies) -> {
          for (long i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
            call(op, client, i, errorKind, tallies, true, System.nanoTime());
          }
        },
        () -> (window[1] - window[0]) / 1e9,
        window);
  }

  private static void call(
      Op op,
      int client,
      long index,
      String errorKind,
      Map<String, Tally> tallies,
      boolean record,
      long t0) {
    Outcome outcome;
    String error = null;
    try {
      outcome = op.run(client, index);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (Failed e) {
      outcome = new Outcome(e.kind, 0);
      Throwable cause = e.getCause();
      error = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    } catch (Exception e) {
      outcome = new Outcome(errorKind, 0);
      error = e.getMessage() == null ? e.toString() : e.getMessage();
    }
    long micros = (System.nanoTime() - t0) / 1000;
    if (!record) {
      return;
    }
    Tally tally = tallies.computeIfAbsent(outcome.kind(), k -> new Tally());
    tally.conflicts += outcome.conflicts();
    if (error == null) {
      tally.ok++;
      tally.micros.recordValue(Math.max(1, micros));
    } else {
      tally.errors++;
      if (tally.errorSamples.size() < 3) {
        tally.errorSamples.add(RestCatalogClient.abbreviate(error, 600));
      }
    }
  }

  private interface ClientLoop {
    void run(int client, Map<String, Tally> tallies) throws Exception;
  }

  private interface Seconds {
    double get();
  }

  private static Measured run(int clients, String errorKind, ClientLoop loop, Seconds seconds)
      throws InterruptedException {
    return run(clients, errorKind, loop, seconds, null);
  }

  private static Measured run(
      int clients, String errorKind, ClientLoop loop, Seconds seconds, long[] window)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    CountDownLatch ready = new CountDownLatch(clients);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Map<String, Tally>>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      futures.add(
          pool.submit(
              () -> {
                Map<String, Tally> tallies = new LinkedHashMap<>();
                ready.countDown();
                go.await();
                loop.run(client, tallies);
                return tallies;
              }));
    }
    ready.await();
    if (window != null) {
      window[0] = System.nanoTime();
    }
    go.countDown();
    Map<String, Tally> merged = new LinkedHashMap<>();
    try {
      for (Future<Map<String, Tally>> future : futures) {
        try {
          future
              .get()
              .forEach((kind, t) -> merged.computeIfAbsent(kind, k -> new Tally()).merge(t));
        } catch (java.util.concurrent.ExecutionException e) {
          Tally tally = merged.computeIfAbsent(errorKind, k -> new Tally());
          tally.errors++;
          tally.errorSamples.add(String.valueOf(e.getCause()));
        }
      }
    } finally {
      pool.shutdownNow();
    }
    if (window != null) {
      window[1] = System.nanoTime();
    }
    return new Measured(merged, seconds.get());
  }
}
