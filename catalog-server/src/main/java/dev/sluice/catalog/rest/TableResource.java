package dev.sluice.catalog.rest;

import dev.sluice.catalog.catalog.IcebergCatalogService;
import dev.sluice.catalog.catalog.IcebergCatalogService.LoadedTable;
import dev.sluice.catalog.signing.AccessDelegation;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.apache.iceberg.rest.RESTResponse;
import org.apache.iceberg.rest.requests.CommitTransactionRequest;
import org.apache.iceberg.rest.requests.CreateTableRequest;
import org.apache.iceberg.rest.requests.RegisterTableRequest;
import org.apache.iceberg.rest.requests.RenameTableRequest;
import org.apache.iceberg.rest.requests.ReportMetricsRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.rest.responses.ListTablesResponse;

/** Tables of the Iceberg REST API, plus rename and multi-table transactions. */
@Authenticated
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TableResource {
  /** The id of the job that purges a dropped table's files. */
  public static final String PURGE_JOB_HEADER = "X-Sluice-Purge-Job";

  @Inject IcebergCatalogService catalog;

  @GET
  @Path("/namespaces/{namespace}/tables")
  public ListTablesResponse list(
      @Encoded @PathParam("namespace") String namespace,
      @QueryParam("pageToken") String pageToken,
      @QueryParam("pageSize") String pageSize) {
    return catalog.listTables(PathNames.namespace(namespace), pageToken, pageSize);
  }

  @POST
  @Path("/namespaces/{namespace}/tables")
  public RESTResponse create(
      @Encoded @PathParam("namespace") String namespace,
      @HeaderParam(AccessDelegation.HEADER) String accessDelegation,
      CreateTableRequest request) {
    return catalog.createTable(PathNames.namespace(namespace), request, accessDelegation);
  }

  @POST
  @Path("/namespaces/{namespace}/register")
  public RESTResponse register(
      @Encoded @PathParam("namespace") String namespace,
      @HeaderParam(AccessDelegation.HEADER) String accessDelegation,
      RegisterTableRequest request) {
    return catalog.registerTable(PathNames.namespace(namespace), request, accessDelegation);
  }

  @GET
  @Path("/namespaces/{namespace}/tables/{table}")
  public Response load(
      @Encoded @PathParam("namespace") String namespace,
      @Encoded @PathParam("table") String table,
      @QueryParam("snapshots") String snapshots,
      @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
      @HeaderParam(AccessDelegation.HEADER) String accessDelegation) {
    LoadedTable loaded =
        catalog.loadTable(
            PathNames.identifier(namespace, table), snapshots, ifNoneMatch, accessDelegation);
    if (loaded.response() == null) {
      return Response.notModified().header(HttpHeaders.ETAG, loaded.etag()).build();
    }
    return Response.ok(loaded.response()).header(HttpHeaders.ETAG, loaded.etag()).build();
  }

  @HEAD
  @Path("/namespaces/{namespace}/tables/{table}")
  public Response exists(
      @Encoded @PathParam("namespace") String namespace,
      @Encoded @PathParam("table") String table) {
    catalog.tableExists(PathNames.identifier(namespace, table));
    return Response.noContent().build();
  }

  @POST
  @Path("/namespaces/{namespace}/tables/{table}")
  public Response commit(
      @Encoded @PathParam("namespace") String namespace,
      @Encoded @PathParam("table") String table,
      UpdateTableRequest request) {
    LoadedTable committed = catalog.updateTable(PathNames.identifier(namespace, table), request);
    return Response.ok(committed.response()).header(HttpHeaders.ETAG, committed.etag()).build();
  }

  @DELETE
  @Path("/namespaces/{namespace}/tables/{table}")
  public Response drop(
      @Encoded @PathParam("namespace") String namespace,
      @Encoded @PathParam("table") String table,
      @QueryParam("purgeRequested") String purgeRequested) {
    String purgeJob =
        catalog.dropTable(PathNames.identifier(namespace, table), parseBoolean(purgeRequested));
    // the purge runs in the background; its job can be followed at /api/v1/jobs/{id}
    return purgeJob == null
        ? Response.noContent().build()
        : Response.noContent().header(PURGE_JOB_HEADER, purgeJob).build();
  }

  @POST
  @Path("/namespaces/{namespace}/tables/{table}/metrics")
  public Response reportMetrics(
      @Encoded @PathParam("namespace") String namespace,
      @Encoded @PathParam("table") String table,
      ReportMetricsRequest request) {
    catalog.reportMetrics(PathNames.identifier(namespace, table), request);
    return Response.noContent().build();
  }

  @POST
  @Path("/tables/rename")
  public Response rename(RenameTableRequest request) {
    catalog.renameTable(request);
    return Response.noContent().build();
  }

  @POST
  @Path("/transactions/commit")
  public Response commitTransaction(CommitTransactionRequest request) {
    catalog.commitTransaction(request);
    return Response.noContent().build();
  }

  static boolean parseBoolean(String value) {
    if (value == null || value.isEmpty()) {
      return false;
    }
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    if (value.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException("Invalid boolean: " + value);
  }
}
