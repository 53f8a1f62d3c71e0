package dev.sluice.catalog.sidedoors;

import static dev.sluice.catalog.sidedoors.Caller.ADMIN;
import static dev.sluice.catalog.sidedoors.Caller.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.catalog.Namespace;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Listings are filtered before they are paged, and page tokens are opaque: a caller gets full pages
 * of what it may see and cannot count or locate what it may not.
 */
@QuarkusTest
@TestProfile(SideDoorsProfile.class)
class FilteredListingsTest {
  private static final Namespace SHARED = Namespace.of("shared");
  // analysts may read shared.visible_* only
  private static final List<String> TABLES =
      List.of(
          "hidden_a",
          "hidden_b",
          "visible_1",
          "hidden_c",
          "hidden_d",
          "visible_2",
          "hidden_e",
          "visible_3",
          "hidden_f");

  @BeforeEach
  void tables() {
    Caller.createNamespace("shared");
    Caller.createNamespace("intake");
    for (String table : TABLES) {
      if (ADMIN.request().head("/v1/namespaces/shared/tables/" + table).statusCode() == 404) {
        ADMIN.createTable(SHARED, table, null, Map.of()).then().statusCode(200);
      }
    }
  }

  private record Page(List<String> names, String token) {}

  private static Page page(Caller caller, String pageSize, String token) {
    Response response =
        caller
            .request()
            .get(
                "/v1/namespaces/shared/tables?pageSize="
                    + pageSize
                    + (token == null ? "" : "&pageToken=" + token));
    response.then().statusCode(200);
    return new Page(
        response.jsonPath().getList("identifiers.name"), response.path("next-page-token"));
  }

  @Test
  void pagesHoldOnlyVisibleTablesAndAreFull() {
    Caller analyst = Caller.as("user:alice", "analysts");
    Page first = page(analyst, "2", null);
    assertThat(first.names()).containsExactly("visible_1", "visible_2");
    assertThat(first.token()).isNotNull();
    Page second = page(analyst, "2", first.token());
    assertThat(second.names()).containsExactly("visible_3");
    assertThat(second.token()).isNull();

    // without paging, everything visible at once
    analyst
        .request()
        .get("/v1/namespaces/shared/tables")
        .then()
        .statusCode(200)
        .body(
            "identifiers.name",
            org.hamcrest.Matchers.contains("visible_1", "visible_2", "visible_3"))
        .body("next-page-token", org.hamcrest.Matchers.nullValue());

    // the administrator pages through everything
    List<String> all = new ArrayList<>();
    String token = null;
    do {
      Page page = page(ADMIN, "4", token);
      assertThat(page.names().size()).isLessThanOrEqualTo(4);
      all.addAll(page.names());
      token = page.token();
    } while (token != null);
    assertThat(all).containsAll(TABLES);
  }

  @Test
  void tokensTellNothingAboutHiddenEntries() {
    Caller analyst = Caller.as("user:alice", "analysts");
    String token = page(analyst, "1", null).token();
    String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    assertThat(decoded).doesNotContain("hidden");
    // more hidden tables before and after change nothing the caller sees, token included
    for (String extra : List.of("hidden_0", "zzz_hidden")) {
      if (ADMIN.request().head("/v1/namespaces/shared/tables/" + extra).statusCode() == 404) {
        ADMIN.createTable(SHARED, extra, null, Map.of()).then().statusCode(200);
      }
    }
    assertThat(page(analyst, "1", null).token()).isEqualTo(token);

    // tokens are bound to their listing and cannot be made up
    assertRefused(
        analyst.request().get("/v1/namespaces/intake/tables?pageSize=1&pageToken=" + token),
        400,
        "IllegalArgumentException",
        "Invalid pageToken");
    String forged =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("1000".getBytes(StandardCharsets.UTF_8));
    assertRefused(
        analyst.request().get("/v1/namespaces/shared/tables?pageSize=1&pageToken=" + forged),
        400,
        "IllegalArgumentException",
        "Invalid pageToken");
    assertRefused(
        analyst.request().get("/v1/namespaces/shared/tables?pageSize=1&pageToken=%25%25"),
        400,
        "IllegalArgumentException",
        "Invalid pageToken");
  }

  @Test
  void namespaceListingsAreFilteredBeforePaging() {
    for (String ns : List.of("aaa_hidden", "bbb_hidden", "ccc_hidden")) {
      Caller.createNamespace(ns);
    }
    Caller analyst = Caller.as("user:alice", "analysts");
    Response first = analyst.request().get("/v1/namespaces?pageSize=1");
    first.then().statusCode(200);
    List<List<String>> names = first.jsonPath().getList("namespaces");
    assertThat(names).hasSize(1);
    assertThat(names.get(0).get(0)).doesNotContain("hidden");
    List<List<String>> seen = new ArrayList<>(names);
    String token = first.path("next-page-token");
    while (token != null) {
      Response next = analyst.request().get("/v1/namespaces?pageSize=1&pageToken=" + token);
      next.then().statusCode(200);
      List<List<String>> page = next.jsonPath().getList("namespaces");
      assertThat(page).hasSize(1);
      seen.addAll(page);
      token = next.path("next-page-token");
    }
    assertThat(seen).noneMatch(ns -> ns.get(0).contains("hidden"));
    assertThat(seen).contains(List.of("shared"), List.of("intake"));
  }
}
