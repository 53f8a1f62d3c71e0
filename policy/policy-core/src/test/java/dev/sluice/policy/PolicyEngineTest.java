package dev.sluice.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.policy.eval.ColumnMask;
import dev.sluice.policy.eval.Decision;
import dev.sluice.policy.eval.ExplainStep;
import dev.sluice.policy.eval.PolicyEngine;
import dev.sluice.policy.eval.Principal;
import dev.sluice.policy.eval.RowFilterExpression;
import dev.sluice.policy.model.Action;
import dev.sluice.policy.model.TableName;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {

  private static final PolicyEngine ENGINE = PolicyEngine.compile(ExampleBundle.load());
  private static final List<String> NAME_PHONE = List.of("customer_id", "name", "phone");

  @Test
  void analystSeesPhoneAsLastFourAndNameRedacted() {
    Decision decision =
        ENGINE.decide(
            Principal.user("alice", "analysts"),
            Action.READ,
            TableName.of("raw.customers"),
            NAME_PHONE,
            null);

    assertThat(decision.allowed()).isTrue();
    assertThat(decision.masks())
        .containsExactly(
            new ColumnMask("name", "redact", "CAST('REDACTED' AS varchar)"),
            new ColumnMask("phone", "last4", "concat('****', substr(\"phone\", -4))"));
    assertThat(decision.rowFilters()).isEmpty();
    assertThat(decision.explain().stream().map(ExplainStep::toString))
        .containsExactly(
            "zone 'raw' grants read to group:analysts (sluice.yaml:6:3)",
            "column name (pii.direct) masked with redact (default of pii.direct)"
                + " (domains/growth.yaml:11:7)",
            "column phone (pii.direct) masked with last4 (column rule) (domains/growth.yaml:12:7)");
  }

  @Test
  void privacyOfficeSeesRawValues() {
    Decision decision =
        ENGINE.decide(
            Principal.user("pat", "privacy-office"),
            Action.READ,
            TableName.of("raw.customers"),
            NAME_PHONE,
            null);

    assertThat(decision.allowed()).isTrue();
    assertThat(decision.masks()).isEmpty();
    assertThat(decision.explain().stream().map(ExplainStep::rule))
        .contains("column phone unmasked for group:privacy-office by classification pii.direct");
  }

  @Test
  void trainingPipelineSeesOnlyRowsWhoseConsentAllowsTraining() {
    Decision decision =
        ENGINE.decide(
            Principal.client("training-pipeline"),
            Action.READ,
            TableName.of("raw.customers"),
            NAME_PHONE,
            null);

    assertThat(decision.allowed()).isTrue();
    assertThat(decision.purpose()).isEqualTo("training");
    assertThat(decision.rowFilters())
        .extracting(RowFilterExpression::kind, RowFilterExpression::expression)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                RowFilterExpression.Kind.CONSENT,
                "\"consent_status\" = 'granted' AND contains(\"allowed_purposes\", 'training')"));
    assertThat(decision.isMasked("phone")).isTrue();
  }

  @Test
  void trainingPipelineMayNotActForAnotherPurpose() {
    Decision decision =
        ENGINE.decide(
            Principal.client("training-pipeline"),
            Action.READ,
            TableName.of("raw.customers"),
            NAME_PHONE,
            "analytics");

    assertThat(decision.allowed()).isFalse();
    assertThat(decision.explain().get(0).rule())
        .isEqualTo("client:training-pipeline may act only for purposes [training]");
  }

  @Test
  void userWithNoGrantIsDeniedByDefault() {
    Decision decision =
        ENGINE.decide(
            Principal.user("mallory"),
            Action.READ,
            TableName.of("raw.customers"),
            NAME_PHONE,
            null);

    assertThat(decision.allowed()).isFalse();
    assertThat(decision.masks()).isEmpty();
    assertThat(decision.explain().stream().map(ExplainStep::rule))
        .containsExactly(
            "no zone or grant gives user:mallory read on raw.customers",
            "nothing else applies: default deny");
  }

  @Test
  void tablesOutsideEveryZoneAreDenied() {
    Decision decision =
        ENGINE.decide(
            Principal.user("alice", "analysts"),
            Action.READ,
            TableName.of("scratch.t"),
            List.of(),
            null);

    assertThat(decision.allowed()).isFalse();
  }

  @Test
  void supportSeesPhoneButOnlyTheirRegion() {
    Decision decision =
        ENGINE.decide(
            Principal.user("sam", "support"),
            Action.READ,
            TableName.of("raw.customers"),
            NAME_PHONE,
            null);

    assertThat(decision.allowed()).isTrue();
    assertThat(decision.masks()).extracting(ColumnMask::column).containsExactly("name");
    assertThat(decision.rowFilters())
        .extracting(RowFilterExpression::expression)
        .containsExactly("region = 'eu'");
  }

  @Test
  void curatedZoneMasksForbiddenClassificationsEvenForThePrivacyOffice() {
    Decision decision =
        ENGINE.decide(
            Principal.user("pat", "privacy-office"),
            Action.READ,
            TableName.of("silver.deliveries_clean"),
            List.of("drop_latitude", "customer_key"),
            null);

    assertThat(decision.masks())
        .containsExactly(
            new ColumnMask("drop_latitude", "round-coordinates", "round(\"drop_latitude\", 2)"));
  }

  @Test
  void writeAndAdminFollowZonesGrantsAndRoles() {
    assertThat(
            ENGINE
                .decide(
                    Principal.client("ingest"),
                    Action.WRITE,
                    TableName.of("raw.customers"),
                    List.of(),
                    null)
                .allowed())
        .isTrue();
    assertThat(
            ENGINE
                .decide(
                    Principal.client("ingest"),
                    Action.READ,
                    TableName.of("raw.customers"),
                    List.of(),
                    null)
                .allowed())
        .isFalse();
    Principal admin =
        new Principal("root", Principal.Kind.USER, Set.of(), Set.of("platform-admin"));
    assertThat(
            ENGINE
                .decide(
                    admin, Action.ADMIN, TableName.of("silver.deliveries_clean"), List.of(), null)
                .allowed())
        .isTrue();
    // Admin implies read; tables not declared in a zone namespace follow the zone's grants.
    assertThat(
            ENGINE
                .decide(admin, Action.READ, TableName.of("raw.undeclared"), List.of(), null)
                .allowed())
        .isTrue();
  }

  @Test
  void masksAreRenderedForTheTypeTheEngineReports() {
    Decision decision =
        ENGINE.decideTyped(
            Principal.user("alice", "analysts"),
            Action.READ,
            TableName.of("raw.customers"),
            Map.of("phone", "varchar(20)"),
            null);

    assertThat(decision.mask("phone").orElseThrow().expression())
        .isEqualTo("CAST(concat('****', substr(\"phone\", -4)) AS varchar(20))");
  }

  @Test
  void unknownPurposeIsDenied() {
    assertThat(
            ENGINE
                .decide(
                    Principal.user("alice", "analysts"),
                    Action.READ,
                    TableName.of("raw.customers"),
                    NAME_PHONE,
                    "marketing")
                .allowed())
        .isFalse();
  }

  @Test
  void namespaceActionsComeFromZonesAndNamespaceGrantsOnly() {
    Decision ingest =
        ENGINE.decideNamespace(Principal.client("ingest"), Action.WRITE, List.of("raw"));
    Decision analystWrite =
        ENGINE.decideNamespace(Principal.user("alice", "analysts"), Action.WRITE, List.of("raw"));
    Decision platformAdmin =
        ENGINE.decideNamespace(
            new Principal("dana", Principal.Kind.USER, Set.of(), Set.of("platform-admin")),
            Action.ADMIN,
            List.of("silver"));

    assertThat(ingest.allowed()).isTrue();
    assertThat(ingest.explain().get(0).rule())
        .isEqualTo("zone 'raw' grants write to client:ingest");
    assertThat(analystWrite.allowed()).isFalse();
    assertThat(platformAdmin.allowed()).isTrue();
    assertThat(platformAdmin.explain().get(0).rule())
        .isEqualTo("grant gives role:platform-admin admin on silver.*");
    assertThat(
            ENGINE
                .decideNamespace(
                    Principal.user("dana", "data-platform"), Action.ADMIN, List.of("nowhere"))
                .allowed())
        .isFalse();
  }

  @Test
  void namespacesAreVisibleOnlyWhereThePrincipalHasSomeAccess() {
    Principal spark = Principal.client("spark");
    Principal support = Principal.user("sam", "support");

    assertThat(ENGINE.canSeeNamespace(spark, List.of("silver"))).isTrue();
    assertThat(ENGINE.canSeeNamespace(spark, List.of("raw"))).isFalse();
    assertThat(ENGINE.canSeeNamespace(spark, List.of("restricted"))).isFalse();
    // support reads raw.customers through a table grant, so raw is listed; silver is not
    assertThat(ENGINE.canSeeNamespace(support, List.of("raw"))).isTrue();
    assertThat(ENGINE.canSeeNamespace(support, List.of("restricted"))).isTrue();
    assertThat(ENGINE.canSeeNamespace(support, List.of("silver"))).isFalse();
    assertThat(ENGINE.canSeeNamespace(Principal.user("nobody"), List.of("raw"))).isFalse();
  }

  @Test
  void classificationNameRulesMatchCaseInsensitiveGlobs() {
    var direct = ENGINE.bundle().classifications().get("pii.direct");

    assertThat(direct.nameRuleFor("Phone")).contains("phone");
    assertThat(direct.nameRuleFor("courier_phone")).contains("*_phone");
    assertThat(direct.nameRuleFor("phone_model")).isEmpty();
    assertThat(direct.nameRuleFor("order_id")).isEmpty();
  }

  @Test
  void aZoneForbiddingAClassificationRefusesNewColumnsCarryingIt() {
    assertThat(ENGINE.refuseNewColumn(TableName.of("silver.orders_clean"), "courier_phone", null))
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .startsWith(
                        "column courier_phone is classified pii.direct by name rule '*_phone'")
                    .contains("zone 'silver' forbids [pii.direct, pii.location]"));
    assertThat(ENGINE.refuseNewColumn(TableName.of("silver.orders_clean"), "note", "pii.direct"))
        .hasValueSatisfying(why -> assertThat(why).contains("is tagged pii.direct"));
    // raw forbids nothing; quasi-identifiers are not forbidden in silver
    assertThat(ENGINE.refuseNewColumn(TableName.of("raw.signups"), "phone", null)).isEmpty();
    assertThat(ENGINE.refuseNewColumn(TableName.of("silver.orders_clean"), "postcode", "pii.quasi"))
        .isEmpty();
    assertThat(ENGINE.refuseNewColumn(TableName.of("silver.orders_clean"), "order_id", null))
        .isEmpty();
  }
}
