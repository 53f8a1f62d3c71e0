package dev.sluice.policy.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A table ({@code namespace.table}) with its owner, column rules, consent, retention, row filters
 * and free tags. {@code domain} names the domain file that declared it, or is null for global
 * files.
 */
public record Dataset(
    String name,
    String owner,
    String domain,
    Map<String, ColumnPolicy> columns,
    Consent consent,
    Retention retention,
    List<RowFilter> rowFilters,
    Map<String, String> tags,
    Origin origin) {

  public Dataset {
    Objects.requireNonNull(name, "name");
    columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    rowFilters = List.copyOf(rowFilters);
    tags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    Objects.requireNonNull(origin, "origin");
  }

  public String namespace() {
    return namespaceOf(name);
  }

  public Optional<ColumnPolicy> column(String column) {
    return Optional.ofNullable(columns.get(column));
  }

  /** Everything before the last dot: {@code a.b} for {@code a.b.table}. */
  public static String namespaceOf(String table) {
    int dot = table.lastIndexOf('.');
    return dot < 0 ? "" : table.substring(0, dot);
  }
}
