package dev.sluice.bench;

import dev.sluice.it.Progress;
import dev.sluice.it.S3ProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Warms the shared S3 API before the first target. S3Proxy is a JVM as well: without this, the
 * first target measured met it cold (its creates and appends timed against an object store still
 * compiling its PUT path) and the later targets met it warm. A fixed time of every kind of request
 * the targets send goes to a scratch bucket, unmeasured: PUT, HEAD, GET and DELETE signed in their
 * headers (the SDK's way: the reference server, Nessie) and PUT, HEAD and GET presigned (Sluice's).
 */
final class ObjectStoreWarmup {
  static final String BUCKET = "bench-warm-up";

  /** Keys each client cycles through, so the bucket stays small. */
  private static final int KEYS_PER_CLIENT = 32;

  private ObjectStoreWarmup() {}

  /** Returns the requests sent; the scratch bucket is removed again. */
  static long run(S3ProxyServer s3, int seconds, int clients) throws Exception {
    if (seconds <= 0) {
      return 0;
    }
    Progress.say(
        "warming the shared S3 API for %d s with %d clients, unmeasured", seconds, clients);
    StaticCredentialsProvider credentials =
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY));
    URI endpoint = URI.create(s3.endpoint());
    S3Configuration pathStyle = S3Configuration.builder().pathStyleAccessEnabled(true).build();
    AtomicLong sent = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    try (S3Client client =
            S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(S3ProxyServer.REGION))
                .credentialsProvider(credentials)
                .forcePathStyle(true)
                // S3Proxy does not take the SDK's default trailing checksums
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
        S3Presigner presigner =
            S3Presigner.builder()
                .endpointOverride(endpoint)
                .region(Region.of(S3ProxyServer.REGION))
                .credentialsProvider(credentials)
                .serviceConfiguration(pathStyle)
                .build()) {
      client.createBucket(b -> b.bucket(BUCKET));
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      long until = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      try {
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
          int id = c;
          running.add(
              pool.submit(
                  () -> {
                    cycle(client, presigner, http, id, until, sent, failed);
                    return null;
                  }));
        }
        for (Future<?> future : running) {
          future.get();
        }
      } finally {
        pool.shutdownNow();
      }
      empty(client);
      client.deleteBucket(b -> b.bucket(BUCKET));
    }
    Progress.say(
        "shared S3 API warmed: %,d requests in rounds that succeeded, %,d rounds cut short by an"
            + " I/O error",
        sent.get(), failed.get());
    if (failed.get() > sent.get() / 60) {
      // more than one round in ten failed: the object store is not fit to measure against
      throw new IllegalStateException(
          "the shared S3 API failed " + failed.get() + " warm-up rounds of " + (sent.get() / 6));
    }
    return sent.get();
  }

  private static void cycle(
      S3Client client,
      S3Presigner presigner,
      HttpClient http,
      int id,
      long until,
      AtomicLong sent,
      AtomicLong failed)
      throws InterruptedException, URISyntaxException {
    byte[] body = ("{\"warm-up\":\"" + "x".repeat(1500) + "\"}").getBytes(StandardCharsets.UTF_8);
    for (int i = 0; System.nanoTime() < until; i++) {
      try {
        round(client, presigner, http, id, i, body);
        sent.addAndGet(i % KEYS_PER_CLIENT == KEYS_PER_CLIENT - 1 ? 7 : 6);
      } catch (IOException | SdkException | UncheckedIOException e) {
        // S3Proxy now and then drops a kept-alive connection under a PUT; the round is unmeasured
        failed.incrementAndGet();
      }
    }
  }

  /** PUT, HEAD and GET of one key signed in headers, the same presigned; now and then a DELETE. */
  private static void round(
      S3Client client, S3Presigner presigner, HttpClient http, int id, int i, byte[] body)
      throws IOException, InterruptedException, URISyntaxException {
    String key = "c" + id + "/" + (i % KEYS_PER_CLIENT) + ".json";
    client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(body));
    client.headObject(b -> b.bucket(BUCKET).key(key));
    client.getObject(b -> b.bucket(BUCKET).key(key), ResponseTransformer.toBytes());
    String presignedKey = "p" + id + "/" + (i % KEYS_PER_CLIENT) + ".json";
    send(
        http,
        presigner
            .presignPutObject(
                p ->
                    p.signatureDuration(Duration.ofMinutes(5))
                        .putObjectRequest(b -> b.bucket(BUCKET).key(presignedKey)))
            .url()
            .toURI(),
        "PUT",
        body);
    send(
        http,
        presigner
            .presignHeadObject(
                p ->
                    p.signatureDuration(Duration.ofMinutes(5))
                        .headObjectRequest(b -> b.bucket(BUCKET).key(presignedKey)))
            .url()
            .toURI(),
        "HEAD",
        null);
    send(
        http,
        presigner
            .presignGetObject(
                p ->
                    p.signatureDuration(Duration.ofMinutes(5))
                        .getObjectRequest(b -> b.bucket(BUCKET).key(presignedKey)))
            .url()
            .toURI(),
        "GET",
        null);
    if (i % KEYS_PER_CLIENT == KEYS_PER_CLIENT - 1) {
      client.deleteObject(b -> b.bucket(BUCKET).key(key));
    }
  }

  private static void send(HttpClient http, URI uri, String method, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body);
    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(uri).method(method, publisher).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IOException(
          "warm-up " + method + " " + uri.getPath() + ": HTTP " + response.statusCode());
    }
  }

  private static void empty(S3Client client) {
    ListObjectsV2Response page;
    String token = null;
    do {
      String from = token;
      page = client.listObjectsV2(b -> b.bucket(BUCKET).continuationToken(from));
      page.contents().forEach(o -> client.deleteObject(b -> b.bucket(BUCKET).key(o.key())));
      token = page.nextContinuationToken();
    } while (page.isTruncated());
  }
}
