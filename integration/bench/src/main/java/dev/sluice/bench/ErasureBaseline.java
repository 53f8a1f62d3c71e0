package dev.sluice.bench;

import dev.sluice.bench.ErasureCounts.SubjectRows;
import java.util.Objects;

/**
 * One executor's tables as counted through Trino once written, before anything is erased: what the
 * erasure's and the sweep's checks compare against.
 *
 * @param subject the data subject to erase, the same for every executor
 * @param ordersDataFiles data files of the orders table
 * @param subjectRows the subject's rows in the orders table and the data files holding them
 * @param expiredRows rows of the expiring table whose {@code retention_until} has passed
 */
record ErasureBaseline(
    String subject, long ordersDataFiles, SubjectRows subjectRows, long expiredRows) {
  ErasureBaseline {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(subjectRows, "subjectRows");
    if (ordersDataFiles < 0 || expiredRows < 0) {
      throw new IllegalArgumentException(
          "negative count: " + ordersDataFiles + " data files, " + expiredRows + " expired rows");
    }
  }
}
