package dev.sluice.catalog.lineage;

import dev.sluice.lineage.DatasetId;
import java.net.URI;
import java.util.Locale;

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
}
