package dev.sluice.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Working directories of a test run: each run starts from an empty one. */
public final class WorkDirs {
  private WorkDirs() {}

  /** Deletes whatever an earlier run left in {@code dir} and creates it empty. */
  public static Path fresh(Path dir) throws IOException {
    deleteTree(dir);
    return Files.createDirectories(dir);
  }

  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
