package dev.sluice.it.governance;

import static dev.sluice.it.governance.AuditRows.assertOnly;
import static dev.sluice.it.governance.AuditRows.decisions;
import static dev.sluice.it.governance.AuditRows.now;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.it.Progress;
import dev.sluice.it.TrinoServer;
import dev.sluice.it.WorkDirs;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Real engines against the governed lakehouse, each authenticated only by its own OAuth2 client
 * credentials from Keycloak: Trino with one catalog per writing client ({@code ingest}, {@code
 * transform}) sets the zones up, Spark reads as the analyst engine {@code spark} and appends as
 * {@code ingest}. What each identity may see and do comes from the example policy alone, and every
 * request leaves its decision in the audit trail.
 *
 * <p>Each test looks at the audit rows written since it began, so the order of the tests is the
 * order of the story: set-up, the analyst's view, the ingest client's limits.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EngineAccessIT {
  private static final List<String> SIGNUPS =
      List.of("1|Lyon|2025-03-01", "2|Lille|2025-03-01", "3|Nantes|2025-03-02");
  private static final List<String> DAILY_ORDERS =
      List.of(
          "2025-03-01|Lille|12|318.40", "2025-03-01|Lyon|9|201.15", "2025-03-02|Lyon|14|377.00");

  private static GovernedLakehouse lake;
  private static Instant setUpStarted;
  private static TrinoServer trino;
  private static Connection trinoAsIngest;
  private static Connection trinoAsTransform;
  private static SparkSession spark;

  @BeforeAll
  static void setUp() throws Exception {
    lake = GovernedLakehouse.get();
    setUpStarted = now();
    Path workDir =
        WorkDirs.fresh(
            Path.of(System.getProperty("sluice.it.workdir", "target/governance-it"))
                .resolve("engine-access")
                .toAbsolutePath());
    // creating a namespace takes zone admin, which no engine client holds
    for (String namespace : List.of("raw", "silver", "restricted")) {
      createNamespace(namespace);
    }
    for (String table :
        List.of(
            "raw/tables/signups",
            "silver/tables/daily_orders",
            "restricted/tables/customer_contacts")) {
      dropIfPresent(table);
    }

    Map<String, Map<String, String>> catalogs = new LinkedHashMap<>();
    for (String client : List.of("ingest", "transform")) {
      catalogs.put(client, ClientCatalogs.trino(lake, client));
    }
    trino = TrinoServer.start(workDir.resolve("trino"), catalogs, Map.of());
    trinoAsIngest = connect("ingest");
    trinoAsTransform = connect("transform");
    fillZonesThroughTrino();

    // the analyst engine and the ingest client, one catalog each in one Spark
    spark =
        ClientSpark.start(
            lake, workDir.resolve("spark"), Map.of("analyst", "spark", "ingest", "ingest"));
  }

  private static void fillZonesThroughTrino() throws SQLException {
    Progress.say("filling raw, silver and restricted through Trino as ingest and transform");
    EngineRows.trinoUpdate(
        trinoAsIngest,
        "CREATE TABLE raw.signups (signup_id bigint, city varchar, signed_up_on date)");
    EngineRows.trinoUpdate(
        trinoAsIngest,
        "INSERT INTO raw.signups VALUES (1, 'Lyon', DATE '2025-03-01'),"
            + " (2, 'Lille', DATE '2025-03-01'), (3, 'Nantes', DATE '2025-03-02')");
    // no column of the curated table is personal data, by declaration or by name
    EngineRows.trinoUpdate(
        trinoAsTransform,
        "CREATE TABLE silver.daily_orders"
            + " (order_date date, city varchar, orders bigint, revenue decimal(10, 2))");
    EngineRows.trinoUpdate(
        trinoAsTransform,
        "INSERT INTO silver.daily_orders VALUES"
            + " (DATE '2025-03-01', 'Lille', 12, 318.40), (DATE '2025-03-01', 'Lyon', 9, 201.15),"
            + " (DATE '2025-03-02', 'Lyon', 14, 377.00)");
    EngineRows.trinoUpdate(
        trinoAsTransform,
        "CREATE TABLE restricted.customer_contacts"
            + " (customer_id varchar, name varchar, email varchar, phone varchar)");
    EngineRows.trinoUpdate(
        trinoAsTransform,
        "INSERT INTO restricted.customer_contacts VALUES"
            + " ('c-1', 'Ada Martin', 'ada@example.com', '+33 6 12 34 56 78'),"
            + " ('c-2', 'Bo Lind', 'bo@example.org', '+46 70 123 45 67')");
  }

  @AfterAll
  static void tearDown() throws SQLException {
    ClientSpark.stop(spark);
    for (Connection connection : new Connection[] {trinoAsIngest, trinoAsTransform}) {
      if (connection != null) {
        connection.close();
      }
    }
    if (trino != null) {
      trino.close();
    }
  }

  @Test
  @Order(1)
  void writersCreatedTheirTablesUnderTheirZonesRoots() {
    // Trino asks for a location of its own below the namespace's (with a unique suffix by
    // default), and Sluice keeps it because it sits under the zone's storage root
    assertThat(tableLocation("raw", "signups")).matches(uniqueBelow("s3://lake/raw/raw/signups"));
    assertThat(tableLocation("silver", "daily_orders"))
        .matches(uniqueBelow("s3://lake/silver/silver/daily_orders"));
    assertThat(tableLocation("restricted", "customer_contacts"))
        .matches(uniqueBelow("s3://lake/restricted/restricted/customer_contacts"));

    assertOnly(
        "allow", decisions(lake, "client:ingest", "table.create", "raw.signups", setUpStarted));
    assertOnly(
        "allow",
        decisions(lake, "client:transform", "table.create", "silver.daily_orders", setUpStarted));
    assertOnly(
        "allow",
        decisions(
            lake,
            "client:transform",
            "table.create",
            "restricted.customer_contacts",
            setUpStarted));
    assertOnly(
        "allow", decisions(lake, "client:ingest", "table.commit", "raw.signups", setUpStarted));
    assertOnly(
        "allow",
        decisions(lake, "client:transform", "table.commit", "silver.daily_orders", setUpStarted));
  }

  @Test
  @Order(2)
  void analystEngineSeesTheCuratedZoneOnly() {
    Instant started = now();

    assertThat(EngineRows.spark(spark, "SHOW NAMESPACES IN analyst")).containsExactly("silver");
    List<String> silverTables = adminTableNames("silver");
    assertThat(silverTables).contains("daily_orders");
    // the zone grants read on all of silver: the analyst sees every table the admin sees
    assertThat(EngineRows.spark(spark.sql("SHOW TABLES IN analyst.silver").select("tableName")))
        .containsExactlyInAnyOrderElementsOf(silverTables);
    assertThat(
            EngineRows.spark(
                spark,
                "SELECT order_date, city, orders, revenue FROM analyst.silver.daily_orders"
                    + " ORDER BY order_date, city"))
        .containsExactlyElementsOf(DAILY_ORDERS);

    List<JsonNode> loads =
        decisions(lake, "client:spark", "table.load", "silver.daily_orders", started);
    assertOnly("allow", loads);
    assertThat(loads.get(0).path("rule").asText()).contains("client:spark");
    assertOnly("allow", decisions(lake, "client:spark", "table.list", "silver", started));
  }

  @Test
  @Order(3)
  void analystEngineIsRefusedTheRawAndRestrictedZones() {
    Instant started = now();

    Throwable read = catchThrowable(() -> spark.sql("SELECT * FROM analyst.raw.signups").count());
    ForbiddenException forbidden = EngineRows.find(read, ForbiddenException.class);
    assertThat(forbidden).as(EngineRows.causes(read)).isNotNull();
    assertThat(forbidden.getMessage())
        .contains("client:spark", "may not table.load raw.signups")
        .contains("no zone or grant gives client:spark")
        .contains("read on raw.signups");

    Throwable listRaw = catchThrowable(() -> spark.sql("SHOW TABLES IN analyst.raw").collect());
    assertThat(EngineRows.find(listRaw, ForbiddenException.class))
        .as(EngineRows.causes(listRaw))
        .isNotNull();
    Throwable listRestricted =
        catchThrowable(() -> spark.sql("SHOW TABLES IN analyst.restricted").collect());
    assertThat(EngineRows.find(listRestricted, ForbiddenException.class))
        .as(EngineRows.causes(listRestricted))
        .isNotNull();

    List<JsonNode> loads = decisions(lake, "client:spark", "table.load", "raw.signups", started);
    assertOnly("deny", loads);
    assertThat(loads.get(0).path("rule").asText())
        .contains("no zone or grant gives client:spark", "read on raw.signups");
    assertOnly("deny", decisions(lake, "client:spark", "table.list", "raw", started));
    assertOnly("deny", decisions(lake, "client:spark", "table.list", "restricted", started));
    // never, since this class began, did the analyst engine get a table of raw or restricted
    assertThat(
            lake.audit(
                Map.of(
                    "principal", "client:spark",
                    "decision", "allow",
                    "from", setUpStarted.toString())))
        .extracting(event -> event.path("resource").asText())
        .isNotEmpty()
        .noneMatch(resource -> resource.startsWith("raw") || resource.startsWith("restricted"));
  }

  @Test
  @Order(4)
  void ingestClientAppendsToRawTables() throws SQLException {
    Instant started = now();

    spark.sql(
        "INSERT INTO ingest.raw.signups VALUES"
            + " (4, 'Porto', DATE '2025-03-03'), (5, 'Lyon', DATE '2025-03-03')");

    // transform reads raw; it sees the rows of both writes
    List<String> expected = new ArrayList<>(SIGNUPS);
    expected.addAll(List.of("4|Porto|2025-03-03", "5|Lyon|2025-03-03"));
    assertThat(
            EngineRows.trino(
                trinoAsTransform,
                "SELECT signup_id, city, signed_up_on FROM raw.signups ORDER BY signup_id"))
        .containsExactlyElementsOf(expected);

    List<JsonNode> commits =
        decisions(lake, "client:ingest", "table.commit", "raw.signups", started);
    assertOnly("allow", commits);
    assertThat(commits).hasSize(1);
    assertOnly("allow", decisions(lake, "client:ingest", "table.load", "raw.signups", started));
    assertOnly("allow", decisions(lake, "client:transform", "table.load", "raw.signups", started));
  }

  @Test
  @Order(5)
  void ingestClientCannotReadPiiLookupTables() {
    Instant started = now();

    Throwable sparkRead =
        catchThrowable(
            () -> spark.sql("SELECT * FROM ingest.restricted.customer_contacts").count());
    ForbiddenException forbidden = EngineRows.find(sparkRead, ForbiddenException.class);
    assertThat(forbidden).as(EngineRows.causes(sparkRead)).isNotNull();
    assertThat(forbidden.getMessage())
        .contains("client:ingest", "may not table.load restricted.customer_contacts");

    Throwable trinoRead =
        catchThrowable(
            () -> EngineRows.trino(trinoAsIngest, "SELECT * FROM restricted.customer_contacts"));
    assertThat(trinoRead).isInstanceOf(SQLException.class);
    // Trino looks for a view of that name before a table, and stops at the first refusal
    assertThat(EngineRows.causes(trinoRead))
        .contains(
            ForbiddenException.class.getName(),
            "client:ingest may not view.load restricted.customer_contacts");

    List<JsonNode> tableLoads =
        decisions(lake, "client:ingest", "table.load", "restricted.customer_contacts", started);
    assertOnly("deny", tableLoads);
    assertThat(tableLoads.get(0).path("rule").asText())
        .contains("no zone or grant gives client:ingest", "read on restricted.customer_contacts");
    List<JsonNode> viewLoads =
        decisions(lake, "client:ingest", "view.load", "restricted.customer_contacts", started);
    assertOnly("deny", viewLoads);
    assertThat(viewLoads.get(0).path("rule").asText())
        .contains("no zone or grant gives client:ingest", "read on restricted.customer_contacts");
  }

  // ---- helpers ----

  private static Connection connect(String catalog) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", TrinoServer.USER);
    properties.setProperty("timezone", "UTC");
    return DriverManager.getConnection(trino.jdbcUrl(catalog), properties);
  }

  private static void createNamespace(String namespace) {
    HttpResponse<String> response =
        lake.send(
            "POST",
            "/v1/namespaces",
            lake.sluice().adminToken(),
            "{\"namespace\":[\"" + namespace + "\"],\"properties\":{}}");
    // 409: another test of this JVM created it already
    assertThat(response.statusCode()).as(response.body()).isIn(200, 409);
  }

  /** Drops a table another test of this JVM may have left, so that the rows here are exact. */
  private static void dropIfPresent(String path) {
    HttpResponse<String> response =
        lake.send(
            "DELETE",
            "/v1/namespaces/" + path + "?purgeRequested=true",
            lake.sluice().adminToken(),
            null);
    assertThat(response.statusCode()).as(response.body()).isIn(204, 404);
  }

  private static String tableLocation(String namespace, String table) {
    return lake.tableLocation(namespace, table);
  }

  /**
   * The location, optionally with Trino's unique suffix ({@code iceberg.unique-table-location}).
   */
  private static String uniqueBelow(String location) {
    return Pattern.quote(location) + "(-[0-9a-f]{32})?";
  }

  private static List<String> adminTableNames(String namespace) {
    HttpResponse<String> response =
        lake.send(
            "GET", "/v1/namespaces/" + namespace + "/tables", lake.sluice().adminToken(), null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<String> names = new ArrayList<>();
    GovernedLakehouse.json(response)
        .path("identifiers")
        .forEach(identifier -> names.add(identifier.path("name").asText()));
    return names;
  }
}
