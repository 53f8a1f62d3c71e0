package dev.sluice.policy.model;

import java.util.List;
import java.util.Objects;

/**
 * A data classification such as {@code pii.direct}; columns carrying it get {@code defaultMask}
 * unless they name their own, and the subjects in {@code unmaskedFor} see raw values wherever the
 * zone allows it.
 */
public record Classification(
    String name, String defaultMask, List<Subject> unmaskedFor, String description, Origin origin) {

  public Classification {
    Objects.requireNonNull(name, "name");
    unmaskedFor = List.copyOf(unmaskedFor);
    Objects.requireNonNull(origin, "origin");
  }

  /** Classifications under {@code pii} are the ones the review diff flags as risky. */
  public static boolean isPii(String classification) {
    return classification != null
        && (classification.equals("pii") || classification.startsWith("pii."));
  }
}
