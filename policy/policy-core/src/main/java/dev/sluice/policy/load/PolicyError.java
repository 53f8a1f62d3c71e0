package dev.sluice.policy.load;

import dev.sluice.policy.model.Origin;
import java.util.Comparator;
import java.util.Objects;

/** One problem in a bundle, printed as {@code file:line:column: message}. */
public record PolicyError(Origin origin, String message) implements Comparable<PolicyError> {

  private static final Comparator<PolicyError> ORDER =
      Comparator.comparing(PolicyError::origin).thenComparing(PolicyError::message);

  public PolicyError {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public int compareTo(PolicyError other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return origin + ": " + message;
  }
}
