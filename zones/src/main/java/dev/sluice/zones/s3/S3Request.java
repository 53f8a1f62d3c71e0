package dev.sluice.zones.s3;

import static java.util.Objects.requireNonNull;

import dev.sluice.zones.StorageLocation;
import java.util.List;

/**
 * An S3 request reduced to what it does and the objects it reaches. {@code targets} are the
 * objects' locations (one, or each key of a DeleteObjects body); for {@link S3Operation#LIST} the
 * single target is the listed prefix.
 *
 * @param listsBelowPrefix for a listing, whether the prefix ends with {@code /}: {@code raw/t/}
 *     lists only {@code raw/t}'s objects, {@code raw/t} would also list {@code raw/t10/}
 */
public record S3Request(
    S3Operation operation, String bucket, List<StorageLocation> targets, boolean listsBelowPrefix) {
  public S3Request {
    requireNonNull(operation, "operation");
    requireNonNull(bucket, "bucket");
    targets = List.copyOf(targets);
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("an S3 request reaches at least one object");
    }
  }

  /**
   * Whether every object the request reaches lies strictly below {@code root} (a table's location),
   * on segment boundaries and in every reading of the path.
   */
  public boolean isWithin(StorageLocation root) {
    for (StorageLocation target : targets) {
      boolean within =
          operation == S3Operation.LIST
              ? target.isStrictlyWithin(root) || (target.equals(root) && listsBelowPrefix)
              : target.isStrictlyWithin(root);
      if (!within) {
        return false;
      }
    }
    return true;
  }

  /** The first target, for messages and audit rows. */
  public StorageLocation target() {
    return targets.get(0);
  }
}
