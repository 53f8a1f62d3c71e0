package dev.sluice.policy.model;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A data classification such as {@code pii.direct}; columns carrying it get {@code defaultMask}
 * unless they name their own, and the subjects in {@code unmaskedFor} see raw values wherever the
 * zone allows it. {@code columnNames} are name rules (globs such as {@code *_phone}) that classify
 * columns no dataset declares, so a zone's forbid rule also catches a column added by a commit.
 */
public record Classification(
    String name,
    String defaultMask,
    List<Subject> unmaskedFor,
    List<String> columnNames,
    String description,
    Origin origin) {

  public Classification {
    Objects.requireNonNull(name, "name");
    unmaskedFor = List.copyOf(unmaskedFor);
    columnNames = List.copyOf(columnNames);
    Objects.requireNonNull(origin, "origin");
  }

  public Classification(
      String name,
      String defaultMask,
      List<Subject> unmaskedFor,
      String description,
      Origin origin) {
    this(name, defaultMask, unmaskedFor, List.of(), description, origin);
  }

  /** The first name rule matching the column (case-insensitive), if any. */
  public Optional<String> nameRuleFor(String column) {
    String lower = column.toLowerCase(Locale.ROOT);
    for (String rule : columnNames) {
      String regex = Pattern.quote(rule.toLowerCase(Locale.ROOT)).replace("*", "\\E.*\\Q");
      if (lower.matches(regex)) {
        return Optional.of(rule);
      }
    }
    return Optional.empty();
  }

  /** Classifications under {@code pii} are the ones the review diff flags as risky. */
  public static boolean isPii(String classification) {
    return classification != null
        && (classification.equals("pii") || classification.startsWith("pii."));
  }
}
