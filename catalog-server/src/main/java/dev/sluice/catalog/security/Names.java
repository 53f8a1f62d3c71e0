package dev.sluice.catalog.security;

import dev.sluice.policy.model.TableName;
import java.util.List;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Catalog identifiers as the policy names them: by their levels, never joined into a dotted string
 * and split again.
 */
public final class Names {
  private Names() {}

  public static TableName table(TableIdentifier identifier) {
    return new TableName(levels(identifier.namespace()), identifier.name());
  }

  public static List<String> levels(Namespace namespace) {
    return List.of(namespace.levels());
  }

  /** The text audit rows and messages use: levels holding a dot are quoted. */
  public static String text(Namespace namespace) {
    return namespace.isEmpty() ? "(root)" : TableName.text(levels(namespace));
  }

  public static String text(TableIdentifier identifier) {
    return identifier.namespace().isEmpty() ? identifier.name() : table(identifier).toString();
  }
}
