package dev.sluice.policy.model;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a grant covers: a table {@code ns.t}, every table directly in a namespace {@code ns.*},
 * every table below a namespace {@code ns.**}, or a glob on the table name {@code ns.courier_*}.
 */
public record ResourcePattern(String text, Kind kind, String namespace, Pattern tableGlob) {

  /** The four shapes a grant target may take. */
  public enum Kind {
    TABLE,
    NAMESPACE,
    SUBTREE,
    GLOB
  }

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_\\-]+(\\.[A-Za-z0-9_\\-]+)*");

  public ResourcePattern {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
  }

  public static Optional<ResourcePattern> parse(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    if (text.endsWith(".**")) {
      String ns = text.substring(0, text.length() - 3);
      return valid(ns) ? Optional.of(new ResourcePattern(text, Kind.SUBTREE, ns, null)) : none();
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
      return Optional.of(new ResourcePattern(text, Kind.NAMESPACE, ns, null));
    }
    if (table.contains("*")) {
      String regex = Pattern.quote(table).replace("*", "\\E.*\\Q");
      return valid(table.replace("*", "x"))
          ? Optional.of(new ResourcePattern(text, Kind.GLOB, ns, Pattern.compile(regex)))
          : none();
    }
    return valid(table) ? Optional.of(new ResourcePattern(text, Kind.TABLE, ns, null)) : none();
  }

  public boolean matches(String table) {
    String ns = Dataset.namespaceOf(table);
    return switch (kind) {
      case TABLE -> text.equals(table);
      case NAMESPACE -> namespace.equals(ns);
      case SUBTREE -> ns.equals(namespace) || ns.startsWith(namespace + ".");
      case GLOB ->
          namespace.equals(ns)
              && tableGlob.matcher(table.substring(table.lastIndexOf('.') + 1)).matches();
    };
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
