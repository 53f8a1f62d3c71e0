package dev.sluice.policy.load;

import dev.sluice.policy.load.YamlFile.Field;
import dev.sluice.policy.load.YamlFile.Located;
import dev.sluice.policy.model.ColumnType;
import dev.sluice.policy.model.Compatibility;
import dev.sluice.policy.model.Contract;
import dev.sluice.policy.model.ContractField;
import dev.sluice.policy.model.ContractSeverity;
import dev.sluice.policy.model.ContractValues;
import dev.sluice.policy.model.Durations;
import dev.sluice.policy.model.Origin;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads a {@code contract:} block of a dataset or a zone. Every value is checked where it is
 * written, so a typo in a bound or a mode is an error at its line rather than a contract that
 * silently checks nothing.
 */
final class ContractParser {

  private static final Set<String> CONTRACT_KEYS =
      Set.of(
          "producer",
          "consumers",
          "compatibility",
          "severity",
          "fields",
          "partition-fields",
          "completeness",
          "freshness",
          "description");
  private static final Set<String> FIELD_KEYS =
      Set.of("type", "nullable", "valid-range", "valid-values", "description");
  private static final Set<String> RANGE_KEYS = Set.of("min", "max");
  private static final Set<String> FRESHNESS_KEYS = Set.of("max-staleness", "description");

  private final YamlFile yaml;

  ContractParser(YamlFile yaml) {
    this.yaml = yaml;
  }

  /** {@code owner} names the dataset or zone in messages ("dataset 'silver.orders'"). */
  Contract parse(String owner, Field entry) {
    String what = owner + " contract";
    Map<String, Field> f = yaml.fields(entry.value(), what, CONTRACT_KEYS);
    Compatibility compatibility = null;
    String mode = yaml.text(f, "compatibility", what);
    if (mode != null) {
      compatibility = Compatibility.parse(mode).orElse(null);
      if (compatibility == null) {
        yaml.error(
            yaml.at(f.get("compatibility").value()),
            what
                + " compatibility '"
                + mode
                + "' is not one of: "
                + Arrays.stream(Compatibility.values())
                    .map(Compatibility::spelling)
                    .collect(Collectors.joining(", ")));
      }
    }
    ContractSeverity severity = null;
    String severityText = yaml.text(f, "severity", what);
    if (severityText != null) {
      severity = ContractSeverity.parse(severityText).orElse(null);
      if (severity == null) {
        yaml.error(
            yaml.at(f.get("severity").value()),
            what + " severity '" + severityText + "' is not one of: error, warning");
      }
    }
    Map<String, ContractField> fields = new LinkedHashMap<>();
    Field fieldsField = f.get("fields");
    if (fieldsField != null) {
      for (Field field : yaml.fields(fieldsField.value(), what + " fields", null).values()) {
        fields.put(field.key(), field(what, field));
      }
    }
    List<String> partitionFields = new ArrayList<>();
    for (Located name : yaml.texts(f, "partition-fields", what)) {
      if (!partitionFields.contains(name.value())) {
        partitionFields.add(name.value());
      }
    }
    List<String> consumers = new ArrayList<>();
    for (Located consumer : yaml.texts(f, "consumers", what)) {
      if (!consumers.contains(consumer.value())) {
        consumers.add(consumer.value());
      }
    }
    return new Contract(
        yaml.text(f, "producer", what),
        consumers,
        compatibility,
        severity,
        fields,
        partitionFields,
        completeness(what, f.get("completeness")),
        freshness(what, f.get("freshness")),
        entry.origin());
  }

  private ContractField field(String contract, Field entry) {
    String what = contract + " field '" + entry.key() + "'";
    Map<String, Field> f = yaml.fields(entry.value(), what, FIELD_KEYS);
    ColumnType type = null;
    String typeText = yaml.text(f, "type", what);
    if (typeText != null) {
      type = ColumnType.parse(typeText).orElse(null);
      if (type == null) {
        BundleParser.unknownType(yaml, new Located(typeText, yaml.at(f.get("type").value())));
      }
    }
    Boolean nullable = null;
    String nullableText = yaml.text(f, "nullable", what);
    if (nullableText != null) {
      switch (nullableText) {
        case "true" -> nullable = true;
        case "false" -> nullable = false;
        default ->
            yaml.error(
                yaml.at(f.get("nullable").value()),
                what + " nullable must be true or false, not '" + nullableText + "'");
      }
    }
    ColumnType.Family family = type == null ? null : type.family();
    String[] range = range(what, f.get("valid-range"), family);
    List<String> validValues = new ArrayList<>();
    for (Located value : yaml.texts(f, "valid-values", what)) {
      if (family != null && ContractValues.parse(family, value.value()).isEmpty()) {
        yaml.error(value.origin(), what + " valid-values '" + value.value() + "' is not a " + type);
        continue;
      }
      validValues.add(value.value());
    }
    if (f.containsKey("valid-values") && validValues.isEmpty()) {
      yaml.error(f.get("valid-values").origin(), what + " valid-values lists nothing");
    }
    return new ContractField(
        entry.key(), type, nullable, range[0], range[1], validValues, entry.origin());
  }

