package dev.sluice.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.policy.load.LoadResult;
import dev.sluice.policy.load.PolicyError;
import dev.sluice.policy.load.PolicyLoader;
import dev.sluice.policy.load.SourceFile;
import dev.sluice.policy.model.Consent;
import dev.sluice.policy.model.TableName;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsentSubjectColumnsTest {
  private static final String BUNDLE =
      """
      apiVersion: sluice.dev/v1
      zones:
        crm: {namespaces: [crm]}
      datasets:
        crm.orders:
          columns:
            buyer_id:
            seller_id:
            consent_status:
          consent:
            subject-column: buyer_id
            subject-columns: [seller_id, buyer_id]
            status-column: consent_status
      """;

  @Test
  void declaredSubjectColumnsAreAllSubjectColumns() {
    LoadResult result = PolicyLoader.load(List.of(new SourceFile("a.yaml", BUNDLE)));
    assertThat(result.errors()).isEmpty();
    Consent consent =
        result.bundle().orElseThrow().dataset(TableName.of("crm.orders")).orElseThrow().consent();
    assertThat(consent.subjectColumn()).isEqualTo("buyer_id");
    assertThat(consent.subjectColumns()).containsExactly("seller_id", "buyer_id");
    assertThat(consent.allSubjectColumns()).containsExactly("buyer_id", "seller_id");
    assertThat(consent.describe()).contains("(subject buyer_id, seller_id)");
  }

  @Test
  void aSubjectColumnThatIsNotDeclaredIsAnError() {
    LoadResult result =
        PolicyLoader.load(
            List.of(
                new SourceFile(
                    "a.yaml", BUNDLE.replace("[seller_id, buyer_id]", "[seller_id, courier_id]"))));
    assertThat(result.errors().stream().map(PolicyError::toString))
        .containsExactly(
            "a.yaml:12:36: dataset 'crm.orders' subject-columns 'courier_id' is not one of its"
                + " columns");
  }
}
