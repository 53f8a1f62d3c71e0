package dev.sluice.catalog.jobs;

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
}
