package dev.sluice.contracts;

import static dev.sluice.contracts.Contracts.CONTRACT;
import static dev.sluice.contracts.Contracts.contract;
import static dev.sluice.contracts.Contracts.field;
import static dev.sluice.contracts.Contracts.origin;
import static dev.sluice.contracts.Contracts.typed;
import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.policy.model.Compatibility;
import dev.sluice.policy.model.Contract;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.expressions.Literal;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SchemaChangeCheckTest {

  private static final Types.StructType ADDRESS =
      Types.StructType.of(
          optional(7, "zip", Types.StringType.get()), optional(8, "city", Types.StringType.get()));

  /** orders: id, customer_id, quantity int, price float, total decimal(10,2), address, event_ts. */
  private static final Schema ORDERS =
      new Schema(
          required(1, "id", Types.LongType.get()),
          optional(2, "customer_id", Types.StringType.get()),
          optional(3, "quantity", Types.IntegerType.get()),
          optional(4, "price", Types.FloatType.get()),
          optional(5, "total", Types.DecimalType.of(10, 2)),
          optional(6, "address", ADDRESS),
          optional(9, "event_ts", Types.TimestampType.withZone()),
          optional(10, "tags", Types.ListType.ofOptional(11, Types.StringType.get())));

  private static final PartitionSpec BY_DAY =
      PartitionSpec.builderFor(ORDERS).day("event_ts").build();

  private static List<ContractViolation> change(Contract contract, Schema after) {
    return SchemaChangeCheck.check(contract, ORDERS, BY_DAY, after, BY_DAY, Map.of());
  }

  private static List<String> rules(List<ContractViolation> violations) {
    return violations.stream().map(ContractViolation::rule).toList();
  }

  /** ORDERS with the field of this id replaced (or removed when {@code replacement} is null). */
  private static Schema replace(int id, Types.NestedField replacement) {
    List<Types.NestedField> columns =
        ORDERS.columns().stream()
            .map(c -> c.fieldId() == id ? replacement : c)
            .filter(c -> c != null)
            .toList();
    return new Schema(columns);
  }

  private static Schema retype(int id, Type type) {
    Types.NestedField was = ORDERS.findField(id);
    return replace(id, Types.NestedField.of(id, was.isOptional(), was.name(), type));
  }

  private static Schema plus(Types.NestedField added) {
    List<Types.NestedField> columns = new java.util.ArrayList<>(ORDERS.columns());
    columns.add(added);
    return new Schema(columns);
  }

  private static Compatibility mode(String spelling) {
    return Compatibility.parse(spelling).orElseThrow();
  }

  @ParameterizedTest(name = "{0}: refused={1}")
  @CsvSource({"backward,false", "forward,true", "full,true", "none,false"})
  void droppingAFieldNobodyDeclaresOrReadsIsRefusedOnlyWhereForwardIsChecked(
      String mode, boolean refused) {
    List<ContractViolation> violations = change(contract(mode(mode)), replace(3, null));

    if (refused) {
      assertThat(violations)
          .singleElement()
          .satisfies(
              v -> {
                assertThat(v.rule()).isEqualTo("drop-field");
                assertThat(v.field()).isEqualTo("quantity");
                assertThat(v.message())
                    .isEqualTo(
                        "Field 'quantity' is dropped, which compatibility "
                            + mode
                            + " refuses: readers of the old schema expect it.");
                assertThat(v.ruleOrigin()).isEqualTo(CONTRACT);
              });
    } else {
      assertThat(violations).isEmpty();
    }
  }

  @Test
  void droppingAFieldAJobReadsIsRefusedUnderBackwardAndNamesTheJobs() {
    List<ContractViolation> violations =
        SchemaChangeCheck.check(
            contract(Compatibility.BACKWARD),
            ORDERS,
            BY_DAY,
            replace(3, null),
            BY_DAY,
            Map.of("quantity", List.of("nightly_revenue", "churn_model"), "price", List.of("x")));

    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.rule()).isEqualTo("drop-field");
              assertThat(v.message())
                  .isEqualTo(
                      "Field 'quantity' is dropped although jobs churn_model, nightly_revenue read it.");
            });
  }

  @Test
  void droppingAStructWhoseNestedFieldAJobReadsIsOneViolationForTheStruct() {
    List<ContractViolation> violations =
        SchemaChangeCheck.check(
            contract(Compatibility.BACKWARD),
            ORDERS,
            BY_DAY,
            replace(6, null),
            BY_DAY,
            Map.of("address.zip", List.of("geo_rollup")));

    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.field()).isEqualTo("address");
              assertThat(v.message())
                  .isEqualTo("Field 'address' is dropped although job geo_rollup reads it.");
            });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "backward,drop-field",
    "forward,drop-field",
    "full,drop-field",
    "none,declared-field"
  })
  void droppingADeclaredFieldIsRefusedInEveryModeOnceAtTheFieldsLine(String mode, String rule) {
    List<ContractViolation> violations =
        change(contract(mode(mode), field("customer_id", 12)), replace(2, null));

    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.rule()).isEqualTo(rule);
              assertThat(v.field()).isEqualTo("customer_id");
              assertThat(v.ruleOrigin()).isEqualTo(origin(12));
            });
    if (mode.equals("none")) {
      assertThat(violations.get(0).message())
          .isEqualTo("Declared field 'customer_id' is not in the table's schema.");
    } else if (mode.equals("backward")) {
      assertThat(violations.get(0).message())
          .isEqualTo("Field 'customer_id' is dropped although the contract declares it.");
    } else {
      assertThat(violations.get(0).message())
          .isEqualTo(
              "Field 'customer_id' is dropped although the contract declares it and compatibility "
                  + mode
                  + " refuses drops.");
    }
  }

  @Test
  void droppingAStructWithADeclaredNestedFieldNamesTheDeclaredField() {
    List<ContractViolation> violations =
        change(contract(Compatibility.BACKWARD, field("address.zip", 20)), replace(6, null));

    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.rule()).isEqualTo("drop-field");
              assertThat(v.field()).isEqualTo("address");
              assertThat(v.message())
                  .isEqualTo(
                      "Field 'address' is dropped although the contract declares 'address.zip'.");
              assertThat(v.ruleOrigin()).isEqualTo(origin(20));
            });
  }

  @ParameterizedTest(name = "{0}: refused={1}")
  @CsvSource({"backward,true", "forward,true", "full,true", "none,false"})
  void aRenameIsSeenByIdAndRefusedUnlessModeIsNone(String mode, boolean refused) {
    Schema renamed = replace(2, optional(2, "cust_id", Types.StringType.get()));

    List<ContractViolation> violations = change(contract(mode(mode)), renamed);

    if (refused) {
      assertThat(violations)
          .singleElement()
          .satisfies(
              v -> {
                assertThat(v.rule()).isEqualTo("rename-field");
                assertThat(v.field()).isEqualTo("customer_id");
                assertThat(v.message())
                    .isEqualTo(
                        "Field 'customer_id' is renamed to 'cust_id', which compatibility "
                            + mode
                            + " refuses: readers that select it by name lose it.");
              });
    } else {
      assertThat(violations).isEmpty();
    }
  }

  @Test
  void aNestedRenameIsReportedWithDottedNames() {
    Schema renamed =
        replace(
            6,
            optional(
                6,
                "address",
                Types.StructType.of(
                    optional(7, "postcode", Types.StringType.get()),
                    optional(8, "city", Types.StringType.get()))));

    List<ContractViolation> violations = change(contract(Compatibility.FULL), renamed);

    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.rule()).isEqualTo("rename-field");
              assertThat(v.field()).isEqualTo("address.zip");
              assertThat(v.message())
                  .startsWith("Field 'address.zip' is renamed to 'address.postcode'");
            });
  }

  @Test
  void renamingADeclaredFieldUnderNoneIsADeclaredFieldViolation() {
    Schema renamed = replace(2, optional(2, "cust_id", Types.StringType.get()));

    List<ContractViolation> none =
        change(contract(Compatibility.NONE, field("customer_id", 12)), renamed);
    List<ContractViolation> backward =
        change(contract(Compatibility.BACKWARD, field("customer_id", 12)), renamed);

    assertThat(rules(none)).containsExactly("declared-field");
    assertThat(rules(backward)).containsExactly("rename-field");
    assertThat(backward.get(0).ruleOrigin()).isEqualTo(origin(12));
  }

  @ParameterizedTest(name = "{0} to {1} under {2}: {3}")
  @CsvSource({
    "3,long,backward,",
    "3,long,forward,widen-type",
    "3,long,full,widen-type",
    "3,long,none,",
    "4,double,backward,",
    "4,double,full,widen-type",
    "5,'decimal(12,2)',backward,",
    "5,'decimal(12,2)',forward,widen-type",
    "5,'decimal(12,3)',backward,narrow-type",
    "5,'decimal(8,2)',backward,narrow-type",
    "3,string,backward,narrow-type",
    "3,string,forward,narrow-type",
    "3,string,full,narrow-type",
    "3,string,none,",
    "9,timestamp,backward,narrow-type",
  })
  void typeChangesWidenOnlyAsIcebergPromotesAndNarrowOtherwise(
      int id, String type, String mode, String rule) {
    List<ContractViolation> violations =
        change(contract(mode(mode)), retype(id, Types.fromPrimitiveString(type)));

    if (rule == null) {
      assertThat(violations).isEmpty();
    } else {
      assertThat(violations)
          .singleElement()
          .satisfies(
              v -> {
                assertThat(v.rule()).isEqualTo(rule);
                assertThat(v.field()).isEqualTo(ORDERS.findColumnName(id));
                assertThat(v.message())
                    .contains(ORDERS.findType(id).toString())
                    .contains(Types.fromPrimitiveString(type).toString());
              });
    }
  }

  @Test
  void aNestedFieldsTypeChangeIsReportedUnderItsDottedName() {
    Schema retyped =
        replace(
            6,
            optional(
                6,
                "address",
                Types.StructType.of(
                    optional(7, "zip", Types.IntegerType.get()),
                    optional(8, "city", Types.StringType.get()))));

    List<ContractViolation> violations = change(contract(Compatibility.BACKWARD), retyped);

    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.rule()).isEqualTo("narrow-type");
              assertThat(v.field()).isEqualTo("address.zip");
              assertThat(v.message())
                  .isEqualTo(
                      "Field 'address.zip' changes type from string to int, which is not a promotion"
                          + " Iceberg allows and compatibility backward refuses.");
            });
  }

  @Test
  void aListElementWidenedIsReportedUnderForward() {
    Schema widened = retype(10, Types.ListType.ofOptional(11, Types.StringType.get()));
    assertThat(change(contract(Compatibility.FULL), widened)).isEmpty();

    Schema longs =
        new Schema(
            required(1, "id", Types.LongType.get()),
            optional(10, "counts", Types.ListType.ofOptional(11, Types.IntegerType.get())));
    Schema wider =
        new Schema(
            required(1, "id", Types.LongType.get()),
            optional(10, "counts", Types.ListType.ofOptional(11, Types.LongType.get())));

    List<ContractViolation> violations =
        SchemaChangeCheck.check(
            contract(Compatibility.FORWARD), longs, null, wider, null, Map.of());

    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.rule()).isEqualTo("widen-type");
              assertThat(v.field()).isEqualTo("counts.element");
            });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "backward,required-field,",
    "forward,,optional-field",
    "full,required-field,optional-field",
    "none,,"
  })
  void optionalityChangesFollowTheMode(String mode, String toRequired, String toOptional) {
    Schema madeRequired = replace(2, required(2, "customer_id", Types.StringType.get()));
    Schema madeOptional = replace(1, optional(1, "id", Types.LongType.get()));

    List<ContractViolation> required = change(contract(mode(mode)), madeRequired);
    List<ContractViolation> optional = change(contract(mode(mode)), madeOptional);

    assertThat(rules(required)).isEqualTo(toRequired == null ? List.of() : List.of(toRequired));
    assertThat(rules(optional)).isEqualTo(toOptional == null ? List.of() : List.of(toOptional));
    if (toRequired != null) {
      assertThat(required.get(0).message())
          .isEqualTo(
              "Field 'customer_id' changes from optional to required, which compatibility "
                  + mode
                  + " refuses: files already written may hold nulls in it.");
    }
    if (toOptional != null) {
      assertThat(optional.get(0).message())
          .isEqualTo(
              "Field 'id' changes from required to optional, which compatibility "
                  + mode
                  + " refuses: readers of the old schema expect a value in it.");
    }
  }

  @ParameterizedTest(name = "{0}: refused={1}")
  @CsvSource({"backward,true", "forward,false", "full,true", "none,false"})
  void aNewRequiredFieldWithoutDefaultIsRefusedWhereBackwardIsChecked(
      String mode, boolean refused) {
    List<ContractViolation> violations =
        change(contract(mode(mode)), plus(required(12, "channel", Types.StringType.get())));

    if (refused) {
      assertThat(violations)
          .singleElement()
          .satisfies(
              v -> {
                assertThat(v.rule()).isEqualTo("required-field");
                assertThat(v.field()).isEqualTo("channel");
                assertThat(v.message())
                    .isEqualTo(
                        "New field 'channel' is required without an initial default, which compatibility "
                            + mode
                            + " refuses: files already written hold no value for it.");
              });
    } else {
      assertThat(violations).isEmpty();
    }
  }

  @Test
  void newFieldsThatOldFilesCanBeReadWithAreAllowedUnderFull() {
    Types.NestedField withDefault =
        Types.NestedField.required("channel")
            .withId(12)
            .ofType(Types.StringType.get())
            .withInitialDefault(Literal.of("web"))
            .build();
    Types.NestedField optionalStructWithRequiredField =
        optional(
            13, "shipping", Types.StructType.of(required(14, "carrier", Types.StringType.get())));

    assertThat(change(contract(Compatibility.FULL), plus(withDefault))).isEmpty();
    assertThat(change(contract(Compatibility.FULL), plus(optionalStructWithRequiredField)))
        .isEmpty();
    assertThat(
            change(
                contract(Compatibility.FULL), plus(optional(12, "note", Types.StringType.get()))))
        .isEmpty();
  }

  @Test
  void aNewRequiredFieldInAnExistingStructIsRefusedUnderItsDottedName() {
    Schema after =
        replace(
            6,
            optional(
                6,
                "address",
                Types.StructType.of(
                    optional(7, "zip", Types.StringType.get()),
                    optional(8, "city", Types.StringType.get()),
                    required(15, "country", Types.StringType.get()))));

    assertThat(change(contract(Compatibility.BACKWARD), after))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.rule()).isEqualTo("required-field");
              assertThat(v.field()).isEqualTo("address.country");
            });
  }

  @ParameterizedTest(name = "{0}: refused={1}")
  @CsvSource({"backward,true", "forward,true", "full,true", "none,false"})
  void changingTheTransformOfAPromisedPartitionFieldIsRefusedUnlessModeIsNone(
      String mode, boolean refused) {
    PartitionSpec byHour = PartitionSpec.builderFor(ORDERS).hour("event_ts").build();
    Contract contract = contract(mode(mode), List.of("event_ts"), Map.of());

    List<ContractViolation> violations =
        SchemaChangeCheck.check(contract, ORDERS, BY_DAY, ORDERS, byHour, Map.of());

    if (refused) {
      assertThat(violations)
          .singleElement()
          .satisfies(
              v -> {
                assertThat(v.rule()).isEqualTo("partition-field");
                assertThat(v.field()).isEqualTo("event_ts");
                assertThat(v.message())
                    .isEqualTo(
                        "Partitioning by 'event_ts' changes from day to hour, which the contract's"
                            + " partition-fields refuse.");
                assertThat(v.ruleOrigin()).isEqualTo(CONTRACT);
              });
    } else {
      assertThat(violations).isEmpty();
    }
  }

  @Test
  void partitionChangesOnOtherColumnsOrAddingThePromisedOneAreAllowed() {
    Contract contract = contract(Compatibility.FULL, List.of("event_ts"), Map.of());
    PartitionSpec dayAndBucket =
        PartitionSpec.builderFor(ORDERS).day("event_ts").bucket("customer_id", 16).build();
    PartitionSpec unpartitioned = PartitionSpec.unpartitioned();

    assertThat(SchemaChangeCheck.check(contract, ORDERS, BY_DAY, ORDERS, dayAndBucket, Map.of()))
        .isEmpty();
    assertThat(SchemaChangeCheck.check(contract, ORDERS, unpartitioned, ORDERS, BY_DAY, Map.of()))
        .isEmpty();
    assertThat(SchemaChangeCheck.check(contract, ORDERS, BY_DAY, ORDERS, BY_DAY, Map.of()))
        .isEmpty();
  }

  @Test
  void droppingThePromisedPartitionFieldIsRefused() {
    Contract contract = contract(Compatibility.BACKWARD, List.of("event_ts"), Map.of());
    PartitionSpec byCustomer = PartitionSpec.builderFor(ORDERS).identity("customer_id").build();

    assertThat(SchemaChangeCheck.check(contract, ORDERS, BY_DAY, ORDERS, byCustomer, Map.of()))
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.message())
                    .isEqualTo(
                        "Partitioning by 'event_ts' changes from day to none, which the"
                            + " contract's partition-fields refuse."));
  }

  @Test
  void aTableCreatedUnderAContractMustPartitionByItsPartitionFields() {
    Contract contract = contract(Compatibility.BACKWARD, List.of("event_ts"), Map.of());

    List<ContractViolation> unpartitioned =
        SchemaChangeCheck.check(
            contract, null, null, ORDERS, PartitionSpec.unpartitioned(), Map.of());
    List<ContractViolation> byDay =
        SchemaChangeCheck.check(contract, null, null, ORDERS, BY_DAY, Map.of());

    assertThat(unpartitioned)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.rule()).isEqualTo("partition-field");
              assertThat(v.message())
                  .isEqualTo(
                      "The table is created without partitioning by 'event_ts', which the contract's"
                          + " partition-fields require.");
            });
    assertThat(byDay).isEmpty();
  }

  @Test
  void aTableCreatedUnderAContractHasItsDeclaredFieldsAndTypesChecked() {
    Contract contract =
        contract(
            Compatibility.FULL,
            typed("id", "bigint", 10),
            typed("total", "decimal(10,2)", 11),
            typed("event_ts", "timestamp(6) with time zone", 12),
            typed("customer_id", "varchar", 13),
            typed("tags", "array(varchar)", 14),
            typed("address", "row(zip varchar)", 15),
            typed("address.city", "varchar", 16),
            typed("quantity", "bigint", 17),
            field("discount", 18));

    List<ContractViolation> violations =
        SchemaChangeCheck.check(contract, null, null, ORDERS, BY_DAY, Map.of());

    assertThat(violations)
        .extracting(
            ContractViolation::rule, ContractViolation::field, ContractViolation::ruleOrigin)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("declared-type", "quantity", origin(17)),
            org.assertj.core.groups.Tuple.tuple("declared-field", "discount", origin(18)));
    assertThat(violations.get(0).message())
        .isEqualTo(
            "Declared field 'quantity' is bigint in the contract but int in the table's schema.");
  }

  @Test
  void declaredTypesAreCheckedInModeNoneAndNothingElseIs() {
    Contract contract = contract(Compatibility.NONE, typed("total", "decimal(10,2)", 11));
    Schema wild =
        new Schema(
            optional(1, "id", Types.StringType.get()),
            required(2, "cust_id", Types.StringType.get()),
            optional(5, "total", Types.DecimalType.of(12, 2)),
            required(20, "channel", Types.StringType.get()));

    List<ContractViolation> violations =
        SchemaChangeCheck.check(
            contract,
            ORDERS,
            BY_DAY,
            wild,
            PartitionSpec.unpartitioned(),
            Map.of("quantity", List.of("nightly_revenue")));

    assertThat(violations)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.rule()).isEqualTo("declared-type");
              assertThat(v.message())
                  .isEqualTo(
                      "Declared field 'total' is decimal(10,2) in the contract but decimal(12, 2) in the"
                          + " table's schema.");
            });
  }

  @Test
  void declaredNamesMatchColumnsIgnoringCaseAsEnginesLowerCaseThem() {
    Contract contract =
        contract(
            Compatibility.BACKWARD, typed("Customer_ID", "varchar", 10), field("ADDRESS.Zip", 11));

    assertThat(SchemaChangeCheck.check(contract, null, null, ORDERS, BY_DAY, Map.of())).isEmpty();
  }

  @Test
  void aNameMatchingTwoColumnsButNeitherExactlyMatchesNone() {
    Schema twoSpellings =
        new Schema(
            optional(1, "Zip", Types.StringType.get()), optional(2, "zip", Types.StringType.get()));

    assertThat(
            SchemaChangeCheck.check(
                contract(Compatibility.NONE, field("ZIP", 10)),
                null,
                null,
                twoSpellings,
                null,
                Map.of()))
        .extracting(ContractViolation::rule)
        .containsExactly("declared-field");
  }

  @Test
  void withoutAModeTheContractIsCheckedAsBackward() {
    Contract unset = contract(null);

    assertThat(rules(change(unset, retype(3, Types.LongType.get())))).isEmpty();
    assertThat(rules(change(unset, replace(1, optional(1, "id", Types.LongType.get()))))).isEmpty();
    assertThat(rules(change(unset, replace(2, required(2, "customer_id", Types.StringType.get())))))
        .containsExactly("required-field");
  }

  @Test
  void anUnchangedSchemaBreaksNothingInAnyMode() {
    for (Compatibility mode : Compatibility.values()) {
      assertThat(change(contract(mode, List.of("event_ts"), Map.of()), ORDERS)).isEmpty();
    }
  }
}
