package dev.sluice.catalog.lineage;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(ForwardingProfile.class)
class LineageForwardingTest {
  private static HttpServer endpoint;
  private static final CountDownLatch release = new CountDownLatch(1);
  private static final List<String> received = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startEndpoint() throws IOException {
    endpoint =
        HttpServer.create(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), ForwardingProfile.port()), 16);
    endpoint.createContext(
        "/api/v1/lineage",
        exchange -> {
          try {
            // hold every request until the test has committed: the endpoint is "down"
            release.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          received.add(
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(received.size() == 1 ? 500 : 201, -1);
          exchange.close();
        });
    endpoint.start();
  }

  @AfterAll
  static void stopEndpoint() {
    release.countDown();
    endpoint.stop(0);
  }

  @Test
  void commitsCompleteWhileTheEndpointHangsAndEventsArriveLater() throws InterruptedException {
    RESTCatalog client = Commits.client();
    String ns = "forward_" + Long.toString(System.nanoTime(), 36);
    client.createNamespace(Namespace.of(ns));
    Table table =
        client.createTable(
            TableIdentifier.of(ns, "events"),
            new Schema(Types.NestedField.required(1, "id", Types.LongType.get())));
    for (int i = 0; i < 3; i++) {
      Commits.append(table, "f" + i + ".parquet");
    }
    // four commits went through although the endpoint has not answered a single request
    assertThat(received).isEmpty();
    long snapshotId = table.currentSnapshot().snapshotId();

    release.countDown();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (received.size() < 5 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    // the first answer was a 500: that event is sent again after a back-off, the others meanwhile
    assertThat(received).hasSize(5);
    assertThat(received).allMatch(body -> body.contains(ns + ".events.commit"));
    assertThat(received.get(4)).isEqualTo(received.get(0));
    assertThat(received.subList(0, 4)).doesNotHaveDuplicates();
    assertThat(received)
        .anyMatch(body -> body.contains("\"datasetVersion\":\"" + snapshotId + "\""));

    String metrics = given().get("/q/metrics").asString();
    assertThat(metrics)
        .containsPattern("sluice_lineage_forward_failures_total(\\{[^}]*\\})? 1\\.0");
    assertThat(metrics).containsPattern("sluice_lineage_forwarded_total(\\{[^}]*\\})? 4\\.0");
  }
}
