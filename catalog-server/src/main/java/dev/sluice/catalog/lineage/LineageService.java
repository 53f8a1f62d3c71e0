package dev.sluice.catalog.lineage;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sluice.catalog.persistence.LineageEventEntity;
import dev.sluice.catalog.persistence.LineageEventStore;
import dev.sluice.lineage.InvalidLineageEventException;
import dev.sluice.lineage.LineageEvent;
import dev.sluice.lineage.LineageEventParser;
import dev.sluice.lineage.LineageGraph;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Receives OpenLineage events: each is validated, stored as received, then projected into the
 * in-memory {@link LineageGraph} that answers lineage questions. At start the graph is rebuilt by
 * replaying the stored events; projection does not depend on their order.
 */
@ApplicationScoped
public class LineageService {
  private static final Logger LOG = Logger.getLogger(LineageService.class);
  private static final ObjectMapper CANONICAL =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private static final int REPLAY_PAGE = 2000;
  static final String CATALOG_SOURCE = "catalog";
  static final String API_SOURCE = "api";

  private final LineageEventStore store;
  private final LineageAccess access;
  private final LineageGraph graph = new LineageGraph();

  @Inject
  public LineageService(LineageEventStore store, LineageAccess access) {
    this.store = store;
    this.access = access;
  }

  void onStart(@Observes StartupEvent event) {
    long started = System.nanoTime();
    long replayed = 0;
    long after = 0;
    while (true) {
      List<LineageEventEntity> page = store.page(after, REPLAY_PAGE);
      for (LineageEventEntity stored : page) {
        after = stored.id;
        LineageEvent parsed;
        try {
          parsed = LineageEventParser.parse(stored.eventJson);
        } catch (InvalidLineageEventException e) {
          LOG.warnf("Stored lineage event %d no longer parses: %s", stored.id, e.getMessage());
          continue;
        }
        if (!CATALOG_SOURCE.equals(stored.source)
            && parsed.job().filter(access::isCatalogJob).isPresent()) {
          // received before the API refused them: only the catalog writes its own jobs
          LOG.warnf(
              "Stored lineage event %d claims catalog job %s and was not sent by the catalog;"
                  + " not replayed",
              stored.id, parsed.job().get());
          continue;
        }
        graph.apply(parsed);
        replayed++;
      }
      if (page.size() < REPLAY_PAGE) {
        break;
      }
    }
    if (replayed > 0) {
      LOG.infof(
          "Lineage graph rebuilt from %d events in %d ms (%d datasets, %d jobs)",
          replayed,
          (System.nanoTime() - started) / 1_000_000,
          graph.datasetCount(),
          graph.jobCount());
    }
  }

  public LineageGraph graph() {
    return graph;
  }

  /** Validates, stores and projects one event the catalog itself emits. */
  public Ingested ingest(String json, Sender sender) {
    return store(read(json).events(), sender).get(0);
  }

  /**
   * Reads one event, or a JSON array of events, validating every one before anything is stored: a
   * bad event anywhere refuses the whole body.
   *
   * @throws InvalidLineageEventException when an event is not valid OpenLineage
   */
  public Body read(String body) {
    JsonNode tree = LineageEventParser.readTree(body);
    if (!tree.isArray()) {
      return new Body(List.of(new Received(LineageEventParser.parse(tree), tree, body)), false);
    }
    List<Received> received = new ArrayList<>(tree.size());
    for (int i = 0; i < tree.size(); i++) {
      JsonNode event = tree.get(i);
      try {
        received.add(new Received(LineageEventParser.parse(event), event, event.toString()));
      } catch (InvalidLineageEventException e) {
        throw new InvalidLineageEventException("Event " + i + ": " + e.getMessage(), e);
      }
    }
    return new Body(received, true);
  }

  /** Stores and projects events already read; re-sending an identical event stores nothing. */
  public List<Ingested> store(List<Received> events, Sender sender) {
    List<Ingested> results = new ArrayList<>(events.size());
    for (Received event : events) {
      results.add(record(event, sender));
    }
    return results;
  }

  private Ingested record(Received received, Sender sender) {
    LineageEvent event = received.event();
    LineageEventEntity entity = new LineageEventEntity();
    entity.eventHash = canonicalHash(received.tree());
    entity.kind = event.kind().name();
    entity.runId = event.runId().map(Object::toString).orElse(null);
    entity.jobNamespace = event.job().map(j -> j.namespace()).orElse(null);
    entity.jobName = event.job().map(j -> j.name()).orElse(null);
    entity.eventTime = event.eventTime().atOffset(ZoneOffset.UTC);
    entity.source = sender.source();
    entity.sender = sender.principal();
    entity.senderCredential = sender.credential();
    entity.eventJson = received.json();
    boolean stored;
    try {
      // the catalog's own events carry a fresh run id: no earlier copy can exist
      stored = store.append(entity, !CATALOG_SOURCE.equals(sender.source()));
    } catch (LineageEventStore.DuplicateEventException e) {
      stored = false;
    }
    graph.apply(event);
    return new Ingested(stored, event);
  }

  /** Same content, same hash: key order and white space do not matter. */
  static String canonicalHash(JsonNode tree) {
    try {
      Object value = CANONICAL.treeToValue(tree, Object.class);
      byte[] canonical = CANONICAL.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A JSON tree always serialises", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The outcome of one ingest: whether it was new, and what it said. */
  public record Ingested(boolean stored, LineageEvent event) {}

  /** One event as received: what it says and its JSON. */
  public record Received(LineageEvent event, JsonNode tree, String json) {
    public Received {
      requireNonNull(event, "event");
      requireNonNull(tree, "tree");
      requireNonNull(json, "json");
    }
  }

  /** A request body: its events, and whether they came as an array (answered with an array). */
  public record Body(List<Received> events, boolean array) {
    public Body {
      events = List.copyOf(events);
    }
  }

  /**
   * Who sent events: the catalog itself, or a principal through the API (with the credential it
   * used, where the request's identity names one).
   */
  public record Sender(String source, String principal, String credential) {
    public static final Sender CATALOG = new Sender(CATALOG_SOURCE, null, null);

    public Sender {
      requireNonNull(source, "source");
      if (!source.equals(CATALOG_SOURCE) && principal == null) {
        throw new IllegalArgumentException("an event from the API has a sender");
      }
    }

    public static Sender api(String principal, String credential) {
      return new Sender(API_SOURCE, principal, credential);
    }
  }
}
