package dev.sluice.catalog.rest;

import dev.sluice.catalog.catalog.IcebergCatalogService;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.apache.iceberg.rest.requests.CreateViewRequest;
import org.apache.iceberg.rest.requests.RegisterViewRequest;
import org.apache.iceberg.rest.requests.RenameTableRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.rest.responses.ListTablesResponse;
import org.apache.iceberg.rest.responses.LoadViewResponse;

/** Views of the Iceberg REST API. */
@Authenticated
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ViewResource {
  @Inject IcebergCatalogService catalog;

  @GET
  @Path("/namespaces/{namespace}/views")
  public ListTablesResponse list(
      @Encoded @PathParam("namespace") String namespace,
      @QueryParam("pageToken") String pageToken,
      @QueryParam("pageSize") String pageSize) {
    return catalog.listViews(PathNames.namespace(namespace), pageToken, pageSize);
  }

  @POST
  @Path("/namespaces/{namespace}/views")
  public LoadViewResponse create(
      @Encoded @PathParam("namespace") String namespace, CreateViewRequest request) {
    return catalog.createView(PathNames.namespace(namespace), request);
  }

  @POST
  @Path("/namespaces/{namespace}/register-view")
  public LoadViewResponse register(
      @Encoded @PathParam("namespace") String namespace, RegisterViewRequest request) {
    return catalog.registerView(PathNames.namespace(namespace), request);
  }

  @GET
  @Path("/namespaces/{namespace}/views/{view}")
  public LoadViewResponse load(
      @Encoded @PathParam("namespace") String namespace, @Encoded @PathParam("view") String view) {
    return catalog.loadView(PathNames.identifier(namespace, view));
  }

  @HEAD
  @Path("/namespaces/{namespace}/views/{view}")
  public Response exists(
      @Encoded @PathParam("namespace") String namespace, @Encoded @PathParam("view") String view) {
    catalog.viewExists(PathNames.identifier(namespace, view));
    return Response.noContent().build();
  }

  @POST
  @Path("/namespaces/{namespace}/views/{view}")
  public LoadViewResponse replace(
      @Encoded @PathParam("namespace") String namespace,
      @Encoded @PathParam("view") String view,
      UpdateTableRequest request) {
    return catalog.replaceView(PathNames.identifier(namespace, view), request);
  }

  @DELETE
  @Path("/namespaces/{namespace}/views/{view}")
  public Response drop(
      @Encoded @PathParam("namespace") String namespace, @Encoded @PathParam("view") String view) {
    catalog.dropView(PathNames.identifier(namespace, view));
    return Response.noContent().build();
  }

  @POST
  @Path("/views/rename")
  public Response rename(RenameTableRequest request) {
    catalog.renameView(request);
    return Response.noContent().build();
  }
}
