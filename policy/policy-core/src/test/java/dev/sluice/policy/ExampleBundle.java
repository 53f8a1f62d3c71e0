package dev.sluice.policy;

import dev.sluice.policy.load.PolicyLoader;
import dev.sluice.policy.model.PolicyBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The food-delivery example bundle kept in deploy/policies, and copies of it to edit. */
public final class ExampleBundle {

  private ExampleBundle() {}

  public static Path directory() {
    return Path.of(System.getProperty("sluice.examplePolicies", "../../deploy/policies"));
  }

  public static PolicyBundle load() {
    return PolicyLoader.load(directory()).orThrow();
  }

  /** Copies the example into {@code target} so a test can change it. */
  public static Path copyTo(Path target) {
    Path source = directory();
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Path copy = target.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy);
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String read(Path bundle, String file) {
    try {
      return Files.readString(bundle.resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces one exact piece of text in a bundle file, failing if it is not there. */
  public static void edit(Path bundle, String file, String from, String to) {
    try {
      Path path = bundle.resolve(file);
      String text = Files.readString(path);
      if (!text.contains(from)) {
        throw new IllegalStateException(file + " does not contain: " + from);
      }
      Files.writeString(path, text.replace(from, to));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
