package dev.sluice.zones;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A storage prefix that table locations must sit under, such as {@code s3://lake/raw/} or {@code
 * file:/var/lib/sluice/warehouse/}.
 *
 * <p>Containment is decided on normalised URIs, so {@code s3://lake/raw/../curated/t} is not inside
 * {@code s3://lake/raw/} and {@code s3://lake/rawdata/t} is not inside {@code s3://lake/raw}.
 */
public record StorageRoot(String location) {

  public StorageRoot {
    requireNonNull(location, "location is null");
    location = normalize(location);
    if (!location.endsWith("/")) {
      location = location + "/";
    }
  }

  /** Whether {@code candidate} equals this root or lies below it. */
  public boolean contains(String candidate) {
    String normalized;
    try {
      normalized = normalize(candidate);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return normalized.equals(location.substring(0, location.length() - 1))
        || normalized.startsWith(location);
  }

  /** The default location of a child path below this root, e.g. {@code ns1/ns2/table}. */
  public String resolve(String relativePath) {
    requireNonNull(relativePath, "relativePath is null");
    String child = relativePath.startsWith("/") ? relativePath.substring(1) : relativePath;
    return location + child;
  }

  static String normalize(String location) {
    if (location.isBlank()) {
      throw new IllegalArgumentException("Invalid storage location: blank");
    }
    String trimmed = location.strip();
    // local paths without a scheme are files
    if (trimmed.startsWith("/")) {
      trimmed = "file:" + trimmed;
    }
    URI uri;
    try {
      uri = new URI(trimmed.replace(" ", "%20"));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("Invalid storage location: " + location, e);
    }
    if (uri.getScheme() == null) {
      throw new IllegalArgumentException("Invalid storage location (no scheme): " + location);
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    String path = uri.normalize().getRawPath();
    if (path == null || path.contains("/../") || path.endsWith("/..") || path.startsWith("..")) {
      throw new IllegalArgumentException("Invalid storage location: " + location);
    }
    // "file:/x", "file:///x" and "file://host/x" collapse to one spelling
    String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
    if (scheme.equals("file")) {
      return "file:" + path.replaceAll("/+$", "");
    }
    if (scheme.equals("s3a") || scheme.equals("s3n")) {
      scheme = "s3";
    }
    return scheme + "://" + authority + path.replaceAll("/+$", "");
  }
}
