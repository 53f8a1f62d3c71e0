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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
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

  /** No process to measure: the CPU of a run is not taken. */
  static final DoubleSupplier NO_CPU = () -> Double.NaN;

  /**
   * What a run measured: per kind, the wall-clock seconds of the measured window, and the CPU
   * milliseconds the measured process spent in it (NaN when not taken).
   */
  record Measured(Map<String, Tally> kinds, double seconds, double cpuMillis) {
    Measured(Map<String, Tally> kinds, double seconds) {
      this(kinds, seconds, Double.NaN);
    }

    /** Operations counted in the window, of every kind, failed ones included. */
    long operations() {
      return kinds.values().stream().mapToLong(t -> t.ok + t.errors).sum();
    }

    /** CPU microseconds of the measured process per operation counted; NaN when not taken. */
    double cpuMicrosPerOperation() {
      long operations = operations();
      return operations > 0 && cpuMillis >= 0 ? cpuMillis * 1000 / operations : Double.NaN;
    }
  }

  /**
   * Every client runs the operation in a loop for {@code warmupSeconds + seconds}; only calls that
   * start after the warm-up are measured.
   */
  static Measured timed(int clients, int warmupSeconds, int seconds, String errorKind, Op op)
      throws InterruptedException {
    return timed(clients, warmupSeconds, seconds, errorKind, NO_CPU, op);
  }

  /**
   * Like {@link #timed(int, int, int, String, Op)}, and takes {@code cpuMillis} (a process's CPU
   * time so far) when the measured window opens, on the client that makes its first call, and once
   * every client has finished.
   */
  static Measured timed(
      int clients,
      int warmupSeconds,
      int seconds,
      String errorKind,
      DoubleSupplier cpuMillis,
      Op op)
      throws InterruptedException {
    long start = System.nanoTime();
    long measureFrom = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
    long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
    AtomicLong lastFinish = new AtomicLong(end);
    AtomicBoolean opened = new AtomicBoolean();
    // written by the client that opens the window, read after every client has finished
    double[] cpuAtOpen = {Double.NaN};
    Measured measured =
        run(
            clients,
            errorKind,
            (client, tallies) -> {
              long index = 0;
              while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                if (t0 >= measureFrom && !opened.get() && opened.compareAndSet(false, true)) {
                  // the window's first call: the CPU so far is read before that call is timed
                  cpuAtOpen[0] = cpuMillis.getAsDouble();
                  t0 = System.nanoTime();
                }
                call(op, client, index++, errorKind, tallies, t0 >= measureFrom, t0);
              }
              lastFinish.accumulateAndGet(System.nanoTime(), Math::max);
            },
            () -> (lastFinish.get() - measureFrom) / 1e9);
    return new Measured(
        measured.kinds(), measured.seconds(), spent(cpuAtOpen[0], cpuMillis.getAsDouble()));
  }

  /** The clients share {@code total} calls of the operation; all calls are measured. */
  static Measured fixed(int clients, long total, String errorKind, Op op)
      throws InterruptedException {
    return fixed(clients, total, errorKind, NO_CPU, op);
  }

  /** Like {@link #fixed(int, long, String, Op)}, and takes {@code cpuMillis} around the calls. */
  static Measured fixed(int clients, long total, String errorKind, DoubleSupplier cpuMillis, Op op)
      throws InterruptedException {
    long[] window = new long[2];
    AtomicLong next = new AtomicLong();
    double cpuBefore = cpuMillis.getAsDouble();
    Measured measured =
        run(
            clients,
            errorKind,
            (client, tallies) -> {
              for (long i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                call(op, client, i, errorKind, tallies, true, System.nanoTime());
              }
            },
            () -> (window[1] - window[0]) / 1e9,
            window);
    return new Measured(
        measured.kinds(), measured.seconds(), spent(cpuBefore, cpuMillis.getAsDouble()));
  }

  /** CPU milliseconds between two readings; NaN when either is missing (negative or NaN). */
  static double spent(double before, double after) {
    return before >= 0 && after >= before ? after - before : Double.NaN;
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
