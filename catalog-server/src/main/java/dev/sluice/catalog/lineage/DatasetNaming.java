package dev.sluice.catalog.lineage;

import dev.sluice.lineage.DatasetId;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * OpenLineage names for Iceberg tables, from their location, as engines' integrations name them:
 * {@code s3://bucket/warehouse/ns/t} is namespace {@code s3://bucket}, name {@code warehouse/ns/t};
 * a local {@code file:/data/ns/t} is namespace {@code file}, name {@code /data/ns/t}.
 */
public final class DatasetNaming {
  private DatasetNaming() {}

  public static DatasetId forLocation(String location) {
    URI uri = URI.create(location.replace(" ", "%20"));
    String scheme = uri.getScheme() == null ? "file" : uri.getScheme().toLowerCase(Locale.ROOT);
    String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
    if (scheme.equals("file")) {
      return new DatasetId("file", path);
    }
    if (scheme.equals("s3a") || scheme.equals("s3n")) {
      scheme = "s3";
    }
    String name = path.startsWith("/") ? path.substring(1) : path;
    return new DatasetId(scheme + "://" + uri.getAuthority(), name);
  }

  /**
   * The storage location a dataset names, the inverse of {@link #forLocation}; empty when its
   * namespace is no storage scheme and bucket (a Kafka cluster, a database, ...).
   */
  public static Optional<String> locationOf(DatasetId dataset) {
    String namespace = dataset.namespace();
    String name = dataset.name();
    if (namespace.equalsIgnoreCase("file")) {
      return Optional.of("file:" + (name.startsWith("/") ? name : "/" + name));
    }
    if (!namespace.contains("://")) {
      return Optional.empty();
    }
    String base =
        namespace.endsWith("/") ? namespace.substring(0, namespace.length() - 1) : namespace;
    return Optional.of(base + (name.startsWith("/") ? name : "/" + name));
  }

  /**
   * The dataset namespace of a location's scheme and bucket, spelled as {@link #forLocation} spells
   * it: {@code file}, or {@code s3://bucket} (also for {@code s3a://} and {@code s3n://}).
   */
  public static String namespaceOf(String scheme, String authority) {
    String lower = scheme.toLowerCase(Locale.ROOT);
    if (lower.equals("file")) {
      return "file";
    }
    if (lower.equals("s3a") || lower.equals("s3n")) {
      lower = "s3";
    }
    return lower + "://" + authority;
  }

  /** {@link #namespaceOf} for a dataset namespace as a producer wrote it. */
  static String normalizedNamespace(String namespace) {
    int separator = namespace.indexOf("://");
    if (separator < 0) {
      return namespace.equalsIgnoreCase("file") ? "file" : namespace;
    }
    String authority = namespace.substring(separator + 3);
    int slash = authority.indexOf('/');
    return namespaceOf(
        namespace.substring(0, separator), slash < 0 ? authority : authority.substring(0, slash));
  }
}
