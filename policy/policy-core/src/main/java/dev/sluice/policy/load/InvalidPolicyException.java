package dev.sluice.policy.load;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown by {@link LoadResult#orThrow()}; carries every error of the bundle. */
public final class InvalidPolicyException extends RuntimeException {

  private final transient List<PolicyError> errors;

  public InvalidPolicyException(List<PolicyError> errors) {
    super(
        "invalid policy bundle:\n"
            + errors.stream().map(PolicyError::toString).collect(Collectors.joining("\n")));
    this.errors = List.copyOf(errors);
  }

  public List<PolicyError> errors() {
    return errors;
  }
}
