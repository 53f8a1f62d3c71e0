package dev.sluice.policy.load;

import dev.sluice.policy.model.Origin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads one composed YAML document while recording shape errors (unknown keys, wrong types,
 * duplicate keys) at the node that caused them. Readers return null or empty on error so parsing
 * carries on and every error is reported.
 */
final class YamlFile {

  /** A mapping entry with the position of its key. */
  record Field(String key, Origin origin, Node value) {}

  private final String path;
  private final List<PolicyError> errors;

  YamlFile(String path, List<PolicyError> errors) {
    this.path = path;
    this.errors = errors;
  }

  String path() {
    return path;
  }

  Origin at(Node node) {
    var mark = node.getStartMark();
    return new Origin(path, mark.getLine() + 1, mark.getColumn() + 1);
  }

  Origin start() {
    return new Origin(path, 1, 1);
  }

  void error(Origin origin, String message) {
    errors.add(new PolicyError(origin, message));
  }

  static boolean isNull(Node node) {
    return node == null || (node instanceof ScalarNode && node.getTag().equals(Tag.NULL));
  }

  /**
   * The entries of a mapping in file order. Keys outside {@code allowed} are reported (pass null to
   * accept any key); a null node reads as an empty mapping.
   */
  Map<String, Field> fields(Node node, String what, Set<String> allowed) {
    Map<String, Field> fields = new LinkedHashMap<>();
    if (isNull(node)) {
      return fields;
    }
    if (!(node instanceof MappingNode mapping)) {
      error(at(node), what + " must be a mapping");
      return fields;
    }
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      if (!(keyNode instanceof ScalarNode scalarKey) || isNull(keyNode)) {
        error(at(keyNode), "keys in " + what + " must be plain names");
        continue;
      }
      String key = scalarKey.getValue();
      Origin origin = at(keyNode);
      if (allowed != null && !allowed.contains(key)) {
        error(
            origin,
            "unknown key '" + key + "' in " + what + " (expected one of: " + sorted(allowed) + ")");
        continue;
      }
      Field previous = fields.get(key);
      if (previous != null) {
        error(
            origin,
            "duplicate key '" + key + "' in " + what + " (first at " + previous.origin + ")");
        continue;
      }
      fields.put(key, new Field(key, origin, tuple.getValueNode()));
    }
    return fields;
  }

  /** A scalar's text; null (with an error) for mappings and sequences, null for YAML null. */
  String text(Node node, String what) {
    if (isNull(node)) {
      return null;
    }
    if (!(node instanceof ScalarNode scalar)) {
      error(at(node), what + " must be a single value");
      return null;
    }
    String value = scalar.getValue().trim();
    if (value.isEmpty()) {
      error(at(node), what + " must not be empty");
      return null;
    }
    return value;
  }

  String text(Map<String, Field> fields, String key, String what) {
    Field field = fields.get(key);
    return field == null ? null : text(field.value(), what + " " + key);
  }

  /** The items of a sequence; a lone scalar reads as a one-item list. */
  List<Node> items(Node node, String what) {
    if (isNull(node)) {
      return List.of();
    }
    if (node instanceof SequenceNode sequence) {
      return sequence.getValue();
    }
    if (node instanceof ScalarNode) {
      return List.of(node);
    }
    error(at(node), what + " must be a list");
    return List.of();
  }

  List<Node> items(Map<String, Field> fields, String key, String what) {
    Field field = fields.get(key);
    return field == null ? List.of() : items(field.value(), what + " " + key);
  }

  /** Texts of a list, skipping (and reporting) items that are not scalars. */
  List<Located> texts(Map<String, Field> fields, String key, String what) {
    List<Located> texts = new ArrayList<>();
    for (Node item : items(fields, key, what)) {
      String value = text(item, what + " " + key + " item");
      if (value != null) {
        texts.add(new Located(value, at(item)));
      }
    }
    return texts;
  }

  /** A value and where it was written. */
  record Located(String value, Origin origin) {}

  private static String sorted(Set<String> keys) {
    return String.join(", ", new TreeSet<>(keys));
  }
}
