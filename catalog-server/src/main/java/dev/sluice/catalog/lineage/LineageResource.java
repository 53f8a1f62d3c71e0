package dev.sluice.catalog.lineage;

import dev.sluice.catalog.rest.IcebergErrors;
import dev.sluice.catalog.security.CatalogAuthorizer;
import dev.sluice.catalog.security.Identities;
import dev.sluice.lineage.ColumnRef;
import dev.sluice.lineage.DatasetId;
import dev.sluice.lineage.InvalidLineageEventException;
import dev.sluice.lineage.JobId;
import dev.sluice.lineage.LineageEventParser;
import dev.sluice.lineage.LineageGraph;
import dev.sluice.lineage.NodeId;
import dev.sluice.lineage.Visibility;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
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
 *
 * <p>Sending needs the lineage writer role (or the admin role). Reading is open to every
 * authenticated caller, and each answer shows only what the caller may see ({@link LineageAccess}):
 * a dataset it may not see is answered exactly as one that does not exist, and no answer passes
 * through it.
 */
@Authenticated
@Path("/api/v1/lineage")
@Produces(MediaType.APPLICATION_JSON)
public class LineageResource {
  static final int MAX_DEPTH = 50;

  @Inject LineageService lineage;
  @Inject LineageAccess access;
  @Inject LineageConfig config;
  @Inject CatalogAuthorizer authorizer;
  @Inject SecurityIdentity identity;

  /**
   * One event, or a JSON array of events (each validated before any is stored). Events claiming the
   * catalog's own jobs are refused: only the catalog writes those.
   */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response ingest(String body) {
    authorizer.requireRole("lineage.ingest", "lineage", config.writerRole());
    if (body == null || body.isBlank()) {
      throw new InvalidLineageEventException("Missing request body");
    }
    LineageService.Body received = lineage.read(body);
    for (LineageService.Received event : received.events()) {
      JobId job = event.event().job().orElse(null);
      if (job != null && access.isCatalogJob(job)) {
        authorizer.refuse(
            "lineage.ingest",
            "lineage job " + job.namespace() + ":" + job.name(),
            "only the catalog writes the jobs of namespace '"
                + config.jobNamespace()
                + "' and its table commit jobs");
      }
    }
    LineageService.Sender sender =
        LineageService.Sender.api(
            authorizer.principal().self().toString(), Identities.credentialOf(identity));
    List<LineageService.Ingested> ingested = lineage.store(received.events(), sender);
    if (!received.array()) {
      LineageService.Ingested one = ingested.get(0);
      return Response.status(one.stored() ? 201 : 200).entity(accepted(one)).build();
    }
    return Response.status(201)
        .entity(ingested.stream().map(LineageResource::accepted).toList())
        .build();
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
    Visibility visibility = access.forCaller();
    NodeId node = node(type, namespace, name, visibility);
    checkDepth(depth);
    LineageGraph graph = lineage.graph();
    return switch (direction) {
      case "downstream" -> LineageViews.Graph.of(graph.downstream(node, depth, visibility));
      case "upstream" -> LineageViews.Graph.of(graph.upstream(node, depth, visibility));
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
    Visibility visibility = access.forCaller();
    DatasetId dataset = (DatasetId) node("dataset", namespace, name, visibility);
    require("field", field);
    checkDepth(depth);
    ColumnRef column = new ColumnRef(dataset, field);
    var edges =
        switch (direction) {
          case "upstream" -> lineage.graph().columnLineage(column, depth, visibility);
          case "downstream" -> lineage.graph().columnDescendants(column, depth, visibility);
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
    Visibility visibility = access.forCaller();
    DatasetId dataset = (DatasetId) node("dataset", namespace, name, visibility);
    return LineageViews.ImpactView.of(lineage.graph().impact(dataset, visibility));
  }

  /** A run with the exact dataset versions (Iceberg snapshot ids) it read and wrote. */
  @GET
  @Path("/runs/{runId}")
  public LineageViews.Run run(@PathParam("runId") String runId) {
    authorizer.allowAuthenticated("lineage.read", "lineage");
    return lineage
        .graph()
        .run(LineageEventParser.runId(runId), access.forCaller())
        .map(LineageViews.Run::of)
        .orElseThrow(() -> new NotFoundException("Run does not exist: %s", runId));
  }

  /** The runs of a job, oldest first. */
  @GET
  @Path("/runs")
  public List<LineageViews.Run> runs(
      @QueryParam("namespace") String namespace, @QueryParam("name") String name) {
    authorizer.allowAuthenticated("lineage.read", "lineage");
    Visibility visibility = access.forCaller();
    JobId job = (JobId) node("job", namespace, name, visibility);
    return lineage.graph().runsOf(job, visibility).stream().map(LineageViews.Run::of).toList();
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
    return lineage.graph().search(q, limit, access.forCaller()).stream()
        .map(LineageViews.Node::of)
        .toList();
  }

  /** The node asked about; one the caller may not see is answered as one that does not exist. */
  private NodeId node(String type, String namespace, String name, Visibility visibility) {
    require("namespace", namespace);
    require("name", name);
    NodeId node =
        switch (type) {
          case "dataset" -> new DatasetId(namespace, name);
          case "job" -> new JobId(namespace, name);
          default ->
              throw new IllegalArgumentException("Invalid type: " + type + " (dataset or job)");
        };
    if (!lineage.graph().contains(node, visibility)) {
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
