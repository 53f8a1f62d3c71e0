package dev.sluice.catalog.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.policy.model.Origin;
import dev.sluice.policy.model.Retention;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class RowExpiryTest {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  private static final Origin ORIGIN = new Origin("test.yaml", 1, 1);
  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "retention_until", Types.TimestampType.withZone()),
          Types.NestedField.optional(3, "event_time", Types.TimestampType.withoutZone()),
          Types.NestedField.optional(4, "keep_until_day", Types.DateType.get()),
          Types.NestedField.optional(5, "name", Types.StringType.get()),
          Types.NestedField.optional(6, "seen_at", Types.TimestampNanoType.withZone()));

  private static Record row(OffsetDateTime until, LocalDateTime event, LocalDate day) {
    Record row = GenericRecord.create(SCHEMA);
    row.setField("id", 1L);
    row.setField("retention_until", until);
    row.setField("event_time", event);
    row.setField("keep_until_day", day);
    return row;
  }

  private static RowExpiry.RecordTest test(Retention retention) {
    return RowExpiry.of(retention, SCHEMA, NOW).orElseThrow().test(SCHEMA);
  }

  @Test
  void expiresColumnExpiresRowsWhoseValueLiesBeforeNow() {
    RowExpiry.RecordTest test =
        test(new Retention("retention_until", null, null, Duration.ofDays(7), ORIGIN));

    assertThat(test.expired(row(OffsetDateTime.parse("2026-11-29T11:59:59Z"), null, null)))
        .isTrue();
    // the same instant in another offset is the same instant
    assertThat(test.expired(row(OffsetDateTime.parse("2026-11-29T13:59:59+02:00"), null, null)))
        .isTrue();
    assertThat(test.expired(row(OffsetDateTime.parse("2026-11-29T12:00:00Z"), null, null)))
        .isFalse();
    assertThat(test.expired(row(OffsetDateTime.parse("2027-01-01T00:00:00Z"), null, null)))
        .isFalse();
    // no expiry date: kept
    assertThat(test.expired(row(null, null, null))).isFalse();
  }

  @Test
  void maxAgeExpiresRowsWhoseEventTimeIsOlderThanTheAge() {
    RowExpiry.RecordTest test =
        test(new Retention(null, "event_time", Duration.ofDays(30), null, ORIGIN));

    assertThat(test.expired(row(null, LocalDateTime.parse("2026-10-30T11:59:59"), null))).isTrue();
    assertThat(test.expired(row(null, LocalDateTime.parse("2026-10-30T12:00:01"), null))).isFalse();
    assertThat(test.expired(row(null, LocalDateTime.parse("2026-11-29T00:00:00"), null))).isFalse();
    assertThat(test.expired(row(null, null, null))).isFalse();
  }

  @Test
  void bothRulesTogetherExpireARowThatEitherExpires() {
    RowExpiry expiry =
        RowExpiry.of(
                new Retention(
                    "retention_until",
                    "event_time",
                    Duration.ofDays(30),
                    Duration.ofDays(7),
                    ORIGIN),
                SCHEMA,
                NOW)
            .orElseThrow();
    RowExpiry.RecordTest test = expiry.test(SCHEMA);

    OffsetDateTime future = OffsetDateTime.parse("2030-01-01T00:00:00Z");
    LocalDateTime recent = LocalDateTime.parse("2026-11-28T00:00:00");
    assertThat(test.expired(row(future, recent, null))).isFalse();
    assertThat(test.expired(row(OffsetDateTime.parse("2026-01-01T00:00:00Z"), recent, null)))
        .isTrue();
    assertThat(test.expired(row(future, LocalDateTime.parse("2026-01-01T00:00:00"), null)))
        .isTrue();
    assertThat(expiry.conditions())
        .containsExactly(
            "retention_until < 2026-11-29T12:00:00Z", "event_time < 2026-10-30T12:00:00Z");
  }

  @Test
  void aDateColumnExpiresOnceItsDayHasPassed() {
    RowExpiry.RecordTest test = test(new Retention("keep_until_day", null, null, null, ORIGIN));

    assertThat(test.expired(row(null, null, LocalDate.parse("2026-11-28")))).isTrue();
    assertThat(test.expired(row(null, null, LocalDate.parse("2026-11-29")))).isFalse();
  }

  @Test
  void nanosecondTimestampsAreComparedAsInstants() {
    RowExpiry.RecordTest test = test(new Retention("seen_at", null, null, null, ORIGIN));
    Record expired = GenericRecord.create(SCHEMA);
    expired.setField("seen_at", OffsetDateTime.parse("2026-11-29T11:59:59.999999999Z"));
    Record kept = GenericRecord.create(SCHEMA);
    kept.setField("seen_at", OffsetDateTime.parse("2026-11-29T12:00:00.000000001Z"));

    assertThat(test.expired(expired)).isTrue();
    assertThat(test.expired(kept)).isFalse();
  }

  @Test
  void timeTravelAloneExpiresNoRows() {
    assertThat(
            RowExpiry.of(new Retention(null, null, null, Duration.ofDays(7), ORIGIN), SCHEMA, NOW))
        .isEmpty();
  }

  @Test
  void aMissingOrNonTemporalColumnIsRefusedWithTheReason() {
    assertThatThrownBy(
            () -> RowExpiry.of(new Retention("expires_on", null, null, null, ORIGIN), SCHEMA, NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the table has no column 'expires_on'");
    assertThatThrownBy(
            () -> RowExpiry.of(new Retention("name", null, null, null, ORIGIN), SCHEMA, NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("column 'name' is string; retention needs a date or timestamp");
  }

  @Test
  void columnNamesMatchWhateverTheirCase() {
    RowExpiry.RecordTest test = test(new Retention("Retention_Until", null, null, null, ORIGIN));
    assertThat(test.expired(row(OffsetDateTime.parse("2020-01-01T00:00:00Z"), null, null)))
        .isTrue();
  }
}
