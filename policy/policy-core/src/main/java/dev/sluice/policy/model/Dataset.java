package dev.sluice.policy.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A table ({@code namespace.table}) with its owner, column rules, consent, retention, row filters,
 * free tags and its contract (null when it declares none). {@code domain} names the domain file
 * that declared it, or is null for global files.
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
    Contract contract,
    Origin origin) {

  public Dataset {
    Objects.requireNonNull(name, "name");
    columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    rowFilters = List.copyOf(rowFilters);
    tags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    Objects.requireNonNull(origin, "origin");
  }

  /** The table the dataset describes. */
  public TableName table() {
    return TableName.of(name);
  }

  /** The namespace in the policy's dotted spelling. */
  public String namespace() {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(0, dot);
  }

  public Optional<ColumnPolicy> column(String column) {
    return Optional.ofNullable(columns.get(column));
  }
}
