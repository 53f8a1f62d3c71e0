package dev.sluice.catalog.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.zones.StorageLocation;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The session policy gives one table's objects and listing, nothing more and nothing wider. */
class TableAccessPolicyTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static TableAccessPolicy policy(String location, boolean write) {
    return TableAccessPolicy.forTable(StorageLocation.parse(location), write, "aws");
  }

  private static JsonNode tree(TableAccessPolicy policy) throws Exception {
    return JSON.readTree(policy.json());
  }

  @Test
  void readerGetsTheTableObjectsAListingBelowItAndTheBucketRegion() throws Exception {
    TableAccessPolicy policy = policy("s3://lake/a/b/t", false);

    assertThat(tree(policy))
        .isEqualTo(
            JSON.readTree(
                """
                {"Version":"2012-10-17","Statement":[
                  {"Effect":"Allow","Action":["s3:GetObject"],
                   "Resource":"arn:aws:s3:::lake/a/b/t/*"},
                  {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::lake",
                   "Condition":{"StringLike":{"s3:prefix":["a/b/t/*"]}}},
                  {"Effect":"Allow","Action":"s3:GetBucketLocation","Resource":"arn:aws:s3:::lake"}
                ]}
                """));
    assertThat(policy.credentialPrefix()).isEqualTo("s3://lake/a/b/t/");
    assertThat(policy.json()).doesNotContain("GetObjectVersion").doesNotContain(" ");
  }

  @Test
  void writerAlsoPutsDeletesAndFinishesMultipartUploads() throws Exception {
    assertThat(tree(policy("s3://lake/a/b/t", true)))
        .isEqualTo(
            JSON.readTree(
                """
                {"Version":"2012-10-17","Statement":[
                  {"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject",
                     "s3:AbortMultipartUpload","s3:ListMultipartUploadParts"],
                   "Resource":"arn:aws:s3:::lake/a/b/t/*"},
                  {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::lake",
                   "Condition":{"StringLike":{"s3:prefix":["a/b/t/*"]}}},
                  {"Effect":"Allow","Action":"s3:GetBucketLocation","Resource":"arn:aws:s3:::lake"}
                ]}
                """));
  }

  @Test
  void aTableNeverReachesASiblingWhoseNameItPrefixes() throws Exception {
    JsonNode statements = tree(policy("s3://lake/a/b/t", true)).get("Statement");
    String objects = statements.get(0).get("Resource").asText();
    String listing =
        statements.get(1).get("Condition").get("StringLike").get("s3:prefix").get(0).asText();

    assertThat(iamMatches(objects, "arn:aws:s3:::lake/a/b/t/data/f.parquet")).isTrue();
    assertThat(iamMatches(objects, "arn:aws:s3:::lake/a/b/t10/data/f.parquet")).isFalse();
    assertThat(iamMatches(objects, "arn:aws:s3:::lake/a/b/t")).isFalse();
    assertThat(iamMatches(listing, "a/b/t/")).isTrue();
    assertThat(iamMatches(listing, "a/b/t/metadata/")).isTrue();
    assertThat(iamMatches(listing, "a/b/t10/")).isFalse();
    assertThat(iamMatches(listing, "a/b/t")).isFalse();
    assertThat(iamMatches(listing, "a/b/")).isFalse();
  }

  @Test
  void nestedNamespacesAndOtherConnectorsNamesGiveTheFullCanonicalPath() throws Exception {
    TableAccessPolicy policy = policy("s3a://lake/warehouse/sales/eu/2024/orders/", false);
    JsonNode statements = tree(policy).get("Statement");

    assertThat(policy.credentialPrefix()).isEqualTo("s3://lake/warehouse/sales/eu/2024/orders/");
    assertThat(statements.get(0).get("Resource").asText())
        .isEqualTo("arn:aws:s3:::lake/warehouse/sales/eu/2024/orders/*");
    assertThat(
            statements.get(1).get("Condition").get("StringLike").get("s3:prefix").get(0).asText())
        .isEqualTo("warehouse/sales/eu/2024/orders/*");
  }

  @Test
  void thePartitionNamesTheArns() throws Exception {
    TableAccessPolicy policy =
        TableAccessPolicy.forTable(StorageLocation.parse("s3://lake/t"), false, "aws-cn");
    JsonNode statements = tree(policy).get("Statement");

    assertThat(statements.get(0).get("Resource").asText()).isEqualTo("arn:aws-cn:s3:::lake/t/*");
    assertThat(statements.get(1).get("Resource").asText()).isEqualTo("arn:aws-cn:s3:::lake");
    assertThat(statements.get(2).get("Resource").asText()).isEqualTo("arn:aws-cn:s3:::lake");
    assertThatThrownBy(
            () ->
                TableAccessPolicy.forTable(
                    StorageLocation.parse("s3://lake/t"), false, "aws:s3:::*"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an ARN partition");
  }

  @Test
  void iamWildcardsAndVariablesAreRefusedNotWidened() {
    assertThatThrownBy(() -> policy("s3://lake/a/*/t", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s3://lake/a/*/t")
        .hasMessageContaining("'*'")
        .hasMessageContaining("wildcard");
    assertThatThrownBy(() -> policy("s3://lake/a/t*", true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'*'");
    assertThatThrownBy(() -> policy("s3://lake/a/${aws:username}/t", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'$'")
        .hasMessageContaining("variable");
    assertThatThrownBy(() -> policy("s3://lake/a/t$", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'$'");
    // a literal ? never gets as far as a location
    assertThatThrownBy(() -> policy("s3://lake/a/t?x", false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anEscapedWildcardIsALiteralKeyAndStaysLiteral() throws Exception {
    // S3 takes keys literally: the key holds the three characters %3F, which IAM matches as such
    JsonNode statements = tree(policy("s3://lake/a%3Fb/t", false)).get("Statement");

    assertThat(statements.get(0).get("Resource").asText()).isEqualTo("arn:aws:s3:::lake/a%3Fb/t/*");
    assertThat(iamMatches(statements.get(0).get("Resource").asText(), "arn:aws:s3:::lake/aXb/t/f"))
        .isFalse();
  }

  @Test
  void charactersStsCannotCarryAreRefused() {
    assertThatThrownBy(() -> policy("s3://lake/表/t", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("U+8868");
    assertThat(policy("s3://lake/café/t", false).json()).contains("lake/café/t/*");
  }

  @Test
  void onlyTablesOnS3BelowABucketGetAPolicy() {
    assertThatThrownBy(() -> policy("file:/data/t", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s3:// locations only");
    assertThatThrownBy(() -> policy("s3://lake", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("whole bucket");
    assertThatThrownBy(() -> policy("s3://lake/", true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("whole bucket");
  }

  @Test
  void aPolicyLongerThanStsAcceptsIsRefused() {
    TableAccessPolicy longest = null;
    int length = 1;
    while (true) {
      String location = "s3://lake/warehouse/" + "n".repeat(length);
      try {
        longest = policy(location, true);
        length++;
      } catch (IllegalArgumentException e) {
        assertThat(e).hasMessageContaining("2048").hasMessageContaining("too long");
        break;
      }
    }
    // the key prefix appears twice: one more character would pass the limit
    assertThat(longest.json().length()).isBetween(TableAccessPolicy.MAX_POLICY_CHARS - 1, 2048);
    assertThat(length).isGreaterThan(600);
    assertThatThrownBy(() -> policy("s3://lake/warehouse/" + "n".repeat(1500), false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** IAM's StringLike and resource matching: {@code *} any run, {@code ?} one character. */
  private static boolean iamMatches(String pattern, String value) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(value).matches();
  }
}
