package dev.sluice.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.sluice.policy.diff.AccessChange;
import dev.sluice.policy.diff.AccessDiff;
import dev.sluice.policy.diff.ChangeKind;
import dev.sluice.policy.diff.DiffReport;
import dev.sluice.policy.diff.Risk;
import dev.sluice.policy.load.LoadResult;
import dev.sluice.policy.load.PolicyError;
import dev.sluice.policy.load.PolicyLoader;
import dev.sluice.policy.load.SourceFile;
import dev.sluice.policy.model.ColumnType;
import dev.sluice.policy.model.Compatibility;
import dev.sluice.policy.model.Contract;
import dev.sluice.policy.model.ContractSeverity;
import dev.sluice.policy.model.PolicyBundle;
import dev.sluice.policy.model.TableName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContractsTest {

  private static final String ZONES =
      """
      apiVersion: sluice.dev/v1
      zones:
        silver:
          namespaces: [silver]
          contract:
            compatibility: full
            consumers: [team:bi]
            freshness: {max-staleness: 1d}
        gold:
          namespaces: [gold]
      """;

  private static PolicyBundle load(String datasets) {
    return PolicyLoader.load(
            List.of(new SourceFile("global.yaml", ZONES), new SourceFile("d.yaml", datasets)))
        .orThrow();
  }

  private static List<String> errors(String datasets) {
    LoadResult result =
        PolicyLoader.load(
            List.of(new SourceFile("global.yaml", ZONES), new SourceFile("d.yaml", datasets)));
    return result.errors().stream().map(PolicyError::toString).toList();
  }

  @Test
  void theExampleDeclaresAContractWithEveryPart() {
    Contract contract =
        ExampleBundle.load().contract(TableName.of("silver.deliveries_clean")).orElseThrow();

    assertThat(contract.effectiveCompatibility()).isEqualTo(Compatibility.BACKWARD);
    assertThat(contract.effectiveSeverity()).isEqualTo(ContractSeverity.ERROR);
    assertThat(contract.consumers()).contains("team:growth-analytics");
    assertThat(contract.field("delivery_id").orElseThrow().required()).isTrue();
    assertThat(contract.field("order_total").orElseThrow().type())
        .isEqualTo(ColumnType.of("decimal(10,2)"));
    assertThat(contract.field("order_total").orElseThrow().max()).isEqualTo("10000");
    assertThat(contract.field("region").orElseThrow().validValues())
        .containsExactly("eu", "us", "apac");
    assertThat(contract.completeness()).containsEntry("customer_key", 0.01);
    assertThat(contract.maxStaleness()).isEqualTo(Duration.ofHours(6));
    assertThat(contract.origin().toString()).startsWith("domains/logistics.yaml:");
  }

  @Test
  void aDatasetContractOverridesItsZoneDefaultPartByPart() {
    PolicyBundle bundle =
        load(
            """
            apiVersion: sluice.dev/v1
            datasets:
              silver.orders:
                contract:
                  compatibility: backward
                  consumers: [job:features]
                  fields:
                    order_id: {type: bigint, nullable: false}
            """);

    Contract orders = bundle.contract(TableName.of("silver.orders")).orElseThrow();
    assertThat(orders.effectiveCompatibility()).isEqualTo(Compatibility.BACKWARD);
    assertThat(orders.consumers()).containsExactly("team:bi", "job:features");
    assertThat(orders.maxStaleness()).isEqualTo(Duration.ofDays(1));
    assertThat(orders.origin().toString()).isEqualTo("d.yaml:4:5");
    // An undeclared table in the zone keeps the zone's default; another zone has none.
    assertThat(bundle.contract(TableName.of("silver.anything")).orElseThrow().compatibility())
        .isEqualTo(Compatibility.FULL);
    assertThat(bundle.contract(TableName.of("gold.anything"))).isEmpty();
  }

  @Test
  void everyMistakeIsReportedAtItsFileLineAndColumn() {
    assertThat(
            errors(
                """
                apiVersion: sluice.dev/v1
                datasets:
                  gold.t:
                    contract:
                      compatibility: sideways
                      severity: fatal
                      fields:
                        a: {type: bigint, nullable: maybe, valid-range: [10, 1]}
                        b: {type: boolean, valid-range: [0, 1]}
                        c: {type: date, valid-range: {min: yesterday}}
                        d: {type: bigint, valid-values: [1, two]}
                        e: {type: money}
                      completeness: {a: 2, b: 5%}
                      freshness: {max-staleness: soon}
                      owner: me
                """))
        .containsExactly(
            "d.yaml:5:22: dataset 'gold.t' contract compatibility 'sideways' is not one of:"
                + " backward, forward, full, none",
            "d.yaml:6:17: dataset 'gold.t' contract severity 'fatal' is not one of: error,"
                + " warning",
            "d.yaml:8:37: dataset 'gold.t' contract field 'a' nullable must be true or false, not"
                + " 'maybe'",
            "d.yaml:8:44: dataset 'gold.t' contract field 'a' valid-range min 10 is above max 1",
            "d.yaml:9:28: dataset 'gold.t' contract field 'b' valid-range does not apply to a"
                + " field of this type",
            "d.yaml:10:44: dataset 'gold.t' contract field 'c' valid-range bound 'yesterday' is"
                + " not a value of the field's type",
            "d.yaml:11:45: dataset 'gold.t' contract field 'd' valid-values 'two' is not a bigint",
            "d.yaml:12:19: unknown column type 'money' (use a Trino type such as varchar, bigint,"
                + " double, decimal(9,6), date, timestamp(6) with time zone, array(varchar))",
            "d.yaml:13:25: dataset 'gold.t' contract completeness 'a' must be the largest null"
                + " fraction, 0 to 1 or a percentage (0.01, 1%), not '2'",
            "d.yaml:14:34: dataset 'gold.t' contract freshness max-staleness 'soon' is not a"
                + " duration (e.g. 90s, 30m, 6h, 2d)",
            "d.yaml:15:7: unknown key 'owner' in dataset 'gold.t' contract (expected one of:"
                + " compatibility, completeness, consumers, description, fields, freshness,"
                + " partition-fields, producer, severity)");
  }

  @Test
  void aDomainFileMayNotReplaceAGlobalContract() {
    List<SourceFile> files =
        List.of(
            new SourceFile(
                "global.yaml",
                ZONES
                    + """
                    datasets:
                      gold.t:
                        contract: {compatibility: full}
                    """),
            new SourceFile(
                "domains/team.yaml",
                """
                apiVersion: sluice.dev/v1
                datasets:
                  gold.t:
                    contract: {compatibility: none}
                """));

    assertThat(PolicyLoader.load(files).errors().stream().map(PolicyError::toString))
        .containsExactly(
            "domains/team.yaml:4:5: dataset 'gold.t' would replace the contract set at"
                + " global.yaml:13:5 (a domain file may tighten, never loosen, global rules)");
  }

  @TempDir Path head;

  @Test
  void aLoosenedOrRemovedContractIsFlaggedForReview() {
    ExampleBundle.copyTo(head);
    ExampleBundle.edit(
        head, "domains/logistics.yaml", "compatibility: backward", "compatibility: none");
    ExampleBundle.edit(
        head, "domains/logistics.yaml", "valid-range: [0, 10000]", "valid-range: [0, 20000]");
    ExampleBundle.edit(head, "domains/logistics.yaml", "max-staleness: 6h", "max-staleness: 2h");
    ExampleBundle.edit(
        head,
        "domains/logistics.yaml",
        "        region: {type: varchar, valid-values: [eu, us, apac]}\n",
        "");

    DiffReport report = AccessDiff.compare(ExampleBundle.load(), PolicyLoader.load(head).orThrow());

    assertThat(report.changes())
        .extracting(
            AccessChange::dataset,
            AccessChange::column,
            AccessChange::kind,
            AccessChange::before,
            AccessChange::after,
            AccessChange::risk)
        .containsExactlyInAnyOrder(
            tuple(
                "silver.deliveries_clean",
                null,
                ChangeKind.CONTRACT_LOOSENED,
                "backward",
                "none",
                Risk.CONTRACT_LOOSENING),
            tuple(
                "silver.deliveries_clean",
                "order_total",
                ChangeKind.CONTRACT_LOOSENED,
                "[0, 10000]",
                "[0, 20000]",
                Risk.CONTRACT_LOOSENING),
            tuple(
                "silver.deliveries_clean",
                "region",
                ChangeKind.CONTRACT_LOOSENED,
                "varchar one of eu, us, apac",
                null,
                Risk.CONTRACT_LOOSENING),
            tuple(
                "silver.deliveries_clean", null, ChangeKind.CONTRACT_TIGHTENED, "6h", "2h", null));
    assertThat(report.has(Risk.CONTRACT_LOOSENING)).isTrue();
    assertThat(report.toMarkdown()).contains("contract loosened").contains("contract-loosening");
  }

  @Test
  void removingAContractIsFlaggedAndAddingOneIsNot() {
    ExampleBundle.copyTo(head);
    String text = ExampleBundle.read(head, "domains/logistics.yaml");
    int start = text.indexOf("    # What the producer promises");
    int end = text.indexOf("\n\n", start);
    ExampleBundle.edit(head, "domains/logistics.yaml", text.substring(start, end + 1), "");

    DiffReport removed =
        AccessDiff.compare(ExampleBundle.load(), PolicyLoader.load(head).orThrow());
    DiffReport added = AccessDiff.compare(PolicyLoader.load(head).orThrow(), ExampleBundle.load());

    assertThat(removed.changes())
        .extracting(AccessChange::kind, AccessChange::risk)
        .containsExactly(tuple(ChangeKind.CONTRACT_REMOVED, Risk.CONTRACT_LOOSENING));
    assertThat(added.changes())
        .extracting(AccessChange::kind, AccessChange::after)
        .containsExactly(
            tuple(
                ChangeKind.CONTRACT_ADDED,
                "backward, error, 4 fields, completeness on customer_key, fresh within 6h"));
  }
}
