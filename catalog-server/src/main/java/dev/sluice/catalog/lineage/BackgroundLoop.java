package dev.sluice.catalog.lineage;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A daemon thread running one pass after another: at once when a pass says more is waiting,
 * otherwise after {@code every} or as soon as {@link #wake} is called, until {@link #stop}.
 */
public final class BackgroundLoop {
  private final String name;
  private final long everyMillis;
  private final BooleanSupplier pass;
  private final Semaphore wake = new Semaphore(0);
  private volatile Thread worker;
  private volatile boolean running;

  /**
   * @param pass one round of work; returns true when more is waiting. Must not throw.
   */
  public BackgroundLoop(String name, Duration every, BooleanSupplier pass) {
    this.name = name;
    this.everyMillis = Math.max(10, every.toMillis());
    this.pass = pass;
  }

  public void start() {
    running = true;
    Thread thread = new Thread(this::run, name);
    thread.setDaemon(true);
    worker = thread;
    thread.start();
  }

  public void stop() {
    running = false;
    Thread thread = worker;
    if (thread != null) {
      thread.interrupt();
    }
  }

  /** Whether the loop should go on; a long pass checks it between items. */
  public boolean running() {
    return running;
  }

  /** Runs the next pass without waiting out the interval. */
  public void wake() {
    wake.release();
  }

  private void run() {
    while (running) {
      if (pass.getAsBoolean()) {
        continue;
      }
      try {
        wake.tryAcquire(everyMillis, TimeUnit.MILLISECONDS);
        wake.drainPermits();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
