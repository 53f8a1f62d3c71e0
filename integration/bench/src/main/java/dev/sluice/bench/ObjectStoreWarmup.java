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
import software.amazon.awssdk.awscore.presigner.PresignedRequest;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
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

  /** How long a presigned URL is valid: longer than one round takes. */
  private static final Duration VALID = Duration.ofMinutes(5);

  /** Requests sent and rounds cut short, over all clients. */
  private static final class Tally {
    final AtomicLong requests = new AtomicLong();
    final AtomicLong rounds = new AtomicLong();
    final AtomicLong failedRounds = new AtomicLong();
  }

  /** Returns the requests sent; the scratch bucket is removed again. */
  static long run(S3ProxyServer s3, int seconds, int clients) throws Exception {
    if (seconds <= 0) {
      return 0;
    }
    Progress.say(
        "warming the shared S3 API for %d s with %d clients, unmeasured", seconds, clients);
    Tally tally = new Tally();
    try (S3Client client = S3ProxyClients.client(s3);
        S3Presigner presigner = S3ProxyClients.presigner(s3)) {
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
                    cycle(client, presigner, http, id, until, tally);
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
    long failed = tally.failedRounds.get();
    Progress.say(
        "shared S3 API warmed: %,d requests in rounds that succeeded, %,d rounds cut short by an"
            + " I/O error",
        tally.requests.get(), failed);
    if (failed * 10 > tally.rounds.get() + failed) {
      // more than one round in ten failed: the object store is not fit to measure against
      throw new IllegalStateException(
          "the shared S3 API failed "
              + failed
              + " warm-up rounds of "
              + (tally.rounds.get() + failed));
    }
    return tally.requests.get();
  }

  private static void cycle(
      S3Client client, S3Presigner presigner, HttpClient http, int id, long until, Tally tally)
      throws InterruptedException {
    byte[] body = ("{\"warm-up\":\"" + "x".repeat(1500) + "\"}").getBytes(StandardCharsets.UTF_8);
    for (int i = 0; System.nanoTime() < until; i++) {
      try {
        tally.requests.addAndGet(round(client, presigner, http, id, i, body));
        tally.rounds.incrementAndGet();
      } catch (IOException | SdkException | UncheckedIOException e) {
        // S3Proxy now and then drops a kept-alive connection under a PUT; the round is unmeasured
        tally.failedRounds.incrementAndGet();
      }
    }
  }

  /**
   * PUT, HEAD and GET of one key signed in headers, the same presigned; now and then a DELETE.
   * Returns the requests sent.
   */
  private static int round(
      S3Client client, S3Presigner presigner, HttpClient http, int id, int i, byte[] body)
      throws IOException, InterruptedException {
    String key = "c" + id + "/" + (i % KEYS_PER_CLIENT) + ".json";
    client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(body));
    client.headObject(b -> b.bucket(BUCKET).key(key));
    client.getObject(b -> b.bucket(BUCKET).key(key), ResponseTransformer.toBytes());
    String presignedKey = "p" + id + "/" + (i % KEYS_PER_CLIENT) + ".json";
    send(
        http,
        presigner.presignPutObject(
            p ->
                p.signatureDuration(VALID)
                    .putObjectRequest(b -> b.bucket(BUCKET).key(presignedKey))),
        "PUT",
        body);
    send(
        http,
        presigner.presignHeadObject(
            p ->
                p.signatureDuration(VALID)
                    .headObjectRequest(b -> b.bucket(BUCKET).key(presignedKey))),
        "HEAD",
        null);
    send(
        http,
        presigner.presignGetObject(
            p ->
                p.signatureDuration(VALID)
                    .getObjectRequest(b -> b.bucket(BUCKET).key(presignedKey))),
        "GET",
        null);
    if (i % KEYS_PER_CLIENT != KEYS_PER_CLIENT - 1) {
      return 6;
    }
    client.deleteObject(b -> b.bucket(BUCKET).key(key));
    return 7;
  }

  private static void send(HttpClient http, PresignedRequest presigned, String method, byte[] body)
      throws IOException, InterruptedException {
    URI uri;
    try {
      uri = presigned.url().toURI();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("the presigner made an invalid URL", e);
    }
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
