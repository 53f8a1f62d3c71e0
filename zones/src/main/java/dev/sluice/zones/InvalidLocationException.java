package dev.sluice.zones;

/** A storage location that cannot be trusted: malformed, ambiguous or escaping with {@code ..}. */
public class InvalidLocationException extends IllegalArgumentException {
  private final String location;

  public InvalidLocationException(String location, String reason) {
    super("Invalid storage location " + quote(location) + ": " + reason);
    this.location = location;
  }

  /** The location as it was given. */
  public String location() {
    return location;
  }

  static String quote(String location) {
    if (location == null) {
      return "null";
    }
    String shown = location.length() > 512 ? location.substring(0, 509) + "..." : location;
    StringBuilder out = new StringBuilder("'");
    for (char c : shown.toCharArray()) {
      out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : c);
    }
    return out.append('\'').toString();
  }
}
