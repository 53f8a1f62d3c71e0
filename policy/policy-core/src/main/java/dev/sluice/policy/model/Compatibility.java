package dev.sluice.policy.model;

import java.util.Locale;
import java.util.Optional;

/**
 * Which schema changes a contract allows. {@code BACKWARD}: the new schema still reads every file
 * already written (no required field without a default, no narrowing). {@code FORWARD}: readers
 * written against the old schema still read the new data (no dropped field, no changed type, no
 * field made optional). {@code FULL}: both. {@code NONE}: changes are not checked against a mode;
 * the contract's declared fields must still exist with their declared types.
 */
public enum Compatibility {
  BACKWARD,
  FORWARD,
  FULL,
  NONE;

  public static Optional<Compatibility> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    for (Compatibility value : values()) {
      if (value.spelling().equals(text.trim().toLowerCase(Locale.ROOT))) {
        return Optional.of(value);
      }
    }
    return Optional.empty();
  }

  public String spelling() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True when existing files must stay readable by the new schema. */
  public boolean checksBackward() {
    return this == BACKWARD || this == FULL;
  }

  /** True when existing readers must still read data written with the new schema. */
  public boolean checksForward() {
    return this == FORWARD || this == FULL;
  }

  /** How much a change of mode loosens the contract: none is loosest, full is strictest. */
  public int strictness() {
    return switch (this) {
      case NONE -> 0;
      case BACKWARD, FORWARD -> 1;
      case FULL -> 2;
    };
  }
}
