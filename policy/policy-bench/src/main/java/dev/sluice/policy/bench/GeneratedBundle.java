package dev.sluice.policy.bench;

import dev.sluice.policy.load.PolicyLoader;
import dev.sluice.policy.load.SourceFile;
import dev.sluice.policy.model.PolicyBundle;
import java.util.ArrayList;
import java.util.List;

/**
 * A large synthetic bundle written as YAML and read by the real loader: {@code datasets} tables
 * spread over 100 namespaces in 5 zones, {@code groups} groups with zone, namespace and table
 * grants, and every 100th table 50 columns wide.
 */
final class GeneratedBundle {

  static final int NAMESPACES = 100;
  static final int ZONES = 5;
  static final int WIDE_EVERY = 100;
  static final int WIDE_COLUMNS = 50;

  private GeneratedBundle() {}

  static String table(int index) {
    return "ns" + (index % NAMESPACES) + ".t" + index;
  }

  static String group(int index) {
    return "g" + index;
  }

  static PolicyBundle generate(int datasets, int groups) {
    List<SourceFile> files = new ArrayList<>();
    files.add(new SourceFile("global.yaml", global(groups)));
    // Ten files, as a large organisation would split its bundle.
    int perFile = (datasets + 9) / 10;
    for (int file = 0; file < 10; file++) {
      StringBuilder yaml = new StringBuilder("apiVersion: sluice.dev/v1\ndatasets:\n");
      StringBuilder grants = new StringBuilder("grants:\n");
      for (int i = file * perFile; i < Math.min(datasets, (file + 1) * perFile); i++) {
        dataset(yaml, i, groups);
        grants
            .append("  - {principal: ")
            .append("group:" + group(i % groups))
            .append(", read: [")
            .append(table(i))
            .append("]}\n");
      }
      files.add(new SourceFile("datasets-" + file + ".yaml", yaml.append(grants).toString()));
    }
    return PolicyLoader.load(files).orThrow();
  }

  private static String global(int groups) {
    StringBuilder yaml = new StringBuilder("apiVersion: sluice.dev/v1\nzones:\n");
    for (int zone = 0; zone < ZONES; zone++) {
      yaml.append("  z").append(zone).append(":\n    namespaces: [");
      for (int ns = zone; ns < NAMESPACES; ns += ZONES) {
        yaml.append(ns == zone ? "" : ", ").append("ns").append(ns);
      }
      yaml.append("]\n    storage: s3://lake/z").append(zone).append("/\n    read: [");
      for (int g = zone; g < groups; g += 10) {
        yaml.append(g == zone ? "" : ", ").append("group:").append(group(g));
      }
      yaml.append("]\n    write: [client:ingest]\n");
    }
    yaml.append(
        """
        classifications:
          pii.direct: {default-mask: redact, unmasked-for: [group:g199]}
          pii.quasi: {default-mask: hash}
          pii.location: {default-mask: round-coordinates}
        purposes:
          training: {requires-consent: training}
          analytics: {}
        principals:
          client:trainer: {purposes: [training]}
        grants:
        """);
    for (int g = 0; g < groups; g++) {
      yaml.append("  - {principal: group:")
          .append(group(g))
          .append(", read: [ns")
          .append(g % NAMESPACES)
          .append(".*]}\n");
    }
    return yaml.toString();
  }

  private static void dataset(StringBuilder yaml, int index, int groups) {
    yaml.append("  ").append(table(index)).append(":\n    owner: team:t").append(index % 40);
    yaml.append("\n    columns:\n");
    int width = index % WIDE_EVERY == 0 ? WIDE_COLUMNS : 12;
    for (int c = 0; c < width; c++) {
      yaml.append("      c").append(c).append(": {type: ");
      switch (c % 5) {
        case 0 -> yaml.append("varchar, classification: pii.direct");
        case 1 ->
            yaml.append("varchar, classification: pii.quasi, unmasked-for: [group:")
                .append(group((index + c) % groups))
                .append("]");
        case 2 -> yaml.append("double, classification: pii.location");
        case 3 -> yaml.append("varchar, classification: pii.direct, mask: last4");
        default -> yaml.append("bigint");
      }
      yaml.append("}\n");
    }
    yaml.append("      consent_status:\n      allowed_purposes:\n      region:\n");
    yaml.append("    consent: {subject-column: c0}\n");
    yaml.append("    row-filters:\n      - {applies-to: [group:")
        .append(group(index % groups))
        .append("], expression: \"region = 'eu'\"}\n");
  }
}
