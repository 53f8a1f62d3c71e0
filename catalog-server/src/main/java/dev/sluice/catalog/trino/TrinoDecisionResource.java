package dev.sluice.catalog.trino;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The decision API for Trino's {@code opa} access-control plugin ({@code opa.policy.uri}, {@code
 * …batched-uri}, {@code …row-filters-uri}, {@code …batch-column-masking-uri}). Only callers the
 * {@link TrinoDecisionChannel} accepts reach it (a verified client certificate, then the address
 * fence); the plugin's requests carry no token, hence no authentication here. Every failure answers
 * the most restrictive thing the protocol allows: deny, keep nothing, filter every row, mask every
 * column.
 */
@PermitAll
@TrinoDecisionGuard.Guarded
@Path("/api/v1/trino")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class TrinoDecisionResource {
  private static final Logger LOG = Logger.getLogger(TrinoDecisionResource.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TrinoDecisions decisions;

  @Inject
  public TrinoDecisionResource(TrinoDecisions decisions) {
    this.decisions = decisions;
  }

  @POST
  @Path("/allow")
  public ObjectNode allow(JsonNode body) {
    JsonNode input = input(body);
    boolean allowed = failClosed(() -> decisions.allow(input), () -> false, "denied", body);
    return JSON.createObjectNode().put("result", allowed);
  }

  @POST
  @Path("/batch")
  public ObjectNode batch(JsonNode body) {
    JsonNode input = input(body);
    List<Integer> keep =
        failClosed(() -> decisions.filter(input), List::<Integer>of, "nothing kept", body);
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode result = answer.putArray("result");
    keep.forEach(result::add);
    return answer;
  }

  @POST
  @Path("/row-filters")
  public ObjectNode rowFilters(JsonNode body) {
    JsonNode input = input(body);
    // an empty answer would show every row: filter them all instead
    List<String> filters =
        failClosed(
            () -> decisions.rowFilters(input), () -> List.of("false"), "every row filtered", body);
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode result = answer.putArray("result");
    filters.forEach(f -> result.addObject().put("expression", f));
    return answer;
  }

  @POST
  @Path("/column-masks")
  public ObjectNode columnMasks(JsonNode body) {
    JsonNode input = input(body);
    List<TrinoDecisions.IndexedMask> masks =
        failClosed(
            () -> decisions.columnMasks(input),
            () -> TrinoDecisions.maskEverything(input),
            "every column masked",
            body);
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode result = answer.putArray("result");
    for (TrinoDecisions.IndexedMask mask : masks) {
      ObjectNode entry = result.addObject().put("index", mask.index());
      entry.putObject("viewExpression").put("expression", mask.expression());
    }
    return answer;
  }

  /** The decision, or the most restrictive answer when deciding fails. */
  private static <T> T failClosed(
      Supplier<T> decision, Supplier<T> restrictive, String fallback, JsonNode body) {
    try {
      return decision.get();
    } catch (RuntimeException e) {
      LOG.warnf(e, "Trino decision failed; %s: %s", fallback, body);
      return restrictive.get();
    }
  }

  private static JsonNode input(JsonNode body) {
    if (body == null || !body.path("input").isObject()) {
      throw new IllegalArgumentException("expected {\"input\": {...}}");
    }
    return body.path("input");
  }
}
