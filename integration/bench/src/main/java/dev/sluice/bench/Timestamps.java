package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

/** The instants Sluice's admin API and Trino's query list give, and seconds between them. */
final class Timestamps {
  private Timestamps() {}

  /** Sluice's JSON has epoch seconds (with a fraction) or ISO-8601 text; null for anything else. */
  static Instant instant(JsonNode value) {
    if (value.isNumber()) {
      double seconds = value.asDouble();
      long whole = (long) Math.floor(seconds);
      return Instant.ofEpochSecond(whole, Math.round((seconds - whole) * 1e9));
    }
    if (value.isTextual()) {
      return OffsetDateTime.parse(value.asText()).toInstant();
    }
    return null;
  }

  /** ISO-8601 with an offset, as Trino's {@code to_iso8601} gives it; null stays null. */
  static Instant parse(String iso) {
    return iso == null ? null : OffsetDateTime.parse(iso).toInstant();
  }

  static double seconds(JsonNode from, JsonNode to) {
    return seconds(instant(from), instant(to));
  }

  /** NaN where either end is unknown. */
  static double seconds(Instant from, Instant to) {
    if (from == null || to == null) {
      return Double.NaN;
    }
    return Duration.between(from, to).toNanos() / 1e9;
  }
}
