package dev.sluice.policy.model;

import java.util.List;
import java.util.Objects;

/**
 * A field a contract promises. Every part but the name may be null (not declared). {@code min} and
 * {@code max} are the bounds of {@code valid-range} as written (numbers, dates or timestamps in ISO
 * form), either may be null for an open end; {@code validValues} is empty when not declared.
 */
public record ContractField(
    String name,
    ColumnType type,
    Boolean nullable,
    String min,
    String max,
    List<String> validValues,
    Origin origin) {

  public ContractField {
    Objects.requireNonNull(name, "name");
    validValues = List.copyOf(validValues);
    Objects.requireNonNull(origin, "origin");
  }

  /** True when the field may hold no null. */
  public boolean required() {
    return Boolean.FALSE.equals(nullable);
  }

  public boolean hasRange() {
    return min != null || max != null;
  }
}
