package dev.sluice.catalog.persistence;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

/** Work that must happen only once the current transaction has committed. */
public final class AfterCommit {
  private AfterCommit() {}

  /** Runs {@code action} after the current transaction commits; never after a rollback. */
  public static void run(TransactionSynchronizationRegistry transactions, Runnable action) {
    transactions.registerInterposedSynchronization(
        new Synchronization() {
          @Override
          public void beforeCompletion() {}

          @Override
          public void afterCompletion(int status) {
            if (status == Status.STATUS_COMMITTED) {
              action.run();
            }
          }
        });
  }
}
