package dev.sluice.catalog.persistence;

import java.util.Arrays;
import org.apache.iceberg.catalog.Namespace;

/**
 * Encodes namespaces as one column value. Levels are joined by the ASCII unit separator, which
 * identifier validation refuses in names, so the encoding is unambiguous and dots stay legal.
 */
public final class NamespaceNames {
  public static final String SEPARATOR = "\u001f";

  private NamespaceNames() {}

  public static String encode(Namespace namespace) {
    return String.join(SEPARATOR, namespace.levels());
  }

  public static Namespace decode(String encoded) {
    if (encoded == null || encoded.isEmpty()) {
      return Namespace.empty();
    }
    return Namespace.of(encoded.split(SEPARATOR, -1));
  }

  public static String parentOf(Namespace namespace) {
    if (namespace.length() <= 1) {
      return null;
    }
    return encode(Namespace.of(Arrays.copyOf(namespace.levels(), namespace.length() - 1)));
  }
}
