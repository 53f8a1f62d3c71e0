package dev.sluice.it.governance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.it.PostgresServer;
import dev.sluice.it.Progress;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Principals × endpoints × zones with real Keycloak tokens against the example policy: every cell
 * is an expected allow or deny written out below, and every cell must leave its audit row.
 */
class AccessMatrixIT {
  /** The zones' namespaces, plus one no zone holds. */
  private static final List<String> NAMESPACES = List.of("raw", "silver", "restricted", "scratch");

  /**
   * The operations, one letter each: L list tables, G load table, H table exists, C create table, U
   * commit, D drop table, N create namespace, S load namespace.
   */
  private static final String OPERATIONS = "LGHCUDNS";

  /** Expected allowed operations per principal and namespace, in NAMESPACES order. */
  private static final Map<String, List<String>> EXPECTED = new LinkedHashMap<>();

  static {
    // role sluice-admin administers the catalog, zones or not
    EXPECTED.put("user:dana", List.of("LGHCUDNS", "LGHCUDNS", "LGHCUDNS", "LGHCUDNS"));
    // zone readers: list, load, exists and read the namespace; never write
    EXPECTED.put("user:alice", List.of("LGHS", "LGHS", "", ""));
    // ml-engineers read silver; a table grant in raw shows raw, but not its other tables
    EXPECTED.put("user:mia", List.of("LS", "LGHS", "", ""));
    // privacy-office reads raw and silver and administers restricted
    EXPECTED.put("user:priya", List.of("LGHS", "LGHS", "LGHCUDNS", ""));
    // support reads restricted; its grant on raw.customers shows raw only
    EXPECTED.put("user:sam", List.of("LS", "", "LGHS", ""));
    EXPECTED.put("user:nobody", List.of("", "", "", ""));
    EXPECTED.put("client:spark", List.of("", "LGHS", "", ""));
    EXPECTED.put("client:trino", List.of("LGHS", "LGHS", "LGHS", ""));
    // writers load what they write to, but create namespaces only as zone admins
    EXPECTED.put("client:ingest", List.of("LGHCUDS", "", "", ""));
    EXPECTED.put("client:transform", List.of("LGHS", "LGHCUDS", "LGHCUDS", ""));
    // table grants on raw.customers and silver.deliveries_clean only
    EXPECTED.put("client:training-pipeline", List.of("LS", "LS", "", ""));
  }

  private static GovernedLakehouse lake;

  @BeforeAll
  static void setUp() throws Exception {
    lake = GovernedLakehouse.get();
    String admin = lake.sluice().adminToken();
    for (String ns : NAMESPACES) {
      int status =
          lake.send("POST", "/v1/namespaces", admin, "{\"namespace\":[\"" + ns + "\"]}")
              .statusCode();
      assertThat(status).as("create namespace %s", ns).isIn(200, 409);
      assertThat(
              lake.send("POST", "/v1/namespaces/" + ns + "/tables", admin, createTable("matrix_t"))
                  .statusCode())
          .isIn(200, 409);
      for (String principal : EXPECTED.keySet()) {
        assertThat(
                lake.send(
                        "POST",
                        "/v1/namespaces/" + ns + "/tables",
                        admin,
                        createTable("d_" + suffix(principal)))
                    .statusCode())
            .isEqualTo(200);
      }
    }
  }

  private static String createTable(String name) {
    return "{\"name\":\""
        + name
        + "\",\"schema\":{\"type\":\"struct\",\"schema-id\":0,\"fields\":"
        + "[{\"id\":1,\"name\":\"id\",\"required\":false,\"type\":\"long\"}]}}";
  }

  private static String suffix(String principal) {
    return principal.substring(principal.indexOf(':') + 1).replace('-', '_');
  }

  private String token(String principal) {
    String name = principal.substring(principal.indexOf(':') + 1);
    return principal.startsWith("user:") ? lake.userToken(name) : lake.clientToken(name);
  }

  /** One cell: the request, the audit action and resource it must leave. */
  private record Cell(
      String principal,
      String namespace,
      char operation,
      String method,
      String path,
      String body,
      String action,
      String resource) {}

  private static Cell cell(String principal, String ns, char op) {
    String table = "/v1/namespaces/" + ns + "/tables/";
    String own = suffix(principal);
    return switch (op) {
      case 'L' ->
          new Cell(
              principal, ns, op, "GET", "/v1/namespaces/" + ns + "/tables", null, "table.list", ns);
      case 'G' ->
          new Cell(
              principal, ns, op, "GET", table + "matrix_t", null, "table.load", ns + ".matrix_t");
      case 'H' ->
          new Cell(
              principal,
              ns,
              op,
              "HEAD",
              table + "matrix_t",
              null,
              "table.exists",
              ns + ".matrix_t");
      case 'C' ->
          new Cell(
              principal,
              ns,
              op,
              "POST",
              "/v1/namespaces/" + ns + "/tables",
              createTable("c_" + own),
              "table.create",
              ns + ".c_" + own);
      case 'U' ->
          new Cell(
              principal,
              ns,
              op,
              "POST",
              table + "matrix_t",
              "{\"requirements\":[],\"updates\":[{\"action\":\"set-properties\",\"updates\":{\"touched-by\":\""
                  + own
                  + "\"}}]}",
              "table.commit",
              ns + ".matrix_t");
      case 'D' ->
          new Cell(
              principal,
              ns,
              op,
              "DELETE",
              table + "d_" + own,
              null,
              "table.drop",
              ns + ".d_" + own);
      case 'N' ->
          new Cell(
              principal,
              ns,
              op,
              "POST",
              "/v1/namespaces",
              "{\"namespace\":[\"" + ns + "\",\"sub_" + own + "\"]}",
              "namespace.create",
              ns + ".sub_" + own);
      case 'S' ->
          new Cell(principal, ns, op, "GET", "/v1/namespaces/" + ns, null, "namespace.load", ns);
      default -> throw new IllegalArgumentException("operation " + op);
    };
  }

