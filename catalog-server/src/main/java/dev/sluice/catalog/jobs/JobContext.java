package dev.sluice.catalog.jobs;

/** What a running job sees of itself: its payload, and a way to report progress. */
public interface JobContext {

  String id();

  String payload();

  /** The attempt this is, from 1. */
  int attempt();

  /**
   * Records progress (JSON) and renews the lease.
   *
   * @throws LeaseLostException when another replica took the job over: stop at once
   */
  void progress(String json);

  /** Thrown when the lease is gone; the job belongs to another replica now. */
  final class LeaseLostException extends RuntimeException {
    public LeaseLostException(String id) {
      super("Lease of job " + id + " was lost", null, false, false);
    }
  }
}
