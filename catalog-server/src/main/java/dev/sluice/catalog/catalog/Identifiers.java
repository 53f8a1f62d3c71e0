package dev.sluice.catalog.catalog;

import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Names the catalog accepts: non-empty, without control characters, and not {@code .} or {@code
 * ..}, which would walk out of a default storage location. Other dots and slashes are fine.
 */
public final class Identifiers {
  private static final int MAX_LENGTH = 1024;

  private Identifiers() {}

  public static boolean isValidName(String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
      return false;
    }
    if (name.equals(".") || name.equals("..")) {
      return false;
    }
    return name.chars().noneMatch(Character::isISOControl);
  }

  public static boolean isValid(TableIdentifier identifier) {
    if (identifier == null || !isValidName(identifier.name())) {
      return false;
    }
    for (String level : identifier.namespace().levels()) {
      if (!isValidName(level)) {
        return false;
      }
    }
    return true;
  }

  public static void checkNamespace(Namespace namespace) {
    for (String level : namespace.levels()) {
      if (!isValidName(level)) {
        throw new IllegalArgumentException(
            "Invalid namespace: "
                + namespace
                + " (levels must be 1 to 1024 characters without control characters, and not '.'"
                + " or '..')");
      }
    }
  }

  public static void checkIdentifier(TableIdentifier identifier) {
    checkNamespace(identifier.namespace());
    if (!isValidName(identifier.name())) {
      throw new IllegalArgumentException(
          "Invalid name: '"
              + identifier.name()
              + "' (names must be 1 to 1024 characters without control characters, and not '.'"
              + " or '..')");
    }
  }
}
