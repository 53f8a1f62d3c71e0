package dev.sluice.policy.model;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Who a rule names: {@code user:alice}, {@code client:ingest}, {@code group:analysts} or {@code
 * role:admin}.
 */
public record Subject(Kind kind, String name) implements Comparable<Subject> {

  /** The four kinds of name a rule may use. */
  public enum Kind {
    USER,
    CLIENT,
    GROUP,
    ROLE;

    public String prefix() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Subject {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("subject name is blank");
    }
  }

  /** Parses {@code kind:name}; empty when the text is not of that shape. */
  public static Optional<Subject> parse(String text) {
    int colon = text == null ? -1 : text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      return Optional.empty();
    }
    String prefix = text.substring(0, colon);
    for (Kind kind : Kind.values()) {
      if (kind.prefix().equals(prefix)) {
        return Optional.of(new Subject(kind, text.substring(colon + 1)));
      }
    }
    return Optional.empty();
  }

  public static Subject of(String text) {
    return parse(text)
        .orElseThrow(() -> new IllegalArgumentException("not a subject (kind:name): " + text));
  }

  @Override
  public int compareTo(Subject other) {
    return toString().compareTo(other.toString());
  }

  @Override
  public String toString() {
    return kind.prefix() + ":" + name;
  }
}
