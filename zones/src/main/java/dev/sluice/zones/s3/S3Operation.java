package dev.sluice.zones.s3;

/** What a signed S3 request would do, at the granularity access is decided at. */
public enum S3Operation {
  /** GET or HEAD of one object. */
  READ_OBJECT(false),
  /** ListObjectsV2 under a prefix. */
  LIST(false),
  /** PUT of an object or a part, starting or completing a multipart upload. */
  WRITE_OBJECT(true),
  /** DELETE of an object, or aborting a multipart upload. */
  DELETE_OBJECT(true),
  /** DeleteObjects: several keys named in the request body. */
  DELETE_OBJECTS(true);

  private final boolean writes;

  S3Operation(boolean writes) {
    this.writes = writes;
  }

  /** Whether the operation changes stored objects (so it needs write access). */
  public boolean writes() {
    return writes;
  }
}
