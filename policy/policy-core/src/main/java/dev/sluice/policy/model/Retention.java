package dev.sluice.policy.model;

import java.time.Duration;
import java.util.Objects;

/**
 * How long rows and snapshots live: a per-row expiry column ({@code retention_until}), a maximum
 * age measured on an event-time column, and the time-travel window kept in snapshots. Any part may
 * be null.
 */
public record Retention(
    String expiresColumn,
    String eventTimeColumn,
    Duration maxAge,
    Duration timeTravel,
    Origin origin) {

  public Retention {
    Objects.requireNonNull(origin, "origin");
  }

  public String describe() {
    StringBuilder text = new StringBuilder();
    if (expiresColumn != null) {
      text.append("rows expire at ").append(expiresColumn);
    }
    if (maxAge != null) {
      append(text, "max age " + Durations.format(maxAge));
      if (eventTimeColumn != null) {
        text.append(" on ").append(eventTimeColumn);
      }
    }
    if (timeTravel != null) {
      append(text, "time travel " + Durations.format(timeTravel));
    }
    return text.toString();
  }

  private static void append(StringBuilder text, String part) {
    if (text.length() > 0) {
      text.append(", ");
    }
    text.append(part);
  }
}
