package dev.sluice.catalog.freshness;

import dev.sluice.catalog.jobs.JobContext;
import dev.sluice.catalog.jobs.JobExecutor;
import dev.sluice.catalog.json.ServerJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Delivers one freshness event (a job of kind {@value #KIND}, enqueued with the transition it
 * reports): POSTs its JSON to {@code sluice.freshness.webhook-url}. A connection error or an answer
 * other than 2xx fails the attempt; the job table retries it after {@link #retryDelay} until {@code
 * webhook-max-attempts}, then gives it up and logs it. Delivery is at least once: a replica that
 * dies after the POST and before recording it sends it again, with the same violation id.
 */
@ApplicationScoped
public class FreshnessWebhook implements JobExecutor {
  public static final String KIND = "freshness.webhook";

  private final FreshnessConfig config;
  private final Optional<URI> target;
  private final HttpClient client;

  @Inject
  public FreshnessWebhook(FreshnessConfig config) {
    this.config = config;
    this.target = config.webhookUrl().map(FreshnessWebhook::checkedUrl);
    this.client = HttpClient.newBuilder().connectTimeout(config.webhookTimeout()).build();
  }

  /**
   * The URL, when it is an absolute http or https URL with a host.
   *
   * @throws IllegalArgumentException naming the setting, otherwise
   */
  static URI checkedUrl(String url) {
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "sluice.freshness.webhook-url is not a URL: " + e.getMessage(), e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(
          "sluice.freshness.webhook-url must be an http:// or https:// URL, not '" + url + "'");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException(
          "sluice.freshness.webhook-url names no host: '" + url + "'");
    }
    return uri;
  }

  /** Whether events are delivered at all. */
  public boolean configured() {
    return target.isPresent();
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String run(JobContext context) throws IOException, InterruptedException {
    if (target.isEmpty()) {
      // the URL was removed since the event was queued: nobody to tell
      return ServerJson.write(Map.of("delivered", false, "reason", "no webhook-url configured"));
    }
    FreshnessEvent event = ServerJson.read(context.payload(), FreshnessEvent.class);
    HttpRequest request =
        HttpRequest.newBuilder(target.get())
            .timeout(config.webhookTimeout())
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", event.violationId() + ":" + event.kind())
            .POST(HttpRequest.BodyPublishers.ofString(context.payload()))
            .build();
    HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
    if (response.statusCode() / 100 != 2) {
      throw new IOException(
          "webhook answered "
              + response.statusCode()
              + " to "
              + event.kind()
              + " of "
              + event.dataset());
    }
    return ServerJson.write(Map.of("delivered", true, "status", response.statusCode()));
  }

  /** {@code webhook-retry-delay}, doubled for every further attempt, at most the max. */
  @Override
  public Duration retryDelay(int failedAttempt) {
    Duration delay = config.webhookRetryDelay();
    Duration max = config.webhookMaxRetryDelay();
    for (int i = 1; i < failedAttempt && delay.compareTo(max) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(max) > 0 ? max : delay;
  }
}
