package dev.sluice.catalog.asof;

import dev.sluice.catalog.catalog.Identifiers;
import dev.sluice.policy.model.TableName;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.BadRequestException;

/**
 * What an as-of request names, read as the rest of the catalog reads it: a dataset in the text form
 * of {@link TableName} ({@code ns.table}, {@code silver.eu.orders}, {@code curated."lab.people"}),
 * checked as the Iceberg endpoints check identifiers, and a time that is an ISO-8601 instant not
 * after now. Anything else is a {@link BadRequestException} (400).
 */
final class AsOfRequests {
  static final String TIME_FORMAT = "an ISO-8601 instant such as 2026-11-30T08:00:00Z";

  /** How much of a refused value a message repeats. */
  private static final int ECHO = 120;

  private AsOfRequests() {}

  static TableIdentifier table(String text) {
    if (text == null || text.isEmpty()) {
      throw new BadRequestException("Invalid dataset: empty (expected ns.table)");
    }
    TableName name =
        TableName.parse(text)
            .orElseThrow(
                () ->
                    new BadRequestException(
                        "Invalid dataset '%s': expected ns.table, levels joined by dots, none"
                            + " empty, a level holding a dot in double quotes"
                            + " (curated.\"lab.people\")",
                        echo(text)));
    TableIdentifier identifier =
        TableIdentifier.of(Namespace.of(name.namespace().toArray(String[]::new)), name.name());
    try {
      Identifiers.checkIdentifier(identifier);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("Invalid dataset '%s': %s", echo(text), echo(e.getMessage()));
    }
    return identifier;
  }

  /** Before Iceberg, no snapshot: and far enough from the limits of epoch milliseconds. */
  static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");

  /** The instant {@code text} names; it may not lie after {@code now}, nor before 1970. */
  static Instant time(String text, Instant now) {
    if (text == null || text.isBlank()) {
      throw new BadRequestException("Missing query parameter time: %s", TIME_FORMAT);
    }
    Instant time;
    try {
      time = OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new BadRequestException(
          "Invalid time '%s': expected %s (or with an offset, +01:00, sent as %%2B01:00)%s",
          echo(text),
          TIME_FORMAT,
          text.contains(" ") ? "; a '+' in a query string arrives as a space" : "");
    }
    if (time.isBefore(EARLIEST)) {
      // no table is older; and epoch milliseconds must stay within range
      throw new BadRequestException(
          "Invalid time %s: before %s, when no table existed", time, EARLIEST);
    }
    if (time.isAfter(now)) {
      throw new BadRequestException(
          "Invalid time %s: it is in the future (now is %s); what a table holds then is not known"
              + " yet",
          time, now);
    }
    return time;
  }

  static UUID runId(String text) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new BadRequestException("Invalid run id '%s': expected a UUID", echo(text));
    }
  }

  /** A value as a message repeats it: shortened, control characters shown as '?'. */
  private static String echo(String text) {
    if (text == null) {
      return "";
    }
    String shown = text.length() > ECHO ? text.substring(0, ECHO) + "…" : text;
    return shown
        .codePoints()
        .map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
  }
}
