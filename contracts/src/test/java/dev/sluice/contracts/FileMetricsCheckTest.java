package dev.sluice.contracts;

import static dev.sluice.contracts.Contracts.CONTRACT;
import static dev.sluice.contracts.Contracts.contract;
import static dev.sluice.contracts.Contracts.notNull;
import static dev.sluice.contracts.Contracts.origin;
import static dev.sluice.contracts.Contracts.range;
import static dev.sluice.contracts.Contracts.values;
import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.policy.model.Compatibility;
import dev.sluice.policy.model.Contract;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.UnicodeUtil;
import org.junit.jupiter.api.Test;

class FileMetricsCheckTest {

  private static final Schema ORDERS =
      new Schema(
          required(1, "id", Types.LongType.get()),
          optional(2, "customer_id", Types.StringType.get()),
          optional(3, "quantity", Types.IntegerType.get()),
          optional(4, "total", Types.DecimalType.of(10, 2)),
          optional(5, "status", Types.StringType.get()),
          optional(6, "order_date", Types.DateType.get()),
          optional(7, "event_ts", Types.TimestampType.withZone()),
          optional(8, "score", Types.DoubleType.get()),
          optional(9, "rate", Types.FloatType.get()),
          optional(10, "address", Types.StructType.of(optional(11, "zip", Types.StringType.get()))),
          optional(12, "code", Types.StringType.get()));

  private static final PartitionSpec UNPARTITIONED = PartitionSpec.unpartitioned();

  /** A data file as a writer reports it: rows, and per column id its counts and bounds. */
  private static final class File {
    private final String path;
    private final long rows;
    private final Map<Integer, Long> values = new HashMap<>();
    private final Map<Integer, Long> nulls = new HashMap<>();
    private final Map<Integer, Long> nans = new HashMap<>();
    private final Map<Integer, ByteBuffer> lower = new HashMap<>();
    private final Map<Integer, ByteBuffer> upper = new HashMap<>();

    File(String name, long rows) {
      this.path = "s3://lake/orders/data/" + name + ".parquet";
      this.rows = rows;
    }

    File nulls(int id, long count) {
      values.put(id, rows);
      nulls.put(id, count);
      return this;
    }

    File nans(int id, long count) {
      nans.put(id, count);
      return this;
    }

    File bounds(int id, Object min, Object max) {
      values.putIfAbsent(id, rows);
      nulls.putIfAbsent(id, 0L);
      lower.put(id, Conversions.toByteBuffer(ORDERS.findType(id), min));
      upper.put(id, Conversions.toByteBuffer(ORDERS.findType(id), max));
      return this;
    }

    /** String bounds as Iceberg's default metrics mode, truncate(16), writes them. */
    File truncated(int id, String min, String max) {
      return bounds(
          id, UnicodeUtil.truncateStringMin(min, 16), UnicodeUtil.truncateStringMax(max, 16));
    }

    DataFile build() {
      return DataFiles.builder(UNPARTITIONED)
          .withPath(path)
          .withFormat(FileFormat.PARQUET)
          .withFileSizeInBytes(1024)
          .withMetrics(new Metrics(rows, null, values, nulls, nans, lower, upper))
          .build();
    }
  }

  private static MetricsCheckResult check(Contract contract, File... files) {
    return check(contract, Map.of(), files);
  }

  private static MetricsCheckResult check(
      Contract contract, Map<String, String> properties, File... files) {
    List<DataFile> added = new ArrayList<>();
    for (File file : files) {
      added.add(file.build());
    }
    return FileMetricsCheck.check(contract, ORDERS, properties, added);
  }

