package dev.sluice.contracts;

import dev.sluice.policy.model.ColumnType;
import dev.sluice.policy.model.Compatibility;
import dev.sluice.policy.model.Contract;
import dev.sluice.policy.model.ContractField;
import dev.sluice.policy.model.Origin;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Contracts as a bundle would read them, with origins the tests can tell apart. */
final class Contracts {

  static final Origin CONTRACT = new Origin("datasets/orders.yaml", 3, 5);

  private Contracts() {}

  static Contract contract(Compatibility mode, ContractField... fields) {
    return contract(mode, List.of(), Map.of(), fields);
  }

  static Contract contract(
      Compatibility mode,
      List<String> partitionFields,
      Map<String, Double> completeness,
      ContractField... fields) {
    Map<String, ContractField> byName = new LinkedHashMap<>();
    for (ContractField field : fields) {
      byName.put(field.name(), field);
    }
    return new Contract(
        "orders-pipeline",
        List.of("finance"),
        mode,
        null,
        byName,
        partitionFields,
        completeness,
        null,
        CONTRACT);
  }

  static ContractField field(String name, int line) {
    return new ContractField(name, null, null, null, null, List.of(), origin(line));
  }

  static ContractField typed(String name, String type, int line) {
    return new ContractField(name, ColumnType.of(type), null, null, null, List.of(), origin(line));
  }

  static ContractField notNull(String name, int line) {
    return new ContractField(name, null, false, null, null, List.of(), origin(line));
  }

  static ContractField range(String name, String type, String min, String max, int line) {
    return new ContractField(
        name, type == null ? null : ColumnType.of(type), null, min, max, List.of(), origin(line));
  }

  static ContractField values(String name, String type, List<String> values, int line) {
    return new ContractField(
        name, type == null ? null : ColumnType.of(type), null, null, null, values, origin(line));
  }

  static Origin origin(int line) {
    return new Origin("datasets/orders.yaml", line, 9);
  }
}
