package dev.sluice.policy.model;

import dev.sluice.zones.NamespaceLevels;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a grant covers: a table {@code ns.t}, every table directly in a namespace {@code ns.*},
 * every table below a namespace {@code ns.**}, or a glob on the table name {@code ns.courier_*}.
 * Policy names hold no dots within a level, so {@code levels} are the namespace's real levels and
 * patterns are matched against a table's levels, never against a dotted string.
 */
public record ResourcePattern(
    String text, Kind kind, String namespace, List<String> levels, Pattern tableGlob) {

  /** The four shapes a grant target may take. */
  public enum Kind {
    TABLE,
    NAMESPACE,
    SUBTREE,
    GLOB
  }

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_\\-]+(\\.[A-Za-z0-9_\\-]+)*");
  private static final Pattern LEVEL = Pattern.compile("[A-Za-z0-9_\\-]+");

  public ResourcePattern {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    levels = List.copyOf(levels);
  }

  public static Optional<ResourcePattern> parse(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    if (text.endsWith(".**")) {
      String ns = text.substring(0, text.length() - 3);
      return valid(ns) ? Optional.of(pattern(text, Kind.SUBTREE, ns, null)) : none();
    }
    int dot = text.lastIndexOf('.');
    if (dot <= 0) {
      return none();
    }
    String ns = text.substring(0, dot);
    String table = text.substring(dot + 1);
    if (!valid(ns)) {
      return none();
    }
    if (table.equals("*")) {
      return Optional.of(pattern(text, Kind.NAMESPACE, ns, null));
    }
    if (table.contains("*")) {
      String regex = Pattern.quote(table).replace("*", "\\E.*\\Q");
      return LEVEL.matcher(table.replace("*", "x")).matches()
          ? Optional.of(pattern(text, Kind.GLOB, ns, Pattern.compile(regex)))
          : none();
    }
    return LEVEL.matcher(table).matches()
        ? Optional.of(pattern(text, Kind.TABLE, ns, null))
        : none();
  }

  private static ResourcePattern pattern(String text, Kind kind, String ns, Pattern glob) {
    return new ResourcePattern(text, kind, ns, NamespaceLevels.parseDotted(ns).orElseThrow(), glob);
  }

  /** The table a {@link Kind#TABLE} pattern names. */
  public TableName table() {
    if (kind != Kind.TABLE) {
      throw new IllegalStateException(text + " is not a table");
    }
    return new TableName(levels, text.substring(text.lastIndexOf('.') + 1));
  }

  public boolean matches(TableName table) {
    return switch (kind) {
      case TABLE -> levels.equals(table.namespace()) && table.name().equals(tableName());
      case NAMESPACE -> levels.equals(table.namespace());
      case SUBTREE -> NamespaceLevels.isSameOrBelow(table.namespace(), levels);
      case GLOB -> levels.equals(table.namespace()) && tableGlob.matcher(table.name()).matches();
    };
  }

  /** Whether the pattern covers the namespace itself (a grant on {@code ns.*} or {@code ns.**}). */
  public boolean coversNamespace(List<String> namespace) {
    return switch (kind) {
      case NAMESPACE -> levels.equals(namespace);
      case SUBTREE -> NamespaceLevels.isSameOrBelow(namespace, levels);
      case TABLE, GLOB -> false;
    };
  }

  private String tableName() {
    return text.substring(text.lastIndexOf('.') + 1);
  }

  private static boolean valid(String name) {
    return NAME.matcher(name).matches();
  }

  private static Optional<ResourcePattern> none() {
    return Optional.empty();
  }

  @Override
  public String toString() {
    return text;
  }
}
