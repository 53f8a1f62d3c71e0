package dev.sluice.policy.model;

import java.util.List;
import java.util.Objects;

/**
 * Rules for one column. {@code mask} is a mask name, {@link #NO_MASK} to opt out of the
 * classification's default, or null to inherit it; {@code type} may be null when not declared.
 */
public record ColumnPolicy(
    String name,
    ColumnType type,
    String classification,
    String mask,
    List<Subject> unmaskedFor,
    Origin origin) {

  public static final String NO_MASK = "none";

  public ColumnPolicy {
    Objects.requireNonNull(name, "name");
    unmaskedFor = List.copyOf(unmaskedFor);
    Objects.requireNonNull(origin, "origin");
  }
}
