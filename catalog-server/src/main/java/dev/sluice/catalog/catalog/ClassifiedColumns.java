package dev.sluice.catalog.catalog;

import dev.sluice.catalog.security.CatalogAuthorizer;
import dev.sluice.catalog.security.Names;
import dev.sluice.policy.model.TableName;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.iceberg.MetadataUpdate;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.types.TypeUtil;

/**
 * Refuses columns a zone may not hold: a new column classified (by a tag property or a name rule)
 * with a classification the zone forbids. Applies to every writer, administrators included: it is a
 * rule about the data, not about who writes it.
 */
final class ClassifiedColumns {
  /** Table property that tags a column: {@code sluice.classification.<column>=pii.direct}. */
  static final String TAG_PREFIX = "sluice.classification.";

  private final Function<TableIdentifier, Table> tables;
  private final CatalogAuthorizer authorizer;

  /** {@code tables} loads a table as it is before the change being judged. */
  ClassifiedColumns(Function<TableIdentifier, Table> tables, CatalogAuthorizer authorizer) {
    this.tables = tables;
    this.authorizer = authorizer;
  }

  void checkCreate(
      String operation, TableIdentifier table, Schema schema, Map<String, String> properties) {
    if (schema == null) {
      return;
    }
    check(operation, table, names(schema), properties);
  }

  /** Every column of every schema of a registered table: time travel reads old ones too. */
  void checkRegistered(String operation, TableIdentifier table, TableMetadata metadata) {
    Set<String> columns = new TreeSet<>();
    metadata.schemas().forEach(schema -> columns.addAll(names(schema)));
    check(operation, table, columns, metadata.properties());
  }

  void checkUpdates(String operation, TableIdentifier table, List<MetadataUpdate> updates) {
    Set<String> added = new TreeSet<>();
    Map<String, String> tags = new HashMap<>();
    for (MetadataUpdate update : updates) {
      if (update instanceof MetadataUpdate.AddSchema schema) {
        added.addAll(names(schema.schema()));
      } else if (update instanceof MetadataUpdate.SetProperties properties) {
        properties.updated().forEach((key, value) -> tags.put(key, value));
      }
    }
    if (added.isEmpty() && tags.keySet().stream().noneMatch(k -> k.startsWith(TAG_PREFIX))) {
      return;
    }
    Set<String> candidates = new TreeSet<>(added);
    Map<String, String> effective = new HashMap<>();
    try {
      Table current = tables.apply(table);
      candidates.removeAll(names(current.schema()));
      effective.putAll(current.properties());
    } catch (NoSuchTableException e) {
      // the create step of a staged create: every column is new
    }
    effective.putAll(tags);
    // a newly tagged column is judged like a new one
    tags.keySet().stream()
        .filter(k -> k.startsWith(TAG_PREFIX))
        .map(k -> k.substring(TAG_PREFIX.length()))
        .forEach(candidates::add);
    check(operation, table, candidates, effective);
  }

  private void check(
      String operation,
      TableIdentifier table,
      Set<String> columns,
      Map<String, String> properties) {
    if (authorizer.decisions().active().isEmpty()) {
      return;
    }
    String name = Names.text(table);
    TableName policyName = Names.table(table);
    for (String column : columns) {
      String leaf = column.substring(column.lastIndexOf('.') + 1);
      Optional<String> refusal =
          authorizer
              .decisions()
              .refuseNewColumn(policyName, leaf, properties.get(TAG_PREFIX + column));
      if (refusal.isPresent()) {
        authorizer.refuse(operation, name, refusal.get());
      }
    }
  }

  private static Set<String> names(Schema schema) {
    return new TreeSet<>(TypeUtil.indexByName(schema.asStruct()).keySet());
  }
}
