package dev.sluice.bench;

import dev.sluice.it.Progress;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Everything the benchmark started, stopped in reverse order: at the end of each step, and by a
 * shutdown hook if the run fails or is interrupted.
 */
final class Closer implements AutoCloseable {
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  Closer() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "bench-cleanup"));
  }

  synchronized <T extends AutoCloseable> T register(T resource) {
    resources.push(resource);
    return resource;
  }

  /** Stops one resource now (it is no longer stopped at the end). */
  synchronized void closeNow(AutoCloseable resource) {
    resources.remove(resource);
    closeQuietly(resource);
  }

  @Override
  public synchronized void close() {
    while (!resources.isEmpty()) {
      closeQuietly(resources.pop());
    }
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception e) {
      Progress.say("could not stop %s: %s", resource, e);
    }
  }
}
