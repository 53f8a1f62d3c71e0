package dev.sluice.policy.model;

import java.util.Locale;
import java.util.Optional;

/**
 * What a broken contract does to a commit: {@code ERROR} refuses it, {@code WARNING} records it.
 */
public enum ContractSeverity {
  ERROR,
  WARNING;

  public static Optional<ContractSeverity> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "error" -> Optional.of(ERROR);
      case "warning" -> Optional.of(WARNING);
      default -> Optional.empty();
    };
  }

  public String spelling() {
    return name().toLowerCase(Locale.ROOT);
  }
}
