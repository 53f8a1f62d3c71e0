package dev.sluice.lineage;

/** An event that is not valid OpenLineage; the message says why, for a 400 answer. */
public class InvalidLineageEventException extends RuntimeException {
  public InvalidLineageEventException(String message) {
    super(message);
  }

  public InvalidLineageEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