  @Test
  void everyPrincipalGetsExactlyWhatItsZonesAllowAndEveryDecisionIsAudited() {
    SoftAssertions softly = new SoftAssertions();
    Map<String, Cell> byRequestId = new LinkedHashMap<>();
    Map<String, Boolean> expectedById = new LinkedHashMap<>();
    int allowed = 0;
    for (Map.Entry<String, List<String>> row : EXPECTED.entrySet()) {
      String principal = row.getKey();
      String token = token(principal);
      for (int z = 0; z < NAMESPACES.size(); z++) {
        String ns = NAMESPACES.get(z);
        for (char op : OPERATIONS.toCharArray()) {
          Cell cell = cell(principal, ns, op);
          boolean expectAllowed = row.getValue().get(z).indexOf(op) >= 0;
          String requestId = "matrix-" + UUID.randomUUID();
          HttpResponse<String> response =
              lake.send(cell.method, cell.path, token, cell.body, requestId);
          int status = response.statusCode();
          String where = principal + " " + op + " " + cell.action + " " + cell.resource;
          if (expectAllowed) {
            allowed++;
            softly.assertThat(status).as(where + " -> " + response.body()).isBetween(200, 299);
          } else {
            softly.assertThat(status).as(where + " -> " + response.body()).isEqualTo(403);
            if (!cell.method.equals("HEAD")) {
              softly
                  .assertThat(response.body())
                  .as(where)
                  .contains("\"type\":\"ForbiddenException\"");
            }
          }
          byRequestId.put(requestId, cell);
          expectedById.put(requestId, expectAllowed);
        }
      }
    }
    Progress.say(
        "access matrix: %d principals x %d namespaces x %d operations = %d cells (%d allowed, %d denied)",
        EXPECTED.size(),
        NAMESPACES.size(),
        OPERATIONS.length(),
        byRequestId.size(),
        allowed,
        byRequestId.size() - allowed);

    // every cell left exactly the decision it got, under its own request id
    for (String principal : EXPECTED.keySet()) {
      JsonNode rows = lake.audit(Map.of("principal", principal));
      Map<String, List<JsonNode>> rowsById = new LinkedHashMap<>();
      for (JsonNode row : rows) {
        rowsById.computeIfAbsent(row.path("requestId").asText(), k -> new ArrayList<>()).add(row);
      }
      byRequestId.forEach(
          (requestId, cell) -> {
            if (!cell.principal.equals(principal)) {
              return;
            }
            List<JsonNode> found = rowsById.getOrDefault(requestId, List.of());
            String where = principal + " " + cell.operation + " " + cell.resource;
            softly
                .assertThat(found)
                .as(where + " audit rows")
                .anySatisfy(
                    row -> {
                      assertThat(row.path("action").asText()).isEqualTo(cell.action);
                      assertThat(row.path("resource").asText()).isEqualTo(cell.resource);
                      assertThat(row.path("decision").asText())
                          .isEqualTo(expectedById.get(requestId) ? "allow" : "deny");
                      assertThat(row.path("clientAddress").asText()).isEqualTo("127.0.0.1");
                      assertThat(row.path("rule").asText()).isNotBlank();
                    });
          });
    }
    softly.assertAll();
  }

  @Test
  void requestsWithoutAValidKeycloakTokenAre401() {
    String valid = lake.clientToken("spark");
    assertThat(lake.send("GET", "/v1/namespaces", valid, null).statusCode()).isEqualTo(200);
    String[] parts = valid.split("\\.");
    // the payload of priya's token under spark's signature: a forged group membership
    String forged = parts[0] + "." + lake.userToken("priya").split("\\.")[1] + "." + parts[2];
    String unsigned =
        java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes())
            + "."
            + parts[1]
            + ".";
    for (String token :
        new String[] {
          null, forged, unsigned, valid + "x", "sluice_unknown_0000000000000000000000000"
        }) {
      HttpResponse<String> response = lake.send("GET", "/v1/namespaces", token, null);
      assertThat(response.statusCode()).as("token %s", token).isEqualTo(401);
      assertThat(response.body()).contains("\"type\":\"NotAuthorizedException\"");
    }
  }

  @Test
  void theAuditTrailIsAppendOnlyAndEveryTableHasTheDecisionThatCreatedIt() throws Exception {
    PostgresServer postgres = lake.postgres();
    for (String statement :
        List.of(
            "UPDATE audit_event SET allowed = true",
            "DELETE FROM audit_event",
            "TRUNCATE audit_event")) {
      PostgresServer.SqlResult refused = postgres.sql("sluice", statement);
      assertThat(refused.exitCode()).as(statement).isNotZero();
      assertThat(refused.output()).as(statement).contains("audit_event is append-only");
    }
    assertThat(Long.parseLong(postgres.sql("sluice", "SELECT count(*) FROM audit_event").output()))
        .isPositive();
    // every table in the catalog: an allowed create, register or rename decision names it
    PostgresServer.SqlResult unaudited =
        postgres.sql(
            "sluice",
            "SELECT count(*) FROM catalog_entity c WHERE NOT EXISTS (SELECT 1 FROM audit_event a"
                + " WHERE a.allowed AND a.action IN ('table.create', 'table.register',"
                + " 'table.rename', 'table.commit', 'transaction.commit', 'view.create',"
                + " 'view.register', 'view.rename')"
                + " AND a.resource = replace(c.namespace_name, chr(31), '.') || '.' || c.name)");
    assertThat(unaudited.exitCode()).isZero();
    assertThat(unaudited.output()).isEqualTo("0");
  }
}
