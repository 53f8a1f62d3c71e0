package dev.sluice.catalog.trino;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.policy.eval.Principal;
import dev.sluice.policy.model.Subject;
import io.quarkus.arc.Unremovable;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who a Trino user is to the policy. Trino users are users, except those mapped explicitly to a
 * client ({@code sluice.trino.client-users}): any Trino user may pick any name, so a name pattern
 * such as {@code service-account-*} must never make anyone a client. Map only names that Trino's
 * authenticator gives to that client alone (Keycloak's service accounts, for example).
 *
 * <p>Read once at start; a malformed mapping stops the server rather than judging clients as users.
 */
@Startup
@Unremovable
@ApplicationScoped
public class TrinoPrincipals {
  private final Map<String, String> clientOfUser;

  @Inject
  public TrinoPrincipals(TrinoConfig config) {
    this(config.clientUsers().orElse(List.of()));
  }

  TrinoPrincipals(List<String> mappings) {
    Map<String, String> clients = new LinkedHashMap<>();
    for (String mapping : mappings) {
      int equals = mapping.indexOf('=');
      String user = equals < 0 ? "" : mapping.substring(0, equals).trim();
      Subject client =
          equals < 0 ? null : Subject.parse(mapping.substring(equals + 1).trim()).orElse(null);
      if (user.isEmpty() || client == null || client.kind() != Subject.Kind.CLIENT) {
        throw new IllegalArgumentException(
            "sluice.trino.client-users: expected <trino user>=client:<name>, got '"
                + mapping
                + "'");
      }
      String earlier = clients.putIfAbsent(user, client.name());
      if (earlier != null && !earlier.equals(client.name())) {
        throw new IllegalArgumentException(
            "sluice.trino.client-users: Trino user "
                + user
                + " is mapped to both client:"
                + earlier
                + " and client:"
                + client.name());
      }
    }
    this.clientOfUser = Map.copyOf(clients);
  }

  /** The principal of the {@code context.identity} Trino sends: its user and groups. */
  public Principal of(JsonNode identity) {
    String user = identity.path("user").asText("");
    if (user.isEmpty()) {
      throw new IllegalArgumentException("the request names no user");
    }
    Set<String> groups = new TreeSet<>();
    identity.path("groups").forEach(g -> groups.add(g.asText()));
    String client = clientOfUser.get(user);
    return client == null
        ? new Principal(user, Principal.Kind.USER, groups, Set.of())
        : new Principal(client, Principal.Kind.CLIENT, groups, Set.of());
  }
}
