package dev.sluice.catalog.contracts;

import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.UnprocessableEntityException;

/**
 * A commit that breaks its dataset's contract with severity {@code error}. Answered 422 with this
 * type: the request is well formed but the change is refused, and engines must not retry it as a
 * conflict.
 */
public class ContractViolationException extends UnprocessableEntityException {
  private final TableIdentifier table;

  public ContractViolationException(TableIdentifier table, String message) {
    super("%s", message);
    this.table = table;
  }

  /** The table whose contract refused the change. */
  public TableIdentifier table() {
    return table;
  }
}
