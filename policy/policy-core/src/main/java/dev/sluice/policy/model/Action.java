package dev.sluice.policy.model;

import java.util.Locale;
import java.util.Optional;

/** What a principal wants to do with a table. {@code admin} implies write and read. */
public enum Action {
  READ,
  WRITE,
  ADMIN;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Action> parse(String text) {
    for (Action action : values()) {
      if (action.key().equals(text)) {
        return Optional.of(action);
      }
    }
    return Optional.empty();
  }
}
