package dev.sluice.catalog.policy;

import static java.util.Objects.requireNonNull;

import dev.sluice.policy.diff.DiffReport;
import dev.sluice.policy.load.PolicyError;
import java.util.List;

/**
 * A candidate bundle's validation errors, or its effective-access diff against the active one with
 * its lint warnings (rules that are valid but will not work as they read).
 */
public record PolicyReview(
    boolean valid, String contentHash, List<Error> errors, List<Error> warnings, DiffReport diff) {

  public PolicyReview {
    requireNonNull(contentHash, "contentHash is null");
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
  }

  static PolicyReview invalid(String contentHash, List<PolicyError> errors) {
    return new PolicyReview(false, contentHash, located(errors), List.of(), null);
  }

  static PolicyReview valid(String contentHash, List<PolicyError> warnings, DiffReport diff) {
    return new PolicyReview(
        true, contentHash, List.of(), located(warnings), requireNonNull(diff, "diff is null"));
  }

  private static List<Error> located(List<PolicyError> problems) {
    return problems.stream()
        .map(e -> new Error(e.origin().file(), e.origin().line(), e.origin().column(), e.message()))
        .toList();
  }

  /** One validation error (or warning) at {@code file:line:column}. */
  public record Error(String file, int line, int column, String message) {
    @Override
    public String toString() {
      return file + ":" + line + ":" + column + ": " + message;
    }
  }
}
