package dev.sluice.policy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCliTest {

  private static final Path EXAMPLE =
      Path.of(System.getProperty("sluice.examplePolicies", "../../deploy/policies"));

  @TempDir Path temp;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = PolicyCli.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void lintAcceptsTheExampleBundle() {
    Run run = run("lint", EXAMPLE.toString());

    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("OK (3 zones, 6 datasets, 5 grants), 3 warnings");
  }

  @Test
  void lintWarnsAboutWritersWhoReadMaskedColumns() {
    Run run = run("lint", EXAMPLE.toString());

    String file = EXAMPLE.resolve("sluice.yaml").normalize().toString();
    assertThat(run.err().lines())
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith(file + ":6:3: warning: group:data-platform may write")
                    .contains("raw.customers [name, phone]")
                    .contains("Trino refuses INSERT"));
  }

  @Test
  void explainSaysWhyAWriterThatReadsMaskedCannotInsert() {
    Run run =
        run(
            "explain",
            "--principal",
            "group:data-platform",
            "--table",
            "raw.customers",
            "--action",
            "write",
            "--bundle",
            EXAMPLE.toString());

    assertThat(run.code()).isZero();
    assertThat(run.out())
        .contains("ALLOW write raw.customers")
        .contains("note: group:data-platform may write raw.customers [name, phone]")
        .contains("make it write-only");
  }

  @Test
  void explainJudgesQuotedPartsAsOneLevel() {
    Run run =
        run(
            "explain",
            "--principal",
            "client:ingest",
            "--table",
            "raw.\"lab.customers\"",
            "--action",
            "write",
            "--bundle",
            EXAMPLE.toString());

    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("ALLOW write raw.\"lab.customers\"");
    assertThat(run("explain", "--principal", "user:a", "--table", "nodot").code()).isEqualTo(2);
  }

  @Test
  void lintPrintsEveryErrorWithFileLineAndColumnAndExitsOne() throws IOException {
    Path bundle = copyExample(temp.resolve("broken"));
    write(
        bundle.resolve("domains/growth.yaml"),
        read(bundle.resolve("domains/growth.yaml"))
            .replace(
                "mask: last4, unmasked-for: [group:support]}\n      record_id",
                "mask: year-only}\n      record_id")
            .replace(
                "  raw.delivery_addresses:\n    owner: team:growth",
                "  raw.delivery_addresses:\n    owner: team:growth\n    colour: green"));

    Run run = run("lint", bundle.toString());

    assertThat(run.code()).isEqualTo(1);
    String file = bundle.resolve("domains/growth.yaml").toString();
    assertThat(run.err().lines())
        .containsExactly(
            file
                + ":12:7: column 'raw.customers.phone': mask 'year-only' does not fit type"
                + " varchar; it fits date and timestamp columns",
            file
                + ":41:5: unknown key 'colour' in dataset 'raw.delivery_addresses' (expected one"
                + " of: columns, consent, contract, description, owner, retention, row-filters,"
                + " tags)",
            "2 errors");
  }

  @Test
  void diffFailsOnPiiWideningWhenAColumnIsUnmaskedForANewGroup() throws IOException {
    Path head = copyExample(temp.resolve("head"));
    write(
        head.resolve("domains/growth.yaml"),
        read(head.resolve("domains/growth.yaml"))
            .replace(
                "mask: last4, unmasked-for: [group:support]}\n      record_id",
                "mask: last4, unmasked-for: [group:support, group:analysts]}\n      record_id"));

    Run markdown = run("diff", EXAMPLE.toString(), head.toString(), "--fail-on", "pii-widening");
    Run json = run("diff", EXAMPLE.toString(), head.toString(), "--format", "json");

    assertThat(markdown.code()).isEqualTo(1);
    assertThat(markdown.out())
        .contains("**1 change, 1 flagged as risk**")
        .contains("### `raw.customers`")
        .contains(
            "| ⚠️ pii-widening | `group:analysts` | `phone` | column unmasked | `last4` |"
                + " `unmasked` |  |");
    assertThat(markdown.err()).contains("failing: the change meets --fail-on pii-widening");
    assertThat(json.code()).isZero();
    assertThat(json.out())
        .contains("\"changes\" : 1")
        .contains("\"subject\" : \"group:analysts\"")
        .contains("\"risk\" : \"pii-widening\"");
  }

  @Test
  void diffOfEqualBundlesPassesTheGate() {
    Run run = run("diff", EXAMPLE.toString(), EXAMPLE.toString(), "--fail-on", "pii-widening");

    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("No effective access changes.");
  }

  @Test
  void explainShowsMasksFiltersAndTheRulesBehindThem() {
    Run analyst =
        run(
            "explain",
            "--principal",
            "user:alice",
            "--group",
            "analysts",
            "--table",
            "raw.customers",
            "--columns",
            "name,phone",
            "--bundle",
            EXAMPLE.toString());
    Run pipeline =
        run(
            "explain",
            "--principal",
            "client:training-pipeline",
            "--table",
            "raw.customers",
            "--purpose",
            "training",
            "--bundle",
            EXAMPLE.toString());
    Run stranger =
        run(
            "explain",
            "--principal",
            "user:bob",
            "--table",
            "raw.customers",
            "--bundle",
            EXAMPLE.toString());

    assertThat(analyst.code()).isZero();
    assertThat(analyst.out())
        .contains("ALLOW read raw.customers")
        .contains("mask phone: last4 -> concat('****', substr(\"phone\", -4))")
        .contains("mask name: redact -> CAST('REDACTED' AS varchar)")
        .contains("zone 'raw' grants read to group:analysts (sluice.yaml:6:3)");
    assertThat(pipeline.out())
        .contains("ALLOW read raw.customers for purpose training")
        .contains(
            "row filter (consent): \"consent_status\" = 'granted' AND"
                + " contains(\"allowed_purposes\", 'training')");
    assertThat(stranger.out()).contains("DENY read raw.customers", "default deny");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(run("diff", EXAMPLE.toString()).code()).isEqualTo(2);
    assertThat(run("diff", "a", "b", "--format", "yaml").code()).isEqualTo(2);
    assertThat(run("explain", "--principal", "alice", "--table", "raw.customers").code())
        .isEqualTo(2);
    assertThat(run().code()).isEqualTo(2);
  }

  private static Path copyExample(Path target) throws IOException {
    try (Stream<Path> files = Files.walk(EXAMPLE)) {
      for (Path file : files.toList()) {
        Path copy = target.resolve(EXAMPLE.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy);
        }
      }
    }
    return target;
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file);
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text);
  }
}
