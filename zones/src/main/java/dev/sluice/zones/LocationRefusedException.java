package dev.sluice.zones;

/** A location the storage policy refuses, with the rule that refused it. */
public class LocationRefusedException extends IllegalArgumentException {
  public LocationRefusedException(String message) {
    super(message);
  }

  public LocationRefusedException(String message, Throwable cause) {
    super(message, cause);
  }
}
