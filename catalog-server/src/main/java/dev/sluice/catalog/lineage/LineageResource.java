package dev.sluice.catalog.lineage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.catalog.rest.IcebergErrors;
import dev.sluice.catalog.security.CatalogAuthorizer;
import dev.sluice.lineage.ColumnRef;
import dev.sluice.lineage.DatasetId;
import dev.sluice.lineage.InvalidLineageEventException;
import dev.sluice.lineage.JobId;
import dev.sluice.lineage.LineageEventParser;
import dev.sluice.lineage.LineageGraph;
import dev.sluice.lineage.NodeId;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.apache.iceberg.exceptions.NotFoundException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The OpenLineage sink (compatible with clients configured for Marquez: {@code POST
 * /api/v1/lineage}) and the lineage graph API. Every answer is ordered by name.
 */
@Authenticated
@Path("/api/v1/lineage")
@Produces(MediaType.APPLICATION_JSON)
public class LineageResource {
  static final int MAX_DEPTH = 50;

  @Inject LineageService lineage;
  @Inject CatalogAuthorizer authorizer;

  /** One event, or a JSON array of events (each validated before any is stored). */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response ingest(String body) {
    authorizer.allowAuthenticated("lineage.ingest", "lineage");
    if (body == null || body.isBlank()) {
      throw new InvalidLineageEventException("Missing request body");
    }
    JsonNode tree = LineageEventParser.readTree(body);
    if (!tree.isArray()) {
      LineageService.Ingested ingested = lineage.ingest(tree, body, "api");
      return Response.status(ingested.stored() ? 201 : 200).entity(accepted(ingested)).build();
    }
    List<LineageViews.Accepted> results =
        lineage.ingestAll(tree, "api").stream().map(LineageResource::accepted).toList();
    return Response.status(201).entity(results).build();
  }

  private static LineageViews.Accepted accepted(LineageService.Ingested ingested) {
    return new LineageViews.Accepted(
        ingested.stored(),
        ingested.event().kind().name(),
        ingested.event().runId().map(Object::toString).orElse(null));
  }

  /** Upstream or downstream of a dataset or job, to {@code depth} edges. */
  @GET
  @Path("/graph")
  public LineageViews.Graph graph(
      @QueryParam("type") @DefaultValue("dataset") String type,
      @QueryParam("namespace") String namespace,
      @QueryParam("name") String name,
      @QueryParam("direction") @DefaultValue("downstream") String direction,
      @QueryParam("depth") @DefaultValue("5") int depth) {
    authorizer.allowAuthenticated("lineage.read", "lineage");
    NodeId node = node(type, namespace, name);
    checkDepth(depth);
    LineageGraph graph = lineage.graph();
    return switch (direction) {
      case "downstream" -> LineageViews.Graph.of(graph.downstream(node, depth));
      case "upstream" -> LineageViews.Graph.of(graph.upstream(node, depth));
      default ->
          throw new IllegalArgumentException(
              "Invalid direction: " + direction + " (upstream or downstream)");
    };
  }

  /** Where a column came from (upstream) or what was derived from it (downstream). */
  @GET
  @Path("/columns")
  public List<LineageViews.ColumnLink> columns(
      @QueryParam("namespace") String namespace,
      @QueryParam("name") String name,
      @QueryParam("field") String field,
      @QueryParam("direction") @DefaultValue("upstream") String direction,
      @QueryParam("depth") @DefaultValue("5") int depth) {
    authorizer.allowAuthenticated("lineage.read", "lineage");
    DatasetId dataset = (DatasetId) node("dataset", namespace, name);
    require("field", field);
    checkDepth(depth);
    ColumnRef column = new ColumnRef(dataset, field);
    var edges =
        switch (direction) {
          case "upstream" -> lineage.graph().columnLineage(column, depth);
          case "downstream" -> lineage.graph().columnDescendants(column, depth);
          default ->
              throw new IllegalArgumentException(
                  "Invalid direction: " + direction + " (upstream or downstream)");
        };
    return edges.stream().map(LineageViews.ColumnLink::of).toList();
  }

  /** Every dataset, job and run downstream of a dataset. */
  @GET
  @Path("/impact")
  public LineageViews.ImpactView impact(
      @QueryParam("namespace") String namespace, @QueryParam("name") String name) {
    authorizer.allowAuthenticated("lineage.read", "lineage");
    DatasetId dataset = (DatasetId) node("dataset", namespace, name);
    return LineageViews.ImpactView.of(lineage.graph().impact(dataset));
  }

  /** A run with the exact dataset versions (Iceberg snapshot ids) it read and wrote. */
  @GET
  @Path("/runs/{runId}")
  public LineageViews.Run run(@PathParam("runId") String runId) {
    authorizer.allowAuthenticated("lineage.read", "lineage");
    return lineage
        .graph()
        .run(LineageEventParser.runId(runId))
        .map(LineageViews.Run::of)
        .orElseThrow(() -> new NotFoundException("Run does not exist: %s", runId));
  }

  /** The runs of a job, oldest first. */
  @GET
  @Path("/runs")
  public List<LineageViews.Run> runs(
      @QueryParam("namespace") String namespace, @QueryParam("name") String name) {
    authorizer.allowAuthenticated("lineage.read", "lineage");
    JobId job = (JobId) node("job", namespace, name);
    return lineage.graph().runsOf(job).stream().map(LineageViews.Run::of).toList();
  }

  /** Datasets and jobs whose name or namespace contains {@code q}. */
  @GET
  @Path("/search")
  public List<LineageViews.Node> search(
      @QueryParam("q") String q, @QueryParam("limit") @DefaultValue("100") int limit) {
    authorizer.allowAuthenticated("lineage.read", "lineage");
    require("q", q);
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("Invalid limit: " + limit + " (1 to 1000)");
    }
    return lineage.graph().search(q, limit).stream().map(LineageViews.Node::of).toList();
  }

  private NodeId node(String type, String namespace, String name) {
    require("namespace", namespace);
    require("name", name);
    NodeId node =
        switch (type) {
          case "dataset" -> new DatasetId(namespace, name);
          case "job" -> new JobId(namespace, name);
          default ->
              throw new IllegalArgumentException("Invalid type: " + type + " (dataset or job)");
        };
    if (!lineage.graph().contains(node)) {
      throw new NotFoundException("No lineage for %s %s:%s", type, namespace, name);
    }
    return node;
  }

  private static void require(String parameter, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("Missing query parameter: " + parameter);
    }
  }

  private static void checkDepth(int depth) {
    if (depth < 1 || depth > MAX_DEPTH) {
      throw new IllegalArgumentException("Invalid depth: " + depth + " (1 to " + MAX_DEPTH + ")");
    }
  }

  @ServerExceptionMapper
  public Response invalidEvent(InvalidLineageEventException e) {
    return IcebergErrors.response(400, "InvalidLineageEventException", e.getMessage());
  }
}
