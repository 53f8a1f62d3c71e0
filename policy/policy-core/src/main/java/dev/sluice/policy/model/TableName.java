package dev.sluice.policy.model;

import static java.util.Objects.requireNonNull;

import dev.sluice.zones.NamespaceLevels;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A table or view as the catalog names it: namespace levels and a name. Decisions are asked about
 * these levels, never about a dotted string split again: table {@code lab.people} in namespace
 * {@code curated} is not table {@code people} in namespace {@code curated.lab}.
 *
 * <p>Its text form joins the parts with dots and double-quotes any part that holds a dot or a quote
 * ({@code curated."lab.people"}), so it reads back to the same levels.
 */
public record TableName(List<String> namespace, String name) implements Comparable<TableName> {

  public TableName {
    namespace = NamespaceLevels.check(namespace);
    requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a table name is empty");
    }
  }

  public static TableName of(List<String> namespace, String name) {
    return new TableName(namespace, name);
  }

  /**
   * Reads the text form: {@code raw.customers}, {@code silver.eu.orders}, {@code
   * curated."lab.people"}. Empty when it is not of that shape or has fewer than two parts.
   */
  public static Optional<TableName> parse(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>();
    StringBuilder part = new StringBuilder();
    int i = 0;
    while (i <= text.length()) {
      if (i < text.length() && text.charAt(i) == '"') {
        if (!part.isEmpty()) {
          return Optional.empty();
        }
        i++;
        while (true) {
          if (i >= text.length()) {
            return Optional.empty();
          }
          char c = text.charAt(i);
          if (c == '"') {
            if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
              part.append('"');
              i += 2;
              continue;
            }
            i++;
            break;
          }
          part.append(c);
          i++;
        }
        if (i < text.length() && text.charAt(i) != '.') {
          return Optional.empty();
        }
      }
      if (i == text.length() || text.charAt(i) == '.') {
        if (part.isEmpty()) {
          return Optional.empty();
        }
        parts.add(part.toString());
        part.setLength(0);
        i++;
        continue;
      }
      part.append(text.charAt(i));
      i++;
    }
    if (parts.size() < 2) {
      return Optional.empty();
    }
    return Optional.of(
        new TableName(parts.subList(0, parts.size() - 1), parts.get(parts.size() - 1)));
  }

  /**
   * @throws IllegalArgumentException when {@code text} is not a table name
   */
  public static TableName of(String text) {
    return parse(text)
        .orElseThrow(() -> new IllegalArgumentException("not a table name (ns.table): " + text));
  }

  /** Whether no part holds a dot, so the policy's dotted spelling names exactly this table. */
  public boolean isPlain() {
    return !name.contains(".") && namespace.stream().noneMatch(level -> level.contains("."));
  }

  /** The dotted spelling a policy file would use; only meaningful when {@link #isPlain()}. */
  public String dotted() {
    return String.join(".", namespace) + "." + name;
  }

  /** The namespace in text form. */
  public String namespaceText() {
    return text(namespace);
  }

  /** Namespace levels in text form, quoting levels that hold a dot or a quote. */
  public static String text(List<String> levels) {
    StringBuilder out = new StringBuilder();
    for (String level : levels) {
      if (!out.isEmpty()) {
        out.append('.');
      }
      out.append(quote(level));
    }
    return out.toString();
  }

  private static String quote(String part) {
    if (part.indexOf('.') < 0 && part.indexOf('"') < 0) {
      return part;
    }
    return '"' + part.replace("\"", "\"\"") + '"';
  }

  @Override
  public int compareTo(TableName other) {
    return toString().compareTo(other.toString());
  }

  @Override
  public String toString() {
    return text(namespace) + "." + quote(name);
  }
}
