package dev.sluice.contracts;

import dev.sluice.policy.model.Origin;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One way a commit breaks a dataset's contract. {@code rule} is the kebab-case name of the broken
 * rule ({@code drop-field}, {@code nullable}); {@code field} the dotted column name and {@code
 * file} the data file's path, each null when the rule is not about one; {@code message} says it in
 * one sentence. {@code ruleOrigin} is where the broken promise was written: the contract field's
 * line when a declared field's rule is broken, otherwise the contract's. Whether the violation
 * refuses the commit or is only recorded is the contract's severity, applied by the caller.
 */
public record ContractViolation(
    String rule, String field, String file, String message, Origin ruleOrigin) {

  private static final Pattern KEBAB = Pattern.compile("[a-z]+(-[a-z]+)*");

  public ContractViolation {
    Objects.requireNonNull(rule, "rule");
    if (!KEBAB.matcher(rule).matches()) {
      throw new IllegalArgumentException("rule must be kebab-case: " + rule);
    }
    if (field != null && field.isBlank()) {
      throw new IllegalArgumentException("field must be null or a column name");
    }
    if (file != null && file.isBlank()) {
      throw new IllegalArgumentException("file must be null or a path");
    }
    Objects.requireNonNull(message, "message");
    if (message.isBlank()) {
      throw new IllegalArgumentException("message must say what broke the contract");
    }
    Objects.requireNonNull(ruleOrigin, "ruleOrigin");
  }
}
