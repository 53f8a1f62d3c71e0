package dev.sluice.catalog.contracts;

import jakarta.enterprise.context.RequestScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * The current request's contract findings, per table, until the commit's outcome is known. A retry
 * of a multi-table commit checks again and replaces the table's findings.
 */
@RequestScoped
public class PendingContractFindings {
  private final Map<TableIdentifier, List<ContractFinding>> byTable = new LinkedHashMap<>();

  void put(TableIdentifier table, List<ContractFinding> findings) {
    byTable.put(table, List.copyOf(findings));
  }

  /** One table's findings; the others are dropped. */
  List<ContractFinding> take(TableIdentifier table) {
    List<ContractFinding> found = byTable.getOrDefault(table, List.of());
    byTable.clear();
    return found;
  }

  /** Every table's findings, handed out once. */
  List<ContractFinding> take() {
    List<ContractFinding> all = new ArrayList<>();
    byTable.values().forEach(all::addAll);
    byTable.clear();
    return all;
  }
}
