package dev.sluice.policy.eval;

import java.util.Objects;

/** A column the reader sees through a mask: the mask's name and the Trino SQL replacing it. */
public record ColumnMask(String column, String mask, String expression) {

  public ColumnMask {
    Objects.requireNonNull(column, "column");
    Objects.requireNonNull(mask, "mask");
    Objects.requireNonNull(expression, "expression");
  }
}
