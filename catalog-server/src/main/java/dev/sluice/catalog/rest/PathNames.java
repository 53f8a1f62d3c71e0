package dev.sluice.catalog.rest;

import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTUtil;

/** Decodes namespaces and names exactly as Iceberg clients encode them in paths and queries. */
final class PathNames {
  static final String SEPARATOR = "%1F";

  private PathNames() {}

  static Namespace namespace(String encoded) {
    if (encoded == null || encoded.isEmpty()) {
      throw new IllegalArgumentException("Invalid namespace: empty");
    }
    Namespace namespace = RESTUtil.decodeNamespace(encoded, SEPARATOR);
    dev.sluice.catalog.catalog.Identifiers.checkNamespace(namespace);
    return namespace;
  }

  static Namespace parent(String parent) {
    if (parent == null || parent.isEmpty()) {
      return Namespace.empty();
    }
    Namespace namespace = RESTUtil.namespaceFromQueryParam(parent);
    dev.sluice.catalog.catalog.Identifiers.checkNamespace(namespace);
    return namespace;
  }

  static TableIdentifier identifier(String encodedNamespace, String encodedName) {
    TableIdentifier identifier =
        TableIdentifier.of(namespace(encodedNamespace), RESTUtil.decodeString(encodedName));
    dev.sluice.catalog.catalog.Identifiers.checkIdentifier(identifier);
    return identifier;
  }
}
