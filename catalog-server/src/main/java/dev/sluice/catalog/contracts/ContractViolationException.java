package dev.sluice.catalog.contracts;

/**
 * A commit that breaks its dataset's contract with severity {@code error}. Answered 422: the
 * request is well formed but the change is refused, and engines must not retry it as a conflict.
 */
public class ContractViolationException extends RuntimeException {
  public ContractViolationException(String message) {
    super(message, null, false, false);
  }
}
