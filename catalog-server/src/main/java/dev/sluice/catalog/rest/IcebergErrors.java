package dev.sluice.catalog.rest;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.apache.iceberg.rest.responses.ErrorResponse;

/** Builds protocol error responses: {@code {"error":{"message","type","code"}}}. */
public final class IcebergErrors {
  private IcebergErrors() {}

  public static Response response(int code, String type, String message) {
    ErrorResponse error =
        ErrorResponse.builder().responseCode(code).withType(type).withMessage(message).build();
    return Response.status(code).entity(error).type(MediaType.APPLICATION_JSON_TYPE).build();
  }
}
