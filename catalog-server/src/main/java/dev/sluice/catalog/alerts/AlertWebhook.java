package dev.sluice.catalog.alerts;

import dev.sluice.catalog.jobs.JobContext;
import dev.sluice.catalog.jobs.JobExecutor;
import dev.sluice.catalog.json.ServerJson;
import dev.sluice.catalog.persistence.JobStore;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Delivers one alert event (a job of kind {@value #KIND}, enqueued with what it reports: a
 * freshness transition, a contract warning): POSTs its JSON to {@code sluice.alerts.webhook-url}.
 * Every event carries {@code kind} and {@code violationId}; the delivery's {@code Idempotency-Key}
 * is {@code violationId:kind}. A connection error or an answer other than 2xx fails the attempt;
 * the job table retries it after {@link #retryDelay} until {@code webhook-max-attempts}, then gives
 * it up and logs it. Delivery is at least once: a replica that dies after the POST and before
 * recording it sends it again, with the same violation id.
 */
@ApplicationScoped
public class AlertWebhook implements JobExecutor {
  public static final String KIND = "alert.webhook";
  private static final org.jboss.logging.Logger LOG =
      org.jboss.logging.Logger.getLogger(AlertWebhook.class);

  private final AlertsConfig config;
  private final Optional<URI> target;
  private final HttpClient client;

  @Inject
  public AlertWebhook(AlertsConfig config) {
    this.config = config;
    this.target = config.webhookUrl().map(AlertWebhook::checkedUrl);
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
          "sluice.alerts.webhook-url is not a URL: " + e.getMessage(), e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(
          "sluice.alerts.webhook-url must be an http:// or https:// URL, not '" + url + "'");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("sluice.alerts.webhook-url names no host: '" + url + "'");
    }
    return uri;
  }

  /**
   * Builds the bean at start-up, so a URL that is not http(s) fails the start with the setting's
   * name (the constructor checks it) instead of the first delivery.
   */
  void validate(@Observes StartupEvent event) {
    LOG.debugf("Alert webhook: %s", target.map(URI::toString).orElse("none"));
  }

  /** Whether events are delivered at all. */
  public boolean configured() {
    return target.isPresent();
  }

  /** Attempts per delivery. */
  public int maxAttempts() {
    return Math.max(1, config.webhookMaxAttempts());
  }

  /**
   * The delivery of {@code event} (a JSON object with {@code kind} and {@code violationId}) to
   * enqueue, in the transaction that records what it reports; null when no webhook is configured.
   */
  public JobStore.NewJob delivery(String subject, Object event, String createdBy) {
    if (!configured()) {
      return null;
    }
    return new JobStore.NewJob(KIND, subject, ServerJson.write(event), createdBy, maxAttempts());
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
    // every event names its kind and a stable id, which together make the delivery's key
    com.fasterxml.jackson.databind.JsonNode event = ServerJson.mapper().readTree(context.payload());
    String kind = event.path("kind").asText();
    String id = event.path("violationId").asText();
    HttpRequest request =
        HttpRequest.newBuilder(target.get())
            .timeout(config.webhookTimeout())
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", id + ":" + kind)
            .POST(HttpRequest.BodyPublishers.ofString(context.payload()))
            .build();
    HttpResponse<Void> response;
    // the whole exchange is bounded, not only the wait for the headers
    var exchange = client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
    try {
      response = exchange.get(config.webhookTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw new IOException("webhook did not answer within " + config.webhookTimeout(), e);
    } catch (ExecutionException e) {
      throw new IOException("webhook delivery failed: " + e.getCause(), e.getCause());
    }
    if (response.statusCode() / 100 != 2) {
      throw new IOException(
          "webhook answered "
              + response.statusCode()
              + " to "
              + kind
              + " of "
              + event.path("dataset").asText());
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
