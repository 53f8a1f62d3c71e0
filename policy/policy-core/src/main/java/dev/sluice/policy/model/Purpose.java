package dev.sluice.policy.model;

import java.util.Objects;

/**
 * Why data is read. When {@code requiresConsent} is set, reading a dataset with consent columns for
 * this purpose keeps only rows whose consent grants that value.
 */
public record Purpose(String name, String requiresConsent, String description, Origin origin) {

  public Purpose {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(origin, "origin");
  }
}
