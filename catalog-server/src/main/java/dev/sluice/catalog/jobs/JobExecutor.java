package dev.sluice.catalog.jobs;

import java.time.Duration;

/**
 * Runs one kind of job. Implementations must be safe to run again after a crash part-way: a job
 * whose lease expires is started over by another replica.
 */
public interface JobExecutor {

  /** The {@code kind} column of the jobs this executor runs, e.g. {@code table.purge}. */
  String kind();

  /**
   * Does the work and returns its result as JSON. Throwing makes the job retry later, until its
   * attempts are used up.
   */
  String run(JobContext context) throws Exception;

  /**
   * How long to wait before attempt {@code failedAttempt + 1}: 2, 4, 8 … seconds (at most 5
   * minutes) unless the kind has its own schedule.
   */
  default Duration retryDelay(int failedAttempt) {
    return JobRunner.backoff(failedAttempt);
  }
}
