package dev.sluice.catalog.rest;

import org.apache.iceberg.exceptions.BadRequestException;

/** A body that is not valid JSON or does not fit the message it is sent as. */
public class MalformedRequestException extends BadRequestException {
  public MalformedRequestException(Throwable cause, String message) {
    super(cause, "%s", message);
  }
}
