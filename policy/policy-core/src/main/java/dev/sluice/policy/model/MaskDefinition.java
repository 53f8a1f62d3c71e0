package dev.sluice.policy.model;

import java.util.List;
import java.util.Objects;

/**
 * A mask declared in the bundle: a Trino SQL template in which {@code {column}} stands for the
 * quoted column, valid for the listed column types.
 */
public record MaskDefinition(
    String name, String expression, List<ColumnType> types, Origin origin) {

  public MaskDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(expression, "expression");
    types = List.copyOf(types);
    Objects.requireNonNull(origin, "origin");
  }

  public boolean fits(ColumnType type) {
    return types.stream().anyMatch(t -> t.family() == type.family());
  }
}
