package dev.sluice.policy.load;

import dev.sluice.policy.model.PolicyBundle;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A bundle, or every error that kept it from being one. Never both. A bundle may come with
 * warnings: rules that are valid but will not work the way they read.
 */
public record LoadResult(
    Optional<PolicyBundle> bundle, List<PolicyError> errors, List<PolicyError> warnings) {

  public LoadResult {
    errors = errors.stream().sorted().distinct().toList();
    warnings = warnings.stream().sorted().distinct().toList();
    if (bundle.isPresent() == !errors.isEmpty()) {
      throw new IllegalArgumentException("a load result holds a bundle or errors, not both");
    }
  }

  public static LoadResult of(PolicyBundle bundle) {
    return of(bundle, List.of());
  }

  public static LoadResult of(PolicyBundle bundle, List<PolicyError> warnings) {
    return new LoadResult(Optional.of(bundle), List.of(), warnings);
  }

  public static LoadResult failed(List<PolicyError> errors) {
    return new LoadResult(Optional.empty(), errors, List.of());
  }

  public boolean ok() {
    return bundle.isPresent();
  }

  /** The bundle, or an exception whose message lists every error. */
  public PolicyBundle orThrow() {
    return bundle.orElseThrow(() -> new InvalidPolicyException(errors));
  }

  /** One error per line, as {@code file:line:column: message}. */
  public String report() {
    return errors.stream().map(PolicyError::toString).collect(Collectors.joining("\n"));
  }
}
