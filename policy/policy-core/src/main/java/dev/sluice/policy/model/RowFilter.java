package dev.sluice.policy.model;

import java.util.List;
import java.util.Objects;

/**
 * A declared row filter (Trino SQL predicate). It applies to every reader when {@code appliesTo} is
 * empty, otherwise to the listed subjects; {@code exempt} subjects never get it.
 */
public record RowFilter(
    String name, String expression, List<Subject> appliesTo, List<Subject> exempt, Origin origin) {

  public RowFilter {
    Objects.requireNonNull(expression, "expression");
    appliesTo = List.copyOf(appliesTo);
    exempt = List.copyOf(exempt);
    Objects.requireNonNull(origin, "origin");
  }
}
