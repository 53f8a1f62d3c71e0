package dev.sluice.it.governance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The group memberships of the lakehouse realm's users, as Trino's file group provider needs them
 * (group → users). Read from the realm file Keycloak imports, so that Trino's groups cannot drift
 * from the ones in the tokens.
 */
final class RealmGroups {
  private RealmGroups() {}

  static Path realmFile() {
    return Path.of(
            System.getProperty(
                "sluice.it.keycloak.realm", "../../deploy/keycloak/lakehouse-realm.json"))
        .toAbsolutePath()
        .normalize();
  }

  /** Groups in name order, each with its users in realm order. */
  static Map<String, List<String>> members() throws IOException {
    JsonNode realm = new ObjectMapper().readTree(Files.readString(realmFile()));
    Map<String, List<String>> groups = new TreeMap<>();
    for (JsonNode user : realm.path("users")) {
      for (JsonNode path : user.path("groups")) {
        // the realm names top-level groups by path ("/analysts"); tokens carry the plain name
        String group = path.asText().replaceFirst("^/", "");
        groups.computeIfAbsent(group, g -> new ArrayList<>()).add(user.path("username").asText());
      }
    }
    return groups;
  }

  /** The members as the lines of a Trino group file ({@code group:user1,user2}). */
  static List<String> groupFileLines() throws IOException {
    List<String> lines = new ArrayList<>();
    members().forEach((group, users) -> lines.add(group + ":" + String.join(",", users)));
    return lines;
  }
}
