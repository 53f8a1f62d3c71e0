package dev.sluice.catalog.rest;

/** A request body above the configured limit; answered with 413. */
public class RequestTooLargeException extends RuntimeException {
  public RequestTooLargeException(long limit) {
    super("Request body exceeds the limit of " + limit + " bytes");
  }
}