  private static long micros(String instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse(instant));
  }

  private static int days(String date) {
    return (int) LocalDate.parse(date).toEpochDay();
  }

  // nullable

  @Test
  void aFileWithNullsInANotNullableFieldIsAViolationNamingTheFileAndCount() {
    Contract contract = contract(Compatibility.BACKWARD, notNull("customer_id", 14));

    MetricsCheckResult result =
        check(contract, new File("a", 100).nulls(2, 0), new File("b", 100).nulls(2, 12));

    assertThat(result.filesChecked()).isEqualTo(2);
    assertThat(result.unchecked()).isEmpty();
    assertThat(result.violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.rule()).isEqualTo("nullable");
              assertThat(v.field()).isEqualTo("customer_id");
              assertThat(v.file()).isEqualTo("s3://lake/orders/data/b.parquet");
              assertThat(v.ruleOrigin()).isEqualTo(origin(14));
              assertThat(v.message())
                  .isEqualTo(
                      "File s3://lake/orders/data/b.parquet holds 12 nulls in field 'customer_id', which"
                          + " the contract declares not nullable.");
            });
  }

  @Test
  void filesWithoutANullCountLeaveNullabilityUncheckedInOneEntry() {
    Contract contract = contract(Compatibility.BACKWARD, notNull("customer_id", 14));

    MetricsCheckResult result =
        check(
            contract,
            new File("a", 100),
            new File("b", 100).nulls(2, 0),
            new File("c", 100),
            new File("d", 100));

    assertThat(result.violations()).isEmpty();
    assertThat(result.unchecked())
        .containsExactly(
            new MetricsCheckResult.Unchecked(
                "customer_id",
                "nullable",
                "file s3://lake/orders/data/a.parquet carries no null count for customer_id"
                    + " (as do 2 other added files)"));
  }

  @Test
  void nullsInANestedFieldAreReportedUnderItsDottedName() {
    Contract contract = contract(Compatibility.BACKWARD, notNull("address.zip", 20));

    MetricsCheckResult result = check(contract, new File("a", 10).nulls(11, 1));

    assertThat(result.violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.field()).isEqualTo("address.zip");
              assertThat(v.message()).contains("holds 1 null in field 'address.zip'");
            });
  }

  @Test
  void aStructFieldHasNoMetricsSoItsNullabilityIsUnchecked() {
    Contract contract = contract(Compatibility.BACKWARD, notNull("address", 20));

    MetricsCheckResult result = check(contract, new File("a", 10).nulls(11, 1));

    assertThat(result.violations()).isEmpty();
    assertThat(result.unchecked())
        .containsExactly(
            new MetricsCheckResult.Unchecked(
                "address", "nullable", "Iceberg keeps no metrics for struct column address"));
  }

  @Test
  void nanIsNotANull() {
    Contract contract =
        contract(
            Compatibility.BACKWARD,
            List.of(),
            Map.of("score", 0.0),
            notNull("score", 14),
            range("score", "double", "0", "1", 14));

    MetricsCheckResult result =
        check(contract, new File("a", 10).nulls(8, 0).nans(8, 3).bounds(8, 0.25, 0.75));

    assertThat(result.violations()).isEmpty();
    assertThat(result.unchecked()).isEmpty();
  }

  @Test
  void contractFieldsMissingFromTheSchemaAreLeftToTheSchemaCheck() {
    Contract contract =
        contract(
            Compatibility.BACKWARD,
            List.of(),
            Map.of("discount", 0.01),
            notNull("discount", 14),
            range("coupon", "integer", "0", "10", 15));

    MetricsCheckResult result = check(contract, new File("a", 10));

    assertThat(result.violations()).isEmpty();
    assertThat(result.unchecked()).isEmpty();
    assertThat(result.filesChecked()).isEqualTo(1);
  }

  @Test
  void metricsModeNoneLeavesNullabilityUncheckedAndCountsLeavesBoundsUnchecked() {
    Contract contract =
        contract(
            Compatibility.BACKWARD,
            notNull("customer_id", 14),
            range("quantity", "integer", "1", "100", 15));

    MetricsCheckResult none =
        check(
            contract,
            Map.of("write.metadata.metrics.default", "none"),
            new File("a", 10).nulls(2, 4).bounds(3, 0, 500));
    MetricsCheckResult counts =
        check(
            contract,
            Map.of("write.metadata.metrics.column.quantity", "counts"),
            new File("a", 10).nulls(2, 4).bounds(3, 0, 500));

    assertThat(none.violations()).isEmpty();
    assertThat(none.unchecked())
        .extracting(MetricsCheckResult.Unchecked::reason)
        .containsExactly(
            "metrics mode none keeps no null count for customer_id",
            "metrics mode none keeps no bounds for quantity");
    assertThat(counts.violations()).extracting(ContractViolation::rule).containsExactly("nullable");
    assertThat(counts.unchecked())
        .containsExactly(
            new MetricsCheckResult.Unchecked(
                "quantity", "valid-range", "metrics mode counts keeps no bounds for quantity"));
  }

  // valid-range

  @Test
  void exactNumericBoundsOutsideTheRangeAreViolations() {
    Contract contract =
        contract(
            Compatibility.BACKWARD,
            range("quantity", "integer", "1", "100", 15),
            range("total", "decimal(10,2)", "0", "9999.99", 16));

    MetricsCheckResult result =
        check(
            contract,
            new File("inside", 10)
                .bounds(3, 1, 100)
                .bounds(4, new BigDecimal("0.00"), new BigDecimal("9999.99")),
            new File("low", 10)
                .bounds(3, 0, 50)
                .bounds(4, new BigDecimal("1.00"), new BigDecimal("2.00")),
            new File("both", 10)
                .bounds(3, -5, 101)
                .bounds(4, new BigDecimal("1.00"), new BigDecimal("2.00")),
            new File("dear", 10)
                .bounds(3, 1, 1)
                .bounds(4, new BigDecimal("12.50"), new BigDecimal("10000.00")));

    assertThat(result.unchecked()).isEmpty();
    assertThat(result.violations())
        .extracting(ContractViolation::file, ContractViolation::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "s3://lake/orders/data/low.parquet",
                "Field 'quantity' in file s3://lake/orders/data/low.parquet holds value 0, below"
                    + " the contract's min 1."),
            org.assertj.core.groups.Tuple.tuple(
                "s3://lake/orders/data/both.parquet",
                "Field 'quantity' in file s3://lake/orders/data/both.parquet holds value -5, below"
                    + " the contract's min 1, and value 101, above the contract's max 100."),
            org.assertj.core.groups.Tuple.tuple(
                "s3://lake/orders/data/dear.parquet",
                "Field 'total' in file s3://lake/orders/data/dear.parquet holds value 10000.00,"
                    + " above the contract's max 9999.99."));
    assertThat(result.violations()).allSatisfy(v -> assertThat(v.rule()).isEqualTo("valid-range"));
  }

  @Test
  void floatBoundsCompareAsTheirDecimalsAndInfinityIsOutsideAnyRange() {
    Contract contract = contract(Compatibility.BACKWARD, range("rate", "real", "0.1", "0.3", 15));

    MetricsCheckResult result =
        check(
            contract,
            new File("decimals", 10).bounds(9, 0.1f, 0.3f),
            new File("infinite", 10).bounds(9, 0.2f, Float.POSITIVE_INFINITY));

    assertThat(result.violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.file()).isEqualTo("s3://lake/orders/data/infinite.parquet");
              assertThat(v.message())
                  .contains("holds value Infinity, above the contract's max 0.3");
            });
  }

  @Test
  void datesAndTimestampsAreComparedAsDatesAndInstants() {
    Contract contract =
        contract(
            Compatibility.BACKWARD,
            range("order_date", "date", "2020-01-01", "2030-12-31", 15),
            range("event_ts", "timestamp(6) with time zone", "2020-01-01T00:00:00Z", null, 16));

    MetricsCheckResult result =
        check(
            contract,
            new File("ok", 10)
                .bounds(6, days("2020-01-01"), days("2030-12-31"))
                .bounds(7, micros("2020-01-01T00:00:00Z"), micros("2031-06-01T12:00:00Z")),
            new File("late", 10)
                .bounds(6, days("2024-05-01"), days("2031-01-01"))
                .bounds(7, micros("2019-12-31T23:59:59.999999Z"), micros("2024-01-01T00:00:00Z")));

    assertThat(result.violations())
        .extracting(ContractViolation::message)
        .containsExactly(
            "Field 'order_date' in file s3://lake/orders/data/late.parquet holds value 2031-01-01,"
                + " above the contract's max 2030-12-31.",
            "Field 'event_ts' in file s3://lake/orders/data/late.parquet holds value"
                + " 2019-12-31T23:59:59.999999Z, below the contract's min 2020-01-01T00:00:00Z.");
  }

  @Test
  void truncatedStringBoundsAreNotReportedWhenTheValuesMayBeInside() {
    // every value lies inside [min, max]; the truncated lower bound is below min and the
    // incremented upper bound above max, so only a reader taking them as exact would complain
    Contract contract =
        contract(
            Compatibility.BACKWARD,
            range("code", "varchar", "abcdefghijklmnopz", "abcdefghijklmnopq", 15));
    File file = new File("long-codes", 10).truncated(12, "abcdefghijklmnopzz", "abcdefghijklmnopa");

    MetricsCheckResult result = check(contract, file);

    assertThat(result.violations()).isEmpty();
    assertThat(result.unchecked())
        .containsExactly(
            new MetricsCheckResult.Unchecked(
                "code",
                "valid-range",
                "file s3://lake/orders/data/long-codes.parquet carries bounds for code truncated to"
                    + " 16 characters, which prove only values wholly outside the contract's range"));
  }

  @Test
  void stringBoundsProveWhatTheyCan() {
    Contract contract = contract(Compatibility.BACKWARD, range("code", "varchar", "b", "m", 15));

    MetricsCheckResult result =
        check(
            contract,
            // shorter than 16 code points: exact, and 'zz' is above max
            new File("short", 10).truncated(12, "c", "zz"),
            // truncated, but the lower bound alone is above max: every value is
            new File("above", 10).truncated(12, "nnnnnnnnnnnnnnnnnnnn", "oooooooooooooooooooo"),
            // truncated and straddling: nothing proven
            new File("straddle", 10)
                .truncated(12, "aaaaaaaaaaaaaaaaaaaaa", "lzzzzzzzzzzzzzzzzzzzz"));

    assertThat(result.violations())
        .extracting(ContractViolation::message)
        .containsExactly(
            "Field 'code' in file s3://lake/orders/data/short.parquet holds value 'zz', above the"
                + " contract's max 'm'.",
            "Field 'code' in file s3://lake/orders/data/above.parquet holds only values from"
                + " 'nnnnnnnnnnnnnnnn' up, above the contract's max 'm'.");
    assertThat(result.unchecked())
        .extracting(MetricsCheckResult.Unchecked::reason)
        .containsExactly(
            "file s3://lake/orders/data/straddle.parquet carries bounds for code truncated to 16"
                + " characters, which prove only values wholly outside the contract's range");
  }

  @Test
  void fullMetricsModeMakesLongStringBoundsExact() {
    Contract contract =
        contract(
            Compatibility.BACKWARD,
            range("code", "varchar", "abcdefghijklmnopz", "abcdefghijklmnopq", 15));
    File file = new File("full", 10).bounds(12, "abcdefghijklmnopzz", "abcdefghijklmnopzzz");

    MetricsCheckResult result =
        check(contract, Map.of("write.metadata.metrics.column.code", "full"), file);

    assertThat(result.unchecked()).isEmpty();
    assertThat(result.violations())
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.message())
                    .contains("holds value 'abcdefghijklmnopzzz', above the contract's max"));
  }

  @Test
  void aFileWhoseValuesAreAllNullHasNoBoundsToMiss() {
    Contract contract =
        contract(Compatibility.BACKWARD, range("quantity", "integer", "1", "100", 15));

    MetricsCheckResult result =
        check(contract, new File("empty", 10).nulls(3, 10), new File("bare", 10).nulls(3, 2));

    assertThat(result.violations()).isEmpty();
    assertThat(result.unchecked())
        .containsExactly(
            new MetricsCheckResult.Unchecked(
                "quantity",
                "valid-range",
                "file s3://lake/orders/data/bare.parquet carries no bounds for quantity"));
  }

  // valid-values

  @Test
  void anExactBoundThatIsNotAValidValueIsAViolation() {
    Contract contract =
        contract(
            Compatibility.BACKWARD,
            values("status", "varchar", List.of("NEW", "PAID", "SHIPPED"), 15),
            values("quantity", null, List.of("1", "2.0", "3"), 16));

    MetricsCheckResult result =
        check(
            contract,
            new File("ok", 10).bounds(5, "NEW", "SHIPPED").bounds(3, 1, 3),
            new File("bad", 10).bounds(5, "CANCELLED", "PAID").bounds(3, 2, 7));

    assertThat(result.unchecked()).isEmpty();
    assertThat(result.violations())
        .extracting(ContractViolation::rule, ContractViolation::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "valid-values",
                "Field 'status' in file s3://lake/orders/data/bad.parquet holds 'CANCELLED', which"
                    + " is not among the contract's valid values 'NEW', 'PAID', 'SHIPPED'."),
            org.assertj.core.groups.Tuple.tuple(
                "valid-values",
                "Field 'quantity' in file s3://lake/orders/data/bad.parquet holds 7, which is not"
                    + " among the contract's valid values 1, 2.0, 3."));
  }

  @Test
  void truncatedBoundsProveInvalidValuesOnlyWhenNoValidValueLiesBetweenThem() {
    Contract contract =
        contract(
            Compatibility.BACKWARD,
            values("status", "varchar", List.of("AWAITING_PAYMENT_CONFIRMATION", "SHIPPED"), 15));

    MetricsCheckResult result =
        check(
            contract,
            new File("valid", 10)
                .truncated(5, "AWAITING_PAYMENT_CONFIRMATION", "AWAITING_PAYMENT_CONFIRMATION"),
            new File("invalid", 10)
                .truncated(5, "ZZZZZZZZZZZZZZZZZZZZZ", "ZZZZZZZZZZZZZZZZZZZZZZ"));

    assertThat(result.violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.file()).isEqualTo("s3://lake/orders/data/invalid.parquet");
              assertThat(v.message())
                  .isEqualTo(
                      "Field 'status' in file s3://lake/orders/data/invalid.parquet holds only values"
                          + " between 'ZZZZZZZZZZZZZZZZ' and 'ZZZZZZZZZZZZZZZ[', none of which is among"
                          + " the contract's valid values 'AWAITING_PAYMENT_CONFIRMATION', 'SHIPPED'.");
            });
    assertThat(result.unchecked())
        .extracting(MetricsCheckResult.Unchecked::reason)
        .containsExactly(
            "file s3://lake/orders/data/valid.parquet carries bounds for status truncated to 16"
                + " characters, which prove only values wholly outside the contract's valid values");
  }

  // completeness

  @Test
  void completenessSumsNullsOverTheAddedFilesAndNamesTheFilesHoldingThem() {
    Contract strict = contract(Compatibility.BACKWARD, List.of(), Map.of("customer_id", 0.01));
    Contract loose = contract(Compatibility.BACKWARD, List.of(), Map.of("customer_id", 0.02));
    File[] files = {
      new File("a", 100).nulls(2, 0), new File("b", 100).nulls(2, 2), new File("c", 100).nulls(2, 3)
    };

    MetricsCheckResult strictResult = check(strict, files);
    MetricsCheckResult looseResult = check(loose, files);

    assertThat(strictResult.violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.rule()).isEqualTo("completeness");
              assertThat(v.field()).isEqualTo("customer_id");
              assertThat(v.file()).isNull();
              assertThat(v.ruleOrigin()).isEqualTo(CONTRACT);
              assertThat(v.message())
                  .isEqualTo(
                      "Field 'customer_id' is 1.67% null in the 3 added files (5 of 300 rows), above the"
                          + " contract's completeness limit of 1%; the nulls are in"
                          + " s3://lake/orders/data/b.parquet, s3://lake/orders/data/c.parquet.");
            });
    assertThat(looseResult.violations()).isEmpty();
    assertThat(looseResult.unchecked()).isEmpty();
  }

  @Test
  void aFractionAtTheLimitIsAllowed() {
    Contract contract = contract(Compatibility.BACKWARD, List.of(), Map.of("customer_id", 0.01));

    assertThat(check(contract, new File("a", 100).nulls(2, 1)).violations()).isEmpty();
  }

  @Test
  void aFileWithoutANullCountLeavesCompletenessUncheckedUnlessTheKnownNullsAlreadyExceedIt() {
    Contract contract = contract(Compatibility.BACKWARD, List.of(), Map.of("customer_id", 0.05));

    MetricsCheckResult unknown =
        check(contract, new File("a", 100).nulls(2, 1), new File("b", 100));
    MetricsCheckResult exceeded =
        check(contract, new File("a", 100).nulls(2, 30), new File("b", 100));

    assertThat(unknown.violations()).isEmpty();
    assertThat(unknown.unchecked())
        .containsExactly(
            new MetricsCheckResult.Unchecked(
                "customer_id",
                "completeness",
                "file s3://lake/orders/data/b.parquet carries no null count for customer_id, so"
                    + " its null fraction is unknown"));
    assertThat(exceeded.unchecked()).isEmpty();
    assertThat(exceeded.violations())
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.message())
                    .startsWith(
                        "Field 'customer_id' is at least 15% null in the 2 added files (30 of 200"
                            + " rows)"));
  }

  @Test
  void theAddedFilesAreReadOnce() {
    Contract contract =
        contract(
            Compatibility.BACKWARD,
            List.of(),
            Map.of("customer_id", 0.0),
            notNull("customer_id", 14));
    List<DataFile> files = List.of(new File("a", 10).nulls(2, 1).build());
    int[] iterations = {0};
    Iterable<DataFile> once =
        () -> {
          iterations[0]++;
          return files.iterator();
        };

    MetricsCheckResult result = FileMetricsCheck.check(contract, ORDERS, Map.of(), once);

    assertThat(iterations[0]).isEqualTo(1);
    assertThat(result.violations())
        .extracting(ContractViolation::rule)
        .containsExactly("nullable", "completeness");
  }
}
