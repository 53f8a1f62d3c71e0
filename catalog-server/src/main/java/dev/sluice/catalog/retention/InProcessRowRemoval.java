package dev.sluice.catalog.retention;

import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;

/** Rewrites in this process with Iceberg's generic data API ({@link ExpiredRowsRewrite}). */
public final class InProcessRowRemoval implements RowRemoval {
  public static final String EXECUTOR = "in-process";

  private final String operationId;
  private final String operation;
  private final int attempts;

  /**
   * @param operationId names the written files and the snapshot summary (a job id)
   * @param operation the snapshot summary's {@code sluice.operation}
   * @param attempts commits tried before giving up on conflicts
   */
  public InProcessRowRemoval(String operationId, String operation, int attempts) {
    this.operationId = operationId;
    this.operation = operation;
    this.attempts = attempts;
  }

  @Override
  public String executor() {
    return EXECUTOR;
  }

  @Override
  public ExpiredRowsRewrite.Outcome remove(
      Table table, TableIdentifier identifier, RowExpiry rows, String branch, Events events) {
    return new ExpiredRowsRewrite(table, rows, operationId, operation, branch)
        .runWithRetries(attempts, events::examined, events::planned, events::conflict);
  }
}
