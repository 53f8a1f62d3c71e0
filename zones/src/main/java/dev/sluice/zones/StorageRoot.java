package dev.sluice.zones;

import static java.util.Objects.requireNonNull;

/**
 * A storage prefix that locations must sit under, such as {@code s3://lake/raw/} or {@code
 * file:/var/lib/sluice/warehouse/}. Containment is decided on canonical locations and segment
 * boundaries (see {@link StorageLocation}).
 */
public record StorageRoot(StorageLocation location) {

  public StorageRoot {
    requireNonNull(location, "location");
  }

  /**
   * @throws InvalidLocationException when {@code location} is not a valid root
   */
  public static StorageRoot of(String location) {
    return new StorageRoot(StorageLocation.parse(location));
  }

  /** Whether {@code candidate} is this root or lies below it; an invalid location never is. */
  public boolean contains(String candidate) {
    try {
      return contains(StorageLocation.parse(candidate));
    } catch (InvalidLocationException e) {
      return false;
    }
  }

  public boolean contains(StorageLocation candidate) {
    return candidate.isWithin(location);
  }

  /** The default location of a child path below this root, e.g. {@code ns1/ns2/table}. */
  public String resolve(String relativePath) {
    return location.resolve(relativePath).canonical();
  }

  /** The root as shown to people: canonical, with a trailing slash. */
  public String display() {
    return location.canonical() + "/";
  }

  @Override
  public String toString() {
    return display();
  }
}
