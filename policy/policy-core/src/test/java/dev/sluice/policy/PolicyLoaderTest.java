package dev.sluice.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.policy.load.LoadResult;
import dev.sluice.policy.load.PolicyError;
import dev.sluice.policy.load.PolicyLoader;
import dev.sluice.policy.load.SourceFile;
import dev.sluice.policy.model.ColumnType;
import dev.sluice.policy.model.PolicyBundle;
import dev.sluice.policy.model.TableName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyLoaderTest {

  @Test
  void exampleBundleLoadsWithDomainFilesMerged() {
    LoadResult result = PolicyLoader.load(ExampleBundle.directory());

    assertThat(result.errors()).isEmpty();
    PolicyBundle bundle = result.orThrow();
    assertThat(bundle.zones()).containsOnlyKeys("raw", "silver", "restricted");
    assertThat(bundle.datasets())
        .containsOnlyKeys(
            "raw.customers",
            "raw.delivery_addresses",
            "raw.courier_location_pings",
            "silver.deliveries_clean",
            "restricted.customer_profile",
            "restricted.courier_profile");
    // The logistics domain tightened the global silver zone.
    assertThat(bundle.zones().get("silver").forbid()).containsExactly("pii.direct", "pii.location");
    var customers = bundle.datasets().get("raw.customers");
    assertThat(customers.domain()).isEqualTo("growth");
    // Governance columns get their vocabulary type when none is declared.
    assertThat(customers.column("allowed_purposes").orElseThrow().type())
        .isEqualTo(ColumnType.of("array(varchar)"));
    assertThat(customers.retention().timeTravel()).isEqualTo(Duration.ofDays(7));
    assertThat(bundle.zoneOfTable(TableName.of("raw.customers")).orElseThrow().name())
        .isEqualTo("raw");
  }

  @Test
  void brokenBundleReportsEveryErrorWithFileLineAndColumn() {
    LoadResult result = PolicyLoader.load(Path.of("src/test/resources/bundles/broken"));

    assertThat(result.ok()).isFalse();
    assertThat(result.errors().stream().map(PolicyError::toString))
        .containsExactly(
            "domains/growth.yaml:5:5: a domain file may only tighten zone 'raw' (add 'forbid');"
                + " setting 'read' would change a global rule",
            "domains/growth.yaml:9:7: column 'raw.customers.name' would replace global mask"
                + " 'redact' with 'none' (a domain file may tighten, never loosen, global rules)",
            "domains/growth.yaml:12:12: domain 'growth' may grant only on datasets it declares;"
                + " a grant on 'raw.*' would loosen global rules",
            "global.yaml:7:5: unknown key 'colour' in zone 'raw' (expected one of: admin,"
                + " contract, description, forbid, namespaces, read, storage, write)",
            "global.yaml:9:26: namespace 'raw' is in two zones: 'raw' (at global.yaml:4:18) and"
                + " 'curated'",
            "global.yaml:12:30: unknown mask 'scramble' (known: first-letter, hash, last4,"
                + " nullify, redact, round-coordinates, year-only)",
            "global.yaml:16:31: unknown purpose 'learning' (known: training)",
            "global.yaml:21:7: column 'raw.customers.lat': mask 'last4' does not fit type double;"
                + " it fits string columns",
            "global.yaml:22:30: unknown classification 'secret' (known: pii.direct)",
            "global.yaml:25:7: column 'silver.orders.email': zone 'curated' forbids unmasked"
                + " pii.direct, but the column has no mask",
            "global.yaml:26:3: dataset 'bronze.events' is outside every zone: no zone holds"
                + " namespace 'bronze'",
            "global.yaml:29:16: 'analysts' is not a principal; write user:NAME, client:NAME,"
                + " group:NAME or role:NAME",
            "global.yaml:30:12: grant names unknown dataset 'raw.missing'",
            "syntax.yaml:4:1: YAML syntax error: found unexpected end of stream");
  }

  @Test
  void missingApiVersionDuplicateKeysAndBadDurationsAreErrors() {
    String text =
        """
        zones:
          raw: {namespaces: [raw]}
          raw: {namespaces: [raw2]}
        datasets:
          raw.t:
            columns:
              event_time:
            retention: {max-age: forever}
        """;
    LoadResult result = PolicyLoader.load(List.of(new SourceFile("a.yaml", text)));

    assertThat(result.errors().stream().map(PolicyError::toString))
        .containsExactly(
            "a.yaml:1:1: missing apiVersion (expected sluice.dev/v1)",
            "a.yaml:3:3: duplicate key 'raw' in zones (first at a.yaml:2:3)",
            "a.yaml:8:5: dataset 'raw.t' retention sets nothing",
            "a.yaml:8:26: dataset 'raw.t' retention max-age 'forever' is not a duration"
                + " (e.g. 90s, 30m, 12h, 7d, 4w, 1y)");
  }

  @Test
  void domainFileMayNotLengthenRetentionOrUnmaskForMoreSubjects() {
    String global =
        """
        apiVersion: sluice.dev/v1
        zones:
          raw: {namespaces: [raw], read: [group:a]}
        classifications:
          pii.direct: {default-mask: redact}
        datasets:
          raw.t:
            columns:
              name: {type: varchar, classification: pii.direct}
              event_time:
            retention: {max-age: 30d}
        """;
    String domain =
        """
        apiVersion: sluice.dev/v1
        datasets:
          raw.t:
            columns:
              name: {unmasked-for: [group:a]}
            retention: {max-age: 90d}
        """;
    LoadResult result =
        PolicyLoader.load(
            List.of(new SourceFile("g.yaml", global), new SourceFile("domains/d.yaml", domain)));

    assertThat(result.errors().stream().map(PolicyError::toString))
        .containsExactly(
            "domains/d.yaml:5:7: column 'raw.t.name' would unmask it for [group:a] (a domain"
                + " file may tighten, never loosen, global rules)",
            "domains/d.yaml:6:5: dataset 'raw.t' would lengthen retention max-age from 30d to"
                + " 90d (a domain file may tighten, never loosen, global rules)");
  }

  @Test
  void timeTravelThatOutlivesTheRowsMaxAgeIsAnError() {
    String global =
        """
        apiVersion: sluice.dev/v1
        zones:
          raw: {namespaces: [raw]}
        datasets:
          raw.t:
            columns:
              event_time:
            retention: {max-age: 30d, time-travel: 90d}
          raw.ok:
            columns:
              event_time:
            retention: {max-age: 30d, time-travel: 30d}
          raw.shortened:
            columns:
              event_time:
            retention: {max-age: 30d, time-travel: 7d}
        """;
    // a domain file that shortens max-age below the global time-travel window makes it outlive it
    String domain =
        """
        apiVersion: sluice.dev/v1
        datasets:
          raw.shortened:
            retention: {max-age: 3d}
        """;
    LoadResult result =
        PolicyLoader.load(
            List.of(new SourceFile("g.yaml", global), new SourceFile("domains/d.yaml", domain)));

    assertThat(result.errors().stream().map(PolicyError::toString))
        .containsExactly(
            "g.yaml:8:5: dataset 'raw.t' retention time-travel 90d outlives its max-age 30d: rows"
                + " removed for age would stay readable through older snapshots",
            "g.yaml:16:5: dataset 'raw.shortened' retention time-travel 7d outlives its max-age"
                + " 3d: rows removed for age would stay readable through older snapshots");
  }

  @Test
  void domainFileMayTightenAGlobalDataset() {
    String global =
        """
        apiVersion: sluice.dev/v1
        zones:
          raw: {namespaces: [raw], read: [group:a]}
        classifications:
          pii.direct: {}
        datasets:
          raw.t:
            columns:
              name: {type: varchar, classification: pii.direct}
              event_time:
            retention: {max-age: 30d}
        """;
    String domain =
        """
        apiVersion: sluice.dev/v1
        datasets:
          raw.t:
            columns:
              name: {mask: hash}
            retention: {max-age: 7d}
        """;
    PolicyBundle bundle =
        PolicyLoader.load(
                List.of(new SourceFile("g.yaml", global), new SourceFile("domains/d.yaml", domain)))
            .orThrow();

    var dataset = bundle.datasets().get("raw.t");
    assertThat(dataset.column("name").orElseThrow().mask()).isEqualTo("hash");
    assertThat(dataset.retention().maxAge()).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void writersWhoAlsoReadMaskedColumnsAreWarnedAbout() {
    var result = PolicyLoader.load(ExampleBundle.directory());

    assertThat(result.ok()).isTrue();
    assertThat(result.warnings())
        .extracting(PolicyError::toString)
        .anySatisfy(
            warning ->
                assertThat(warning)
                    .startsWith("sluice.yaml:")
                    .contains("group:data-platform may write")
                    .contains("raw.customers [name, phone]")
                    .contains("Trino refuses INSERT"));
    // the ingest client writes raw without reading it: nothing to warn about
    assertThat(result.warnings()).noneMatch(w -> w.message().startsWith("client:ingest"));
  }
}