  /** {@code [min, max]} or {@code {min: .., max: ..}}; either end may be left open. */
  private String[] range(String what, Field field, ColumnType.Family family) {
    String[] bounds = new String[2];
    if (field == null) {
      return bounds;
    }
    String where = what + " valid-range";
    Node node = field.value();
    Node[] nodes = new Node[2];
    if (node instanceof MappingNode) {
      Map<String, Field> f = yaml.fields(node, where, RANGE_KEYS);
      nodes[0] = f.containsKey("min") ? f.get("min").value() : null;
      nodes[1] = f.containsKey("max") ? f.get("max").value() : null;
    } else {
      List<Node> items = yaml.items(node, where);
      if (items.size() != 2) {
        yaml.error(
            field.origin(), where + " must be [min, max] or {min: .., max: ..} (use ~ for open)");
        return bounds;
      }
      nodes[0] = items.get(0);
      nodes[1] = items.get(1);
    }
    if (family != null && !ContractValues.rangeApplies(family)) {
      yaml.error(field.origin(), where + " does not apply to a field of this type");
      return bounds;
    }
    Comparable<?>[] values = new Comparable<?>[2];
    int written = 0;
    for (int i = 0; i < 2; i++) {
      if (nodes[i] == null || YamlFile.isNull(nodes[i])) {
        continue;
      }
      written++;
      String text = yaml.text(nodes[i], where + (i == 0 ? " min" : " max"));
      if (text == null) {
        continue;
      }
      var value = ContractValues.parse(family, text);
      if (value.isEmpty()) {
        yaml.error(
            yaml.at(nodes[i]), where + " bound '" + text + "' is not a value of the field's type");
        continue;
      }
      bounds[i] = text;
      values[i] = value.get();
    }
    if (written == 0) {
      yaml.error(field.origin(), where + " sets neither min nor max");
    } else if (values[0] != null
        && values[1] != null
        && values[0].getClass() == values[1].getClass()
        && ContractValues.compare(values[0], values[1]) > 0) {
      yaml.error(field.origin(), where + " min " + bounds[0] + " is above max " + bounds[1]);
    }
    return bounds;
  }

  /** Field to the largest null fraction allowed: {@code 0.01} or {@code 1%}. */
  private Map<String, Double> completeness(String what, Field field) {
    Map<String, Double> limits = new TreeMap<>();
    if (field == null) {
      return limits;
    }
    String where = what + " completeness";
    for (Field entry : yaml.fields(field.value(), where, null).values()) {
      String text = yaml.text(entry.value(), where + " '" + entry.key() + "'");
      if (text == null) {
        continue;
      }
      Double fraction = fraction(text);
      if (fraction == null) {
        yaml.error(
            yaml.at(entry.value()),
            where
                + " '"
                + entry.key()
                + "' must be the largest null fraction, 0 to 1 or a percentage (0.01, 1%), not '"
                + text
                + "'");
        continue;
      }
      limits.put(entry.key(), fraction);
    }
    return limits;
  }

  private static Double fraction(String text) {
    try {
      BigDecimal value =
          text.endsWith("%")
              ? new BigDecimal(text.substring(0, text.length() - 1).trim()).movePointLeft(2)
              : new BigDecimal(text);
      if (value.signum() < 0 || value.compareTo(BigDecimal.ONE) > 0) {
        return null;
      }
      return value.doubleValue();
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** {@code freshness: {max-staleness: 6h}}, or the duration alone. */
  private Duration freshness(String what, Field field) {
    if (field == null) {
      return null;
    }
    String where = what + " freshness";
    Node node = field.value();
    Origin at;
    String text;
    if (node instanceof ScalarNode && !YamlFile.isNull(node)) {
      text = yaml.text(node, where);
      at = yaml.at(node);
    } else {
      Map<String, Field> f = yaml.fields(node, where, FRESHNESS_KEYS);
      Field staleness = f.get("max-staleness");
      if (staleness == null) {
        yaml.error(field.origin(), where + " needs max-staleness (e.g. 6h)");
        return null;
      }
      text = yaml.text(staleness.value(), where + " max-staleness");
      at = yaml.at(staleness.value());
    }
    if (text == null) {
      return null;
    }
    var duration = Durations.parse(text);
    if (duration.isEmpty() || duration.get().isZero()) {
      yaml.error(
          at, where + " max-staleness '" + text + "' is not a duration (e.g. 90s, 30m, 6h, 2d)");
      return null;
    }
    return duration.get();
  }
}
