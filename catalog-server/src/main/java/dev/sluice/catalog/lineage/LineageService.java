package dev.sluice.catalog.lineage;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sluice.catalog.persistence.LineageEventEntity;
import dev.sluice.catalog.persistence.LineageEventStore;
import dev.sluice.catalog.persistence.LineageTableSource;
import dev.sluice.lineage.ColumnEdge;
import dev.sluice.lineage.DatasetVersion;
import dev.sluice.lineage.InvalidLineageEventException;
import dev.sluice.lineage.LineageEvent;
import dev.sluice.lineage.LineageEventParser;
import dev.sluice.lineage.LineageGraph;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientUtils;
import jakarta.enterprise.context.ApplicationScoped;
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
 * Receives OpenLineage events: each is validated, then stored as received and projected into the
 * lineage tables in the same transaction. Every replica reads the same tables ({@link
 * LineageTableSource}), so an event posted to one is answered by all at once, and nothing is
 * replayed at start. Events stored unprojected (the catalog's own, written with its commits, and
 * those stored before the tables existed) are projected by {@link LineageProjector}.
 */
@ApplicationScoped
public class LineageService {
  private static final Logger LOG = Logger.getLogger(LineageService.class);
  private static final ObjectMapper CANONICAL =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  static final String CATALOG_SOURCE = "catalog";
  static final String API_SOURCE = "api";

  private final LineageEventStore store;
  private final LineageAccess access;
  private final LineageGraph graph;

  @Inject
  public LineageService(LineageEventStore store, LineageAccess access, LineageTableSource tables) {
    this.store = store;
    this.access = access;
    this.graph = new LineageGraph(tables);
  }

  /** The graph as the lineage tables hold it. */
  public LineageGraph graph() {
    return graph;
  }

  /** Validates, stores and projects one event. */
  public Ingested ingest(String json, Sender sender) {
    return store(read(json).events(), sender).get(0);
  }

  /**
   * Reads one event, or a JSON array of events, validating every one before anything is stored: a
   * bad event anywhere refuses the whole body.
   *
   * @throws InvalidLineageEventException when an event is not valid OpenLineage
   */
  public static Body read(String body) {
    JsonNode tree = LineageEventParser.readTree(body);
    if (!tree.isArray()) {
      return new Body(
          List.of(new Received(fits(LineageEventParser.parse(tree)), tree, body)), false);
    }
    List<Received> received = new ArrayList<>(tree.size());
    for (int i = 0; i < tree.size(); i++) {
      JsonNode event = tree.get(i);
      try {
        received.add(new Received(fits(LineageEventParser.parse(event)), event, event.toString()));
      } catch (InvalidLineageEventException e) {
        throw new InvalidLineageEventException("Event " + i + ": " + e.getMessage(), e);
      }
    }
    return new Body(received, true);
  }

  /**
   * An event this catalog built, as if received: its JSON is written once and read as a tree for
   * the stored form and the hash, and the event is validated from the built object itself.
   */
  public static Received built(OpenLineage.RunEvent event) {
    String json = OpenLineageClientUtils.toJson(event);
    return new Received(
        fits(LineageEventParser.parse(event)), LineageEventParser.readTree(json), json);
  }

  /**
   * Stores and projects events already read, in one transaction; re-sending an identical event
   * stores nothing.
   */
  public List<Ingested> store(List<Received> events, Sender sender) {
    List<LineageEventEntity> entities = new ArrayList<>(events.size());
    List<LineageEvent> parsed = new ArrayList<>(events.size());
    for (Received event : events) {
      entities.add(entity(event, sender));
      parsed.add(event.event());
    }
    List<Boolean> stored = store.projecting(() -> store.appendAndProject(entities, parsed));
    List<Ingested> results = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      results.add(new Ingested(stored.get(i), parsed.get(i)));
    }
    return results;
  }

  /** The row that stores {@code received}. */
  static LineageEventEntity entity(Received received, Sender sender) {
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
    return entity;
  }

  /**
   * What stored events project as: those that no longer parse are skipped, and so are those that
   * claim a catalog job but were not sent by the catalog (received before the API refused them).
   */
  List<LineageEvent> projectable(List<LineageEventStore.Stored> stored) {
    List<LineageEvent> events = new ArrayList<>(stored.size());
    for (LineageEventStore.Stored event : stored) {
      LineageEvent parsed;
      try {
        parsed = LineageEventParser.parse(event.json());
      } catch (InvalidLineageEventException e) {
        LOG.warnf("Stored lineage event %d no longer parses: %s", event.id(), e.getMessage());
        continue;
      }
      if (!CATALOG_SOURCE.equals(event.source())
          && parsed.job().filter(access::isCatalogJob).isPresent()) {
        LOG.warnf(
            "Stored lineage event %d claims catalog job %s and was not sent by the catalog;"
                + " not projected",
            event.id(), parsed.job().get());
        continue;
      }
      events.add(parsed);
    }
    return events;
  }

  /** The longest name, namespace, field or version the lineage tables hold. */
  static final int MAX_NAME = 1024;

  static final int MAX_TRANSFORMATION = 4000;

  /** Refuses an event with a name the lineage tables cannot hold, before anything is stored. */
  private static LineageEvent fits(LineageEvent event) {
    event.job().ifPresent(job -> fits("job", job.namespace(), job.name()));
    for (DatasetVersion version : event.inputs()) {
      fits("input", version.dataset().namespace(), version.dataset().name(), version.version());
    }
    for (DatasetVersion version : event.outputs()) {
      fits("output", version.dataset().namespace(), version.dataset().name(), version.version());
    }
    for (ColumnEdge edge : event.columnEdges()) {
      fits(
          "column lineage",
          edge.source().dataset().namespace(),
          edge.source().dataset().name(),
          edge.source().field(),
          edge.target().dataset().namespace(),
          edge.target().dataset().name(),
          edge.target().field());
      if (edge.transformation().length() > MAX_TRANSFORMATION) {
        throw new InvalidLineageEventException(
            "Column lineage transformation longer than " + MAX_TRANSFORMATION + " characters");
      }
    }
    return event;
  }

  private static void fits(String what, String... names) {
    for (String name : names) {
      if (name.length() > MAX_NAME) {
        throw new InvalidLineageEventException(
            "A "
                + what
                + " name, namespace, field or version is longer than "
                + MAX_NAME
                + " characters");
      }
    }
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
