package dev.sluice.policy.load;

import dev.sluice.policy.model.Origin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads a bundle: a directory of YAML files, global ones anywhere except {@code domains/}, domain
 * files below it. Never throws for a bad bundle; every problem comes back in the result.
 */
public final class PolicyLoader {

  private PolicyLoader() {}

  public static LoadResult load(Path directory) {
    Sources sources = sources(directory);
    if (!sources.errors().isEmpty()) {
      return LoadResult.failed(sources.errors());
    }
    if (sources.files().isEmpty()) {
      return LoadResult.failed(
          List.of(
              new PolicyError(
                  new Origin(directory.toString(), 1, 1), "no .yaml or .yml policy files")));
    }
    return load(sources.files());
  }

  /**
   * The bundle's files below {@code directory}, with paths relative to it, sorted; hidden files and
   * anything but YAML are skipped. Files that cannot be read come back as errors.
   */
  public static Sources sources(Path directory) {
    Path root = directory.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      return new Sources(
          List.of(),
          List.of(new PolicyError(new Origin(directory.toString(), 1, 1), "not a directory")));
    }
    List<SourceFile> files = new ArrayList<>();
    List<PolicyError> errors = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
        String relative = root.relativize(file).toString().replace('\\', '/');
        if (!isYaml(relative) || isHidden(relative)) {
          continue;
        }
        try {
          files.add(new SourceFile(relative, Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException | UncheckedIOException e) {
          errors.add(new PolicyError(new Origin(relative, 1, 1), "cannot read: " + e.getMessage()));
        }
      }
    } catch (IOException | UncheckedIOException e) {
      return new Sources(
          List.of(),
          List.of(new PolicyError(new Origin(directory.toString(), 1, 1), e.getMessage())));
    }
    return new Sources(files, errors);
  }

  /** A directory's policy files and the problems met reading them. */
  public record Sources(List<SourceFile> files, List<PolicyError> errors) {
    public Sources {
      files = List.copyOf(files);
      errors = List.copyOf(errors);
    }
  }

  public static LoadResult load(List<SourceFile> files) {
    return new BundleParser().parse(files);
  }

  private static boolean isYaml(String path) {
    return path.endsWith(".yaml") || path.endsWith(".yml");
  }

  private static boolean isHidden(String path) {
    return path.startsWith(".") || path.contains("/.");
  }
}
