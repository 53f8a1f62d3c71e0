package dev.sluice.catalog.trino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.policy.eval.Principal;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrinoPrincipalsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode identity(String user, String... groups) {
    ObjectNode identity = JSON.createObjectNode().put("user", user);
    for (String group : groups) {
      identity.withArray("groups").add(group);
    }
    return identity;
  }

  private final TrinoPrincipals principals =
      new TrinoPrincipals(
          List.of(
              "service-account-training-pipeline=client:training-pipeline",
              " service-account-ingest = client:ingest "));

  @Test
  void onlyMappedUsersAreClients() {
    assertThat(principals.of(identity("service-account-training-pipeline")))
        .isEqualTo(Principal.client("training-pipeline"));
    assertThat(principals.of(identity("service-account-ingest")))
        .isEqualTo(Principal.client("ingest"));
    // the name Keycloak would give client transform's service account makes no one that client
    assertThat(principals.of(identity("service-account-transform")))
        .isEqualTo(Principal.user("service-account-transform"));
    assertThat(principals.of(identity("alice", "analysts")))
        .isEqualTo(Principal.user("alice", "analysts"));
  }

  @Test
  void withoutAMappingEveryoneIsAUser() {
    TrinoPrincipals none = new TrinoPrincipals(List.of());
    assertThat(none.of(identity("service-account-training-pipeline")).kind())
        .isEqualTo(Principal.Kind.USER);
  }

  @Test
  void aMappingMustNameAClient() {
    for (String wrong :
        List.of(
            "service-account-ingest",
            "service-account-ingest=ingest",
            "service-account-ingest=group:ingest",
            "=client:ingest",
            "service-account-ingest=client:")) {
      assertThatThrownBy(() -> new TrinoPrincipals(List.of(wrong)))
          .as(wrong)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("sluice.trino.client-users");
    }
    assertThatThrownBy(
            () ->
                new TrinoPrincipals(
                    List.of("service-account-x=client:one", "service-account-x=client:two")))
        .hasMessageContaining("mapped to both client:one and client:two");
  }

  @Test
  void aRequestWithoutAUserIsRefused() {
    assertThatThrownBy(() -> principals.of(JSON.createObjectNode()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
