package dev.sluice.zones;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A storage location in canonical form: scheme, authority (the bucket; empty for {@code file:}) and
 * path segments. Every location the server writes, reads or deletes is judged in this form.
 *
 * <p>Storage layers disagree on what a path means: S3 takes a key literally, a local file system
 * percent-decodes it and resolves {@code ..}. A location is therefore accepted only when every
 * reading of it agrees: the path is checked as written and fully percent-decoded (in any case and
 * any depth of encoding), and neither reading may hold a {@code .} or {@code ..} segment, a
 * backslash or a control character. Containment ({@link #isWithin}) must hold for both readings.
 */
public final class StorageLocation {
  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");
  private static final int MAX_DECODE_ROUNDS = 4;
  private static final int MAX_LENGTH = 4096;

  private final String scheme;
  private final String authority;
  private final List<String> segments;
  private final List<String> decodedSegments;

  private StorageLocation(
      String scheme, String authority, List<String> segments, List<String> decodedSegments) {
    this.scheme = scheme;
    this.authority = authority;
    this.segments = List.copyOf(segments);
    this.decodedSegments = List.copyOf(decodedSegments);
  }

  /**
   * Parses a location such as {@code s3://lake/raw/t}, {@code file:/data/t} or {@code /data/t}.
   *
   * @throws InvalidLocationException when it is malformed or could mean more than one place
   */
  public static StorageLocation parse(String location) {
    if (location == null || location.isEmpty()) {
      throw new InvalidLocationException(location, "empty");
    }
    if (location.length() > MAX_LENGTH) {
      throw new InvalidLocationException(location, "longer than " + MAX_LENGTH + " characters");
    }
    if (!location.equals(location.strip())) {
      throw new InvalidLocationException(location, "leading or trailing white space");
    }
    checkCharacters(location, location);
    if (location.indexOf('?') >= 0 || location.indexOf('#') >= 0) {
      throw new InvalidLocationException(location, "a query or fragment ('?', '#') is not allowed");
    }
    String rest = location;
    String scheme;
    if (rest.startsWith("/")) {
      scheme = "file";
    } else {
      int colon = rest.indexOf(':');
      if (colon <= 0 || !SCHEME.matcher(rest.substring(0, colon)).matches()) {
        throw new InvalidLocationException(location, "no scheme (expected s3://, file:, ...)");
      }
      scheme = rest.substring(0, colon);
      if (!scheme.equals(scheme.toLowerCase(Locale.ROOT))) {
        // storage clients do not all read schemes case-insensitively: FILE:/x can be a relative
        // path
        throw new InvalidLocationException(location, "the scheme must be lower-case");
      }
      rest = rest.substring(colon + 1);
    }
    if (scheme.equals("s3a") || scheme.equals("s3n")) {
      scheme = "s3"; // the same buckets through other connectors' names
    }
    String authority = "";
    String path;
    if (rest.startsWith("//")) {
      int slash = rest.indexOf('/', 2);
      authority = slash < 0 ? rest.substring(2) : rest.substring(2, slash);
      path = slash < 0 ? "" : rest.substring(slash);
    } else {
      path = rest;
    }
    if (scheme.equals("file")) {
      if (!authority.isEmpty() && !authority.equalsIgnoreCase("localhost")) {
        throw new InvalidLocationException(
            location, "a file: location names no host (got '" + authority + "')");
      }
      authority = "";
      if (!path.startsWith("/")) {
        throw new InvalidLocationException(location, "a file: location must be absolute");
      }
    } else {
      if (authority.isEmpty()) {
        throw new InvalidLocationException(location, "no bucket or host after " + scheme + "://");
      }
      if (!authority.matches("[A-Za-z0-9._-]+")) {
        throw new InvalidLocationException(
            location, "the bucket '" + authority + "' holds characters a bucket name cannot");
      }
    }
    List<String> literal = segments(location, path, false);
    List<String> decoded = segments(location, decode(location, path), true);
    return new StorageLocation(scheme, authority, literal, decoded);
  }

  public String scheme() {
    return scheme;
  }

  /** The bucket or host; empty for {@code file:}. */
  public String authority() {
    return authority;
  }

  /** Path segments as written (empty segments from repeated slashes dropped). */
  public List<String> segments() {
    return segments;
  }

  /**
   * Whether this location is {@code root} or lies below it, on segment boundaries: {@code
   * s3://lake/raw} holds {@code s3://lake/raw/t} but not {@code s3://lake/raw-x/t}. Scheme and
   * bucket must match exactly (bucket names are case-sensitive here). Both readings of the path
   * must lie below the root.
   */
  public boolean isWithin(StorageLocation root) {
    requireNonNull(root, "root");
    return scheme.equals(root.scheme)
        && authority.equals(root.authority)
        && startsWith(segments, root.segments)
        && startsWith(decodedSegments, root.decodedSegments);
  }

  /** Whether this location lies strictly below {@code root}. */
  public boolean isStrictlyWithin(StorageLocation root) {
    return isWithin(root) && segments.size() > root.segments.size();
  }

  /** Whether one of the two holds the other: two tables may not share files. */
  public boolean overlaps(StorageLocation other) {
    return isWithin(other) || other.isWithin(this);
  }

  /** The canonical spelling: {@code s3://lake/raw/t}, {@code file:/data/t}; no trailing slash. */
  public String canonical() {
    return spell(segments);
  }

  /**
   * The fully decoded canonical spelling: what a file system would make of the location. Two
   * tables' locations are compared in this form, the one that merges the most spellings.
   */
  public String key() {
    return spell(decodedSegments);
  }

  /** The {@link #key()} of this location and of each of its ancestors, root first. */
  public List<String> keyAndAncestors() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i <= decodedSegments.size(); i++) {
      keys.add(spell(decodedSegments.subList(0, i)));
    }
    return keys;
  }

  private String spell(List<String> path) {
    String joined = "/" + String.join("/", path);
    return scheme.equals("file") ? "file:" + joined : scheme + "://" + authority + joined;
  }

  /** A child location, e.g. {@code resolve("ns/t")}; the result is parsed and checked again. */
  public StorageLocation resolve(String relative) {
    requireNonNull(relative, "relative");
    String child = relative.startsWith("/") ? relative.substring(1) : relative;
    String base = canonical();
    return parse(base.endsWith("/") ? base + child : base + "/" + child);
  }

  private static boolean startsWith(List<String> path, List<String> prefix) {
    return path.size() >= prefix.size() && path.subList(0, prefix.size()).equals(prefix);
  }

  private static List<String> segments(String location, String path, boolean decoded) {
    List<String> out = new ArrayList<>();
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty()) {
        continue;
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw new InvalidLocationException(
            location,
            "the path holds a '"
                + segment
                + "' segment"
                + (decoded ? " once percent-decoded" : "")
                + "; paths must not walk up or around");
      }
      out.add(segment);
    }
    return out;
  }

  /** Decodes percent-escapes until none is left, so {@code %252e} and {@code %2E} count too. */
  private static String decode(String location, String path) {
    String current = path;
    for (int round = 0; round < MAX_DECODE_ROUNDS; round++) {
      if (current.indexOf('%') < 0) {
        return current;
      }
      String next = decodeOnce(location, current);
      checkCharacters(location, next);
      if (next.equals(current)) {
        return current;
      }
      current = next;
    }
    if (current.indexOf('%') >= 0) {
      throw new InvalidLocationException(location, "percent-encoded more deeply than plausible");
    }
    return current;
  }

  private static String decodeOnce(String location, String text) {
    try {
      return PercentDecoding.decodeOnce(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidLocationException(location, e.getMessage());
    }
  }

  private static void checkCharacters(String location, String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        throw new InvalidLocationException(location, "a control character");
      }
      if (c == '\\') {
        throw new InvalidLocationException(location, "a backslash");
      }
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof StorageLocation that
        && scheme.equals(that.scheme)
        && authority.equals(that.authority)
        && segments.equals(that.segments)
        && decodedSegments.equals(that.decodedSegments);
  }

  @Override
  public int hashCode() {
    return canonical().hashCode();
  }

  @Override
  public String toString() {
    return canonical();
  }
}
