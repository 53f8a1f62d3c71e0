package dev.sluice.policy.load;

import java.util.Objects;

/**
 * One YAML file of a bundle: its path relative to the bundle root (used in error positions) and its
 * text. Files under {@code domains/} are domain files.
 */
public record SourceFile(String path, String content) {

  public static final String DOMAINS_DIR = "domains/";

  public SourceFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(content, "content");
  }

  public boolean isDomainFile() {
    return path.startsWith(DOMAINS_DIR);
  }
}
