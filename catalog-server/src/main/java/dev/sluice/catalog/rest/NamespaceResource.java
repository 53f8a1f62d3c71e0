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
import org.apache.iceberg.rest.requests.CreateNamespaceRequest;
import org.apache.iceberg.rest.requests.UpdateNamespacePropertiesRequest;
import org.apache.iceberg.rest.responses.CreateNamespaceResponse;
import org.apache.iceberg.rest.responses.GetNamespaceResponse;
import org.apache.iceberg.rest.responses.ListNamespacesResponse;
import org.apache.iceberg.rest.responses.UpdateNamespacePropertiesResponse;

/** Namespaces of the Iceberg REST API. */
@Authenticated
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class NamespaceResource {
  @Inject IcebergCatalogService catalog;

  @GET
  @Path("/namespaces")
  public ListNamespacesResponse list(
      @QueryParam("parent") String parent,
      @QueryParam("pageToken") String pageToken,
      @QueryParam("pageSize") String pageSize) {
    return catalog.listNamespaces(PathNames.parent(parent), pageToken, pageSize);
  }

  @POST
  @Path("/namespaces")
  public CreateNamespaceResponse create(CreateNamespaceRequest request) {
    return catalog.createNamespace(request);
  }

  @GET
  @Path("/namespaces/{namespace}")
  public GetNamespaceResponse load(@Encoded @PathParam("namespace") String namespace) {
    return catalog.loadNamespace(PathNames.namespace(namespace));
  }

  @HEAD
  @Path("/namespaces/{namespace}")
  public Response exists(@Encoded @PathParam("namespace") String namespace) {
    catalog.namespaceExists(PathNames.namespace(namespace));
    return Response.noContent().build();
  }

  @DELETE
  @Path("/namespaces/{namespace}")
  public Response drop(@Encoded @PathParam("namespace") String namespace) {
    catalog.dropNamespace(PathNames.namespace(namespace));
    return Response.noContent().build();
  }

  @POST
  @Path("/namespaces/{namespace}/properties")
  public UpdateNamespacePropertiesResponse updateProperties(
      @Encoded @PathParam("namespace") String namespace, UpdateNamespacePropertiesRequest request) {
    return catalog.updateNamespaceProperties(PathNames.namespace(namespace), request);
  }
}
