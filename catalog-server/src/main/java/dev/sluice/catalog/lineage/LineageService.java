package dev.sluice.catalog.lineage;

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

  private final LineageEventStore store;
  private final LineageGraph graph = new LineageGraph();

  @Inject
  public LineageService(LineageEventStore store) {
    this.store = store;
  }

  void onStart(@Observes StartupEvent event) {
    long started = System.nanoTime();
    long replayed = 0;
    long after = 0;
    while (true) {
      List<LineageEventEntity> page = store.page(after, REPLAY_PAGE);
      for (LineageEventEntity stored : page) {
        try {
          graph.apply(LineageEventParser.parse(stored.eventJson));
        } catch (InvalidLineageEventException e) {
          LOG.warnf("Stored lineage event %d no longer parses: %s", stored.id, e.getMessage());
        }
        after = stored.id;
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

  /**
   * Validates, stores and projects one event. Re-sending an identical event stores nothing new.
   *
   * @throws InvalidLineageEventException when the event is not valid OpenLineage
   */
  public Ingested ingest(String json, String source) {
    return ingest(LineageEventParser.readTree(json), json, source);
  }

  /**
   * As {@link #ingest(String, String)} for an event already read as {@code tree} from {@code json}.
   */
  public Ingested ingest(JsonNode tree, String json, String source) {
    return record(LineageEventParser.parse(tree), tree, json, source);
  }

  /**
   * A JSON array of events: every one is validated before any is stored, so a bad event anywhere
   * stores nothing.
   */
  public List<Ingested> ingestAll(JsonNode events, String source) {
    List<LineageEvent> parsed = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      try {
        parsed.add(LineageEventParser.parse(events.get(i)));
      } catch (InvalidLineageEventException e) {
        throw new InvalidLineageEventException("Event " + i + ": " + e.getMessage(), e);
      }
    }
    List<Ingested> results = new ArrayList<>(parsed.size());
    for (int i = 0; i < parsed.size(); i++) {
      JsonNode tree = events.get(i);
      results.add(record(parsed.get(i), tree, tree.toString(), source));
    }
    return results;
  }

  private Ingested record(LineageEvent event, JsonNode tree, String json, String source) {
    LineageEventEntity entity = new LineageEventEntity();
    entity.eventHash = canonicalHash(tree);
    entity.kind = event.kind().name();
    entity.runId = event.runId().map(Object::toString).orElse(null);
    entity.jobNamespace = event.job().map(j -> j.namespace()).orElse(null);
    entity.jobName = event.job().map(j -> j.name()).orElse(null);
    entity.eventTime = event.eventTime().atOffset(ZoneOffset.UTC);
    entity.source = source;
    entity.eventJson = json;
    boolean stored;
    try {
      // the catalog's own events carry a fresh run id: no earlier copy can exist
      stored = store.append(entity, !CATALOG_SOURCE.equals(source));
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
}
