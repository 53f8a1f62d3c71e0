package dev.sluice.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.policy.eval.ColumnMask;
import dev.sluice.policy.eval.Decision;
import dev.sluice.policy.eval.PolicyEngine;
import dev.sluice.policy.eval.Principal;
import dev.sluice.policy.model.Action;
import dev.sluice.policy.model.TableName;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tables and columns no dataset declares: judged by their real namespace levels, and classified by
 * the classifications' name rules wherever they are.
 */
class UndeclaredColumnsTest {
  private static final PolicyEngine ENGINE = PolicyEngine.compile(ExampleBundle.load());
  private static final Principal ANALYST = Principal.user("alice", "analysts");
  private static final Principal PRIVACY = Principal.user("priya", "privacy-office");
  private static final TableName CALLS = TableName.of("raw.support_calls");
  private static final List<String> CALL_COLUMNS = List.of("call_id", "caller_email", "region");

  @Test
  void anUndeclaredColumnNamedLikePiiIsMaskedForEveryReaderOutsideUnmaskedFor() {
    Decision analyst = ENGINE.decide(ANALYST, Action.READ, CALLS, CALL_COLUMNS, null);
    assertThat(analyst.allowed()).isTrue();
    assertThat(analyst.masks()).extracting(ColumnMask::column).containsExactly("caller_email");
    assertThat(analyst.mask("caller_email").orElseThrow().mask()).isEqualTo("redact");
    assertThat(analyst.rules()).contains("by name rule '*_email'");

    Decision privacy = ENGINE.decide(PRIVACY, Action.READ, CALLS, CALL_COLUMNS, null);
    assertThat(privacy.allowed()).isTrue();
    assertThat(privacy.masks()).isEmpty();
  }

  @Test
  void anUndeclaredColumnOfADeclaredDatasetIsClassifiedToo() {
    Decision analyst =
        ENGINE.decide(
            ANALYST,
            Action.READ,
            TableName.of("raw.customers"),
            List.of("customer_id", "backup_email"),
            null);
    assertThat(analyst.masks()).extracting(ColumnMask::column).containsExactly("backup_email");
  }

  @Test
  void aZoneThatForbidsTheClassificationMasksItForEveryone() {
    Decision privacy =
        ENGINE.decide(PRIVACY, Action.READ, TableName.of("silver.callbacks"), CALL_COLUMNS, null);
    assertThat(privacy.allowed()).isTrue();
    assertThat(privacy.masks()).extracting(ColumnMask::column).containsExactly("caller_email");
  }

  @Test
  void trinoTypesRenderTheNameRuleMask() {
    Decision analyst =
        ENGINE.decideTyped(
            ANALYST,
            Action.READ,
            CALLS,
            new java.util.LinkedHashMap<>(java.util.Map.of("caller_email", "varchar(200)")),
            null);
    assertThat(analyst.mask("caller_email").orElseThrow().expression())
        .isEqualTo("CAST('REDACTED' AS varchar(200))");
  }

  @Test
  void aPurposeThatNeedsConsentIsRefusedOnUndeclaredPersonalData() {
    Principal pipeline = Principal.client("training-pipeline");
    // read one harmless column for training: the table still holds personal data
    Decision refused =
        ENGINE.decide(ANALYST, Action.READ, CALLS, List.of("call_id"), "training", CALL_COLUMNS);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.rules()).contains("holds personal data and declares no consent columns");

    Decision withoutPii =
        ENGINE.decide(
            ANALYST,
            Action.READ,
            TableName.of("raw.support_stats"),
            List.of("calls"),
            "training",
            List.of("day", "calls"));
    assertThat(withoutPii.allowed()).isTrue();

    // a declared dataset with consent keeps its consent filter
    Decision consented =
        ENGINE.decide(
            pipeline, Action.READ, TableName.of("raw.customers"), List.of("customer_id"), null);
    assertThat(consented.allowed()).isTrue();
    assertThat(consented.rowFilters()).isNotEmpty();
  }

  @Test
  void namesAreJudgedByTheirRealLevels() {
    Principal ingest = Principal.client("ingest");
    // raw.people (namespace raw) is writable by ingest; namespace "raw.lab" as ONE level is not raw
    assertThat(
            ENGINE
                .decide(
                    ingest, Action.WRITE, new TableName(List.of("raw"), "people"), List.of(), null)
                .allowed())
        .isTrue();
    assertThat(
            ENGINE
                .decide(
                    ingest,
                    Action.WRITE,
                    new TableName(List.of("raw.lab"), "people"),
                    List.of(),
                    null)
                .allowed())
        .isFalse();
    // a dotted table name in raw is a table of raw, and never the declared dataset raw.customers
    TableName dotted = new TableName(List.of("raw"), "lab.customers");
    Decision read = ENGINE.decide(ANALYST, Action.READ, dotted, List.of("name"), null);
    assertThat(read.allowed()).isTrue();
    assertThat(read.table()).isEqualTo("raw.\"lab.customers\"");
    // nested namespaces belong to their parent's zone
    assertThat(
            ENGINE
                .decide(ingest, Action.WRITE, TableName.of("raw.lab.people"), List.of(), null)
                .allowed())
        .isTrue();
    assertThat(ENGINE.canSeeNamespace(Principal.client("spark"), List.of("silver.eu"))).isFalse();
    assertThat(ENGINE.canSeeNamespace(Principal.client("spark"), List.of("silver", "eu"))).isTrue();
  }

  @Test
  void writersWhoReadMaskedAreNamed() {
    assertThat(
            ENGINE.maskedForWriter(
                Principal.standingFor(dev.sluice.policy.model.Subject.of("group:data-platform")),
                TableName.of("raw.customers"),
                List.of("customer_id", "name", "phone")))
        .containsExactly("name", "phone");
    // ingest writes raw without reading it; analysts read without writing
    assertThat(
            ENGINE.maskedForWriter(
                Principal.client("ingest"), TableName.of("raw.customers"), List.of("name")))
        .isEmpty();
    assertThat(ENGINE.maskedForWriter(ANALYST, TableName.of("raw.customers"), List.of("name")))
        .isEmpty();
  }
}
