package dev.sluice.contracts;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * A schema's fields by id, nested ones (struct fields, list elements, map keys and values)
 * included, in schema order, with their dotted names and parents. Ids, not names, say which field
 * is which across two schemas, so a rename is seen as one.
 */
final class SchemaFields {

  private final Schema schema;
  private final Map<Integer, Types.NestedField> byId = new LinkedHashMap<>();
  private final Map<Integer, Integer> parents = new HashMap<>();

  private SchemaFields(Schema schema) {
    this.schema = schema;
    index(schema.asStruct(), null);
  }

  static SchemaFields of(Schema schema) {
    return new SchemaFields(schema);
  }

  private void index(Type type, Integer parent) {
    if (!type.isNestedType()) {
      return;
    }
    for (Types.NestedField field : type.asNestedType().fields()) {
      byId.put(field.fieldId(), field);
      if (parent != null) {
        parents.put(field.fieldId(), parent);
      }
      index(field.type(), field.fieldId());
    }
  }

  Collection<Integer> ids() {
    return Collections.unmodifiableSet(byId.keySet());
  }

  /** The field with this id, or null when the schema has none. */
  Types.NestedField field(int id) {
    return byId.get(id);
  }

  boolean has(int id) {
    return byId.containsKey(id);
  }

  /** The dotted name: {@code address.zip}, {@code tags.element}, {@code attrs.value}. */
  String name(int id) {
    return schema.findColumnName(id);
  }

  /** The id of the enclosing field, or null for a top-level field. */
  Integer parent(int id) {
    return parents.get(id);
  }

  /**
   * The field a contract names, by its dotted name: the exact spelling first, then ignoring case,
   * as engines such as Trino lower-case the names they create. Null when there is none.
   */
  static Types.NestedField find(Schema schema, String name) {
    if (schema == null) {
      return null;
    }
    Types.NestedField exact = schema.findField(name);
    if (exact != null) {
      return exact;
    }
    try {
      return schema.caseInsensitiveFindField(name);
    } catch (IllegalArgumentException e) {
      return null; // names that differ only in case: no field is the one meant
    }
  }

  /** True when {@code name} is {@code ancestor} or a field nested in it, ignoring case. */
  static boolean within(String name, String ancestor) {
    String n = name.toLowerCase(Locale.ROOT);
    String a = ancestor.toLowerCase(Locale.ROOT);
    return n.equals(a) || n.startsWith(a + ".");
  }
}
