package dev.sluice.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling until a component is ready, with a deadline and a reason when it is not. */
public final class Waits {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Waits() {}

  public static void until(String what, Duration timeout, BooleanSupplier ready, ManagedProcess p) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (p != null && !p.isAlive()) {
        throw new IllegalStateException(what + ": process exited\n" + p.tail(60));
      }
      if (ready.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what, e);
      }
    }
    throw new IllegalStateException(
        what + ": not ready after " + timeout + (p == null ? "" : "\n" + p.tail(60)));
  }

  /** True when GET {@code uri} answers with the given status. */
  public static boolean httpStatus(String uri, int status) {
    try {
      HttpResponse<Void> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == status;
    } catch (Exception e) {
      return false;
    }
  }
}
