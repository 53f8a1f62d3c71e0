package dev.sluice.catalog.policy;

import static java.util.Objects.requireNonNull;

import dev.sluice.policy.diff.DiffReport;
import dev.sluice.policy.load.PolicyError;
import java.util.List;

/** A candidate bundle's validation errors, or its effective-access diff against the active one. */
public record PolicyReview(boolean valid, String contentHash, List<Error> errors, DiffReport diff) {

  public PolicyReview {
    requireNonNull(contentHash, "contentHash is null");
    errors = List.copyOf(errors);
  }

  static PolicyReview invalid(String contentHash, List<PolicyError> errors) {
    return new PolicyReview(
        false,
        contentHash,
        errors.stream()
            .map(
                e ->
                    new Error(
                        e.origin().file(), e.origin().line(), e.origin().column(), e.message()))
            .toList(),
        null);
  }

  static PolicyReview valid(String contentHash, DiffReport diff) {
    return new PolicyReview(true, contentHash, List.of(), requireNonNull(diff, "diff is null"));
  }

  /** One validation error at {@code file:line:column}. */
  public record Error(String file, int line, int column, String message) {
    @Override
    public String toString() {
      return file + ":" + line + ":" + column + ": " + message;
    }
  }
}
