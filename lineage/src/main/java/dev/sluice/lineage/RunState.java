package dev.sluice.lineage;

/**
 * Run states. A later state never gives way to an earlier one, whatever order events arrive in: a
 * COMPLETE that arrives before its START leaves the run complete.
 */
public enum RunState {
  NEW(0),
  START(1),
  RUNNING(2),
  COMPLETE(3),
  FAIL(3),
  ABORT(3);

  private final int rank;

  RunState(int rank) {
    this.rank = rank;
  }

  public boolean isTerminal() {
    return rank == 3;
  }

  /** Terminal states outrank running ones, which outrank START, which outranks NEW. */
  public int rank() {
    return rank;
  }

  /** Maps an OpenLineage event type; OTHER and unknown types carry no state. */
  static RunState fromEventType(String eventType) {
    if (eventType == null) {
      return null;
    }
    return switch (eventType) {
      case "START" -> START;
      case "RUNNING" -> RUNNING;
      case "COMPLETE" -> COMPLETE;
      case "FAIL" -> FAIL;
      case "ABORT" -> ABORT;
      default -> null;
    };
  }
}
