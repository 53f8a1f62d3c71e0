package dev.sluice.catalog.storage;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.zones.StorageLocation;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The IAM session policy that narrows assumed-role credentials to one table: read (and, for a
 * writer, write) the objects below the table location, list only below it, and find the bucket's
 * region. The role's own policy still applies; STS grants the intersection of both.
 *
 * <p>A location is refused rather than widened when IAM would read part of it as a pattern ({@code
 * *}, {@code ?}) or a policy variable ({@code $}), when it is the bucket itself, or when the policy
 * would not fit STS's limit.
 */
public final class TableAccessPolicy {
  /** STS refuses session policies longer than this, in plain-text characters. */
  public static final int MAX_POLICY_CHARS = 2048;

  static final List<String> READ_ACTIONS = List.of("s3:GetObject");
  static final List<String> WRITE_ACTIONS =
      List.of(
          "s3:GetObject",
          "s3:PutObject",
          "s3:DeleteObject",
          "s3:AbortMultipartUpload",
          "s3:ListMultipartUploadParts");

  private static final Pattern PARTITION = Pattern.compile("[a-z][a-z0-9-]*");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String partition;
  private final String bucket;
  private final String keyPrefix;
  private final boolean write;
  private final String json;

  private TableAccessPolicy(String partition, String bucket, String keyPrefix, boolean write) {
    this.partition = partition;
    this.bucket = bucket;
    this.keyPrefix = keyPrefix;
    this.write = write;
    this.json = render();
    if (json.length() > MAX_POLICY_CHARS) {
      throw new IllegalArgumentException(
          "The session policy for "
              + credentialPrefix()
              + " would be "
              + json.length()
              + " characters, more than the "
              + MAX_POLICY_CHARS
              + " STS accepts; the table location is too long to vend credentials for");
    }
  }

  /**
   * The policy for a table at {@code table}, e.g. {@code s3://lake/a/b/t}: objects under {@code
   * lake/a/b/t/}, never a sibling such as {@code lake/a/b/t10/}.
   *
   * @param partition the ARN partition, {@code aws} unless in China or GovCloud
   * @throws IllegalArgumentException when the location is not an {@code s3://} table location or
   *     cannot be expressed exactly in a policy
   */
  public static TableAccessPolicy forTable(StorageLocation table, boolean write, String partition) {
    requireNonNull(table, "table");
    checkPartition(partition);
    if (!table.scheme().equals("s3")) {
      throw new IllegalArgumentException(
          "Credentials are vended for s3:// locations only, not " + table.canonical());
    }
    if (table.segments().isEmpty()) {
      throw new IllegalArgumentException(
          "The table location " + table.canonical() + " is a whole bucket; no table owns one");
    }
    String keyPrefix = String.join("/", table.segments()) + "/";
    checkLiteral(table, table.authority() + "/" + keyPrefix);
    return new TableAccessPolicy(partition, table.authority(), keyPrefix, write);
  }

  static void checkPartition(String partition) {
    requireNonNull(partition, "partition");
    if (!PARTITION.matcher(partition).matches()) {
      throw new IllegalArgumentException(
          "'" + partition + "' is not an ARN partition (aws, aws-cn, aws-us-gov, …)");
    }
  }

  /**
   * IAM matches {@code *} and {@code ?} as patterns and expands {@code ${…}}; STS takes Latin-1.
   */
  private static void checkLiteral(StorageLocation table, String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '*' || c == '?' || c == '$') {
        throw new IllegalArgumentException(
            "The table location "
                + table.canonical()
                + " holds '"
                + c
                + "', which an IAM policy reads as a "
                + (c == '$' ? "variable" : "wildcard")
                + "; credentials cannot be limited to it");
      }
      if (c < 0x20 || c > 0xFF) {
        throw new IllegalArgumentException(
            "The table location "
                + table.canonical()
                + String.format(" holds U+%04X", (int) c)
                + ", which an STS session policy cannot carry (U+0020 to U+00FF only)");
      }
    }
  }

  /** The session policy, compact JSON. */
  public String json() {
    return json;
  }

  /** The storage prefix the credentials are good for, with a trailing slash. */
  public String credentialPrefix() {
    return "s3://" + bucket + "/" + keyPrefix;
  }

  public boolean write() {
    return write;
  }

  private String render() {
    String bucketArn = "arn:" + partition + ":s3:::" + bucket;
    ObjectNode policy = JSON.createObjectNode();
    policy.put("Version", "2012-10-17");
    ArrayNode statements = policy.putArray("Statement");

    ObjectNode objects = statements.addObject();
    objects.put("Effect", "Allow");
    ArrayNode actions = objects.putArray("Action");
    (write ? WRITE_ACTIONS : READ_ACTIONS).forEach(actions::add);
    objects.put("Resource", bucketArn + "/" + keyPrefix + "*");

    // the trailing slash of the prefix keeps table t from listing t10/
    ObjectNode listing = statements.addObject();
    listing.put("Effect", "Allow");
    listing.put("Action", "s3:ListBucket");
    listing.put("Resource", bucketArn);
    listing
        .putObject("Condition")
        .putObject("StringLike")
        .putArray("s3:prefix")
        .add(keyPrefix + "*");

    ObjectNode location = statements.addObject();
    location.put("Effect", "Allow");
    location.put("Action", "s3:GetBucketLocation");
    location.put("Resource", bucketArn);
    try {
      return JSON.writeValueAsString(policy);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A session policy could not be written", e);
    }
  }

  @Override
  public String toString() {
    return json;
  }
}
