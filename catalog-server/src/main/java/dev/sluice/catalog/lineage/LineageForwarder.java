package dev.sluice.catalog.lineage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Forwards catalog-emitted events to an external OpenLineage endpoint from one background thread.
 * Callers only enqueue: a slow, failing or absent endpoint never blocks or fails a commit. When the
 * queue is full, new events are dropped and counted.
 */
@ApplicationScoped
public class LineageForwarder {
  private static final Logger LOG = Logger.getLogger(LineageForwarder.class);

  private final Optional<URI> target;
  private final LineageConfig config;
  private final BlockingQueue<String> queue;
  private final Counter forwarded;
  private final Counter failed;
  private final Counter dropped;
  private final HttpClient client;
  private final Thread worker;
  private volatile boolean running = true;

  @Inject
  public LineageForwarder(LineageConfig config, MeterRegistry registry) {
    this.config = config;
    this.target = config.forwardUrl();
    this.queue = new ArrayBlockingQueue<>(Math.max(1, config.forwardQueueSize()));
    this.forwarded = registry.counter("sluice.lineage.forwarded");
    this.failed = registry.counter("sluice.lineage.forward.failures");
    this.dropped = registry.counter("sluice.lineage.forward.dropped");
    this.client = HttpClient.newBuilder().connectTimeout(config.forwardTimeout()).build();
    if (target.isPresent()) {
      this.worker = new Thread(this::run, "lineage-forwarder");
      worker.setDaemon(true);
      worker.start();
      LOG.infof("Forwarding catalog lineage events to %s", target.get());
    } else {
      this.worker = null;
    }
  }

  /** Queues an event for forwarding; returns at once. */
  public void forward(String json) {
    if (target.isEmpty()) {
      return;
    }
    if (!queue.offer(json)) {
      dropped.increment();
    }
  }

  private void run() {
    while (running) {
      String json;
      try {
        json = queue.poll(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (json != null) {
        send(json);
      }
    }
  }

  private void send(String json) {
    HttpRequest request =
        HttpRequest.newBuilder(target.get())
            .timeout(config.forwardTimeout())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
    try {
      HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() / 100 == 2) {
        forwarded.increment();
      } else {
        failed.increment();
        LOG.warnf("Lineage forward to %s answered %d", target.get(), response.statusCode());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      failed.increment();
      LOG.warnf("Lineage forward to %s failed: %s", target.get(), e.toString());
    }
  }

  @PreDestroy
  void stop() {
    running = false;
    if (worker != null) {
      worker.interrupt();
    }
  }
}
