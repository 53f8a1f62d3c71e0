package dev.sluice.catalog.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.catalog.config.S3Config;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;

/** The catalog's S3 client against a plain HTTP server that records what it is sent. */
class NoExpectContinueTest {
  private record Received(
      String method, String path, Map<String, List<String>> headers, byte[] body) {}

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          received.add(
              new Received(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getPath(),
                  Map.copyOf(exchange.getRequestHeaders()),
                  body));
          exchange.getResponseHeaders().add("ETag", "\"0123456789abcdef\"");
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private S3Config config() {
    String endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
    return new S3Config() {
      @Override
      public Optional<String> endpoint() {
        return Optional.of(endpoint);
      }

      @Override
      public String region() {
        return "us-east-1";
      }

      @Override
      public Optional<String> accessKeyId() {
        return Optional.of("key");
      }

      @Override
      public Optional<String> secretAccessKey() {
        return Optional.of("secret");
      }

      @Override
      public boolean pathStyleAccess() {
        return true;
      }
    };
  }

  @Test
  void uploadsAreSentWithoutExpectContinueAndArriveWhole() {
    byte[] metadata = "{\"format-version\":2,\"doc\":\"é\"}".getBytes(StandardCharsets.UTF_8);
    try (S3Client client =
        StorageProducer.s3ClientBuilder(config())
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .build()) {
      client.putObject(
          put -> put.bucket("lake").key("sales/orders/metadata/00001.metadata.json"),
          RequestBody.fromBytes(metadata));
      client.headObject(
          head -> head.bucket("lake").key("sales/orders/metadata/00001.metadata.json"));
    }

    assertThat(received).extracting(Received::method).containsExactly("PUT", "HEAD");
    Received put = received.get(0);
    assertThat(put.path()).isEqualTo("/lake/sales/orders/metadata/00001.metadata.json");
    assertThat(put.headers().keySet()).noneMatch(name -> name.equalsIgnoreCase("Expect"));
    assertThat(put.headers()).containsKey("Authorization");
    // over plain HTTP the SDK signs the body in aws-chunked encoding: the payload sits in its chunk
    assertThat(new String(put.body(), StandardCharsets.ISO_8859_1))
        .contains(new String(metadata, StandardCharsets.ISO_8859_1));
  }
}
