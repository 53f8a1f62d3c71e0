package dev.sluice.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.sluice.policy.diff.AccessChange;
import dev.sluice.policy.diff.AccessDiff;
import dev.sluice.policy.diff.ChangeKind;
import dev.sluice.policy.diff.DiffReport;
import dev.sluice.policy.diff.Risk;
import dev.sluice.policy.load.PolicyLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessDiffTest {

  @TempDir Path head;

  private DiffReport diffAgainstExample() {
    return AccessDiff.compare(ExampleBundle.load(), PolicyLoader.load(head).orThrow());
  }

  @Test
  void identicalBundlesHaveNoChanges() {
    ExampleBundle.copyTo(head);

    assertThat(diffAgainstExample().isEmpty()).isTrue();
    assertThat(diffAgainstExample().toMarkdown()).contains("No effective access changes.");
  }

  @Test
  void unmaskingAPiiColumnForANewGroupIsFlagged() {
    ExampleBundle.copyTo(head);
    ExampleBundle.edit(
        head,
        "domains/growth.yaml",
        "mask: last4, unmasked-for: [group:support]}\n      record_id",
        "mask: last4, unmasked-for: [group:support, group:analysts]}\n      record_id");

    DiffReport report = diffAgainstExample();

    assertThat(report.changes())
        .extracting(
            AccessChange::dataset,
            AccessChange::subject,
            AccessChange::column,
            AccessChange::kind,
            AccessChange::before,
            AccessChange::after,
            AccessChange::risk)
        .containsExactly(
            tuple(
                "raw.customers",
                "group:analysts",
                "phone",
                ChangeKind.COLUMN_UNMASKED,
                "last4",
                "unmasked",
                Risk.PII_WIDENING));
    assertThat(report.toMarkdown())
        .contains("| ⚠️ pii-widening | `group:analysts` | `phone` | column unmasked | `last4` |");
    assertThat(report.toJson()).contains("\"change\" : \"column-unmasked\"");
  }

  @Test
  void newReaderRemovedConsentAndRetentionChangesAreReported() {
    ExampleBundle.copyTo(head);
    // ml-engineers may now read raw.customers; consent goes; time travel doubles.
    ExampleBundle.edit(
        head,
        "domains/growth.yaml",
        "  - principal: group:support\n    read: [raw.customers]",
        "  - principal: group:support\n    read: [raw.customers]\n"
            + "  - principal: group:ml-engineers\n    read: [raw.customers]");
    ExampleBundle.edit(
        head,
        "domains/growth.yaml",
        "    consent:\n      subject-column: customer_id\n      purposes-column: allowed_purposes\n"
            + "      status-column: consent_status\n",
        "");
    ExampleBundle.edit(
        head,
        "domains/growth.yaml",
        "      expires-column: retention_until\n      time-travel: 7d",
        "      expires-column: retention_until\n      time-travel: 14d");

    DiffReport report = diffAgainstExample();

    assertThat(report.changes())
        .filteredOn(c -> c.dataset().equals("raw.customers"))
        .extracting(AccessChange::subject, AccessChange::kind, AccessChange::risk)
        .containsExactly(
            tuple("*", ChangeKind.CONSENT_REMOVED, Risk.CONSENT_REMOVAL),
            tuple("*", ChangeKind.RETENTION_LENGTHENED, null),
            // Training needs consent; without consent columns the pipeline loses the table.
            tuple("client:training-pipeline", ChangeKind.LOSES_READ, null),
            // Masked columns only: name and phone stay masked, so no PII widening.
            tuple("group:ml-engineers", ChangeKind.GAINS_READ, null));
    assertThat(report.changes()).allMatch(c -> c.dataset().equals("raw.customers"));
  }

  @Test
  void tighteningIsReportedWithoutRisk() {
    ExampleBundle.copyTo(head);
    ExampleBundle.edit(
        head,
        "sluice.yaml",
        "    read: [group:privacy-office, group:support, client:trino]",
        "    read: [group:privacy-office, client:trino]");

    DiffReport report = diffAgainstExample();

    assertThat(report.risky()).isEmpty();
    assertThat(report.changes())
        .extracting(AccessChange::dataset, AccessChange::subject, AccessChange::kind)
        .containsExactly(
            tuple("restricted.courier_profile", "group:support", ChangeKind.LOSES_READ),
            tuple("restricted.customer_profile", "group:support", ChangeKind.LOSES_READ));
  }

  @Test
  void nameRulesAddedOrRemovedAreReportedForEveryTable() {
    ExampleBundle.copyTo(head);
    ExampleBundle.edit(head, "sluice.yaml", "\"*_email\", street]", "street, \"*_ssn\"]");

    DiffReport report = diffAgainstExample();

    assertThat(report.changes())
        .filteredOn(c -> c.dataset().equals("*"))
        .extracting(
            AccessChange::column,
            AccessChange::kind,
            AccessChange::before,
            AccessChange::after,
            AccessChange::risk)
        .containsExactlyInAnyOrder(
            tuple("*_email", ChangeKind.NAME_RULE_REMOVED, "pii.direct", null, Risk.PII_WIDENING),
            tuple("*_ssn", ChangeKind.NAME_RULE_ADDED, null, "pii.direct", null));
    assertThat(report.toMarkdown()).contains("*_ssn").contains("masked with redact");
  }

  @Test
  void removingADatasetShowsWhatItsColumnsLoseAndWhatNameRulesStillMask() {
    ExampleBundle.copyTo(head);
    ExampleBundle.edit(
        head,
        "domains/logistics.yaml",
        "  restricted.courier_profile:\n    owner: team:logistics\n    columns:\n"
            + "      courier_id: {type: varchar}\n"
            + "      name: {type: varchar, classification: pii.direct}\n"
            + "      phone: {type: varchar, classification: pii.direct, mask: last4}\n"
            + "      vehicle_plate: {type: varchar, classification: pii.quasi}\n"
            + "      date_of_birth: {type: date, classification: pii.quasi, mask: year-only}\n"
            + "      region:\n",
        "");

    DiffReport report = diffAgainstExample();

    assertThat(report.changes())
        .filteredOn(c -> c.dataset().equals("restricted.courier_profile"))
        .extracting(AccessChange::subject, AccessChange::column, AccessChange::kind)
        .contains(
            tuple(AccessChange.EVERYONE, null, ChangeKind.DATASET_REMOVED),
            tuple("group:support", "vehicle_plate", ChangeKind.COLUMN_UNMASKED),
            // phone keeps a mask through the name rule of pii.direct, its default one
            tuple("group:support", "phone", ChangeKind.MASK_CHANGED))
        // name stays redacted by the name rule
        .doesNotContain(tuple("group:support", "name", ChangeKind.COLUMN_UNMASKED));
  }
}
