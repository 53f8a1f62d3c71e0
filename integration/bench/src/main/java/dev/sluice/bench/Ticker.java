package dev.sluice.bench;

import dev.sluice.it.Progress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Says where a long step is every {@code seconds}, until closed. */
final class Ticker implements AutoCloseable {
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "bench-progress");
            thread.setDaemon(true);
            return thread;
          });

  Ticker(int seconds, Supplier<String> status) {
    timer.scheduleAtFixedRate(
        () -> Progress.say("%s", status.get()), seconds, seconds, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
