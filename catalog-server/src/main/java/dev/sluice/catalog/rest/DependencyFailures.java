package dev.sluice.catalog.rest;

import dev.sluice.catalog.persistence.DatabaseFailures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Failures that mean a dependency is unreachable rather than that the request is wrong: answered
 * 503 so clients retry later, instead of 500.
 */
final class DependencyFailures {
  private DependencyFailures() {}

  /**
   * The message for the client when the database or the object store cannot be reached. For a read,
   * any database failure counts, even one of COMMIT: a read's transaction changed nothing.
   */
  static Optional<String> unavailable(Throwable failure, boolean read) {
    if (DatabaseFailures.isUnavailable(failure)
        || (read && DatabaseFailures.isDatabaseFailure(failure))) {
      return Optional.of("The catalog database is unavailable; retry later");
    }
    if (DatabaseFailures.causes(failure).stream()
        .anyMatch(cause -> cause instanceof SdkClientException || fromObjectStoreClient(cause))) {
      return Optional.of("The object store is unavailable; retry later");
    }
    return Optional.empty();
  }

  /** An I/O failure the S3 client raised without wrapping it (its URL-connection transport). */
  private static boolean fromObjectStoreClient(Throwable failure) {
    if (!(failure instanceof UncheckedIOException || failure instanceof IOException)) {
      return false;
    }
    StackTraceElement[] frames = failure.getStackTrace();
    return frames.length > 0 && frames[0].getClassName().startsWith("software.amazon.awssdk.");
  }
}
