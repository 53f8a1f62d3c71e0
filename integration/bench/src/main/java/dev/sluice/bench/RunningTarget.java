package dev.sluice.bench;

import java.util.Objects;

/**
 * A started process as the targets table shows it: how long it took to become ready and its memory
 * then; {@link #ended} adds its memory at the end.
 */
record RunningTarget(
    String name, String description, long pid, double startupSeconds, double rssAfterStartMiB) {
  RunningTarget {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
  }

  /** Started at {@code t0} ({@link System#nanoTime()}) and ready now. */
  static RunningTarget readySince(long t0, String name, String description, long pid) {
    double startup = (System.nanoTime() - t0) / 1e9;
    return new RunningTarget(name, description, pid, startup, Targets.memoryMiB(pid)[0]);
  }

  /** Its row in the targets table, with its memory now and at peak; call it before stopping it. */
  Report.TargetInfo ended(String status) {
    double[] atEnd = Targets.memoryMiB(pid);
    return new Report.TargetInfo(
        name, description, status, startupSeconds, rssAfterStartMiB, atEnd[0], atEnd[1]);
  }
}
