package dev.sluice.it;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Where an unpacked Trino server distribution is: the folder holding {@code lib/} and {@code
 * plugin/}.
 *
 * <p>Either the system property {@code sluice.it.trino.home} names an existing installation, or
 * {@code sluice.it.trino.tarball} names the {@code io.trino:trino-server:<version>:tar.gz} the
 * build resolved, which is unpacked once into {@code <sluice.it.cache.dir>/trino/} (default {@code
 * ~/.cache/sluice}) and reused by later runs and other modules. The tarball is unpacked with the
 * system {@code tar}: it stores repeated jars as hard links, which Maven's unpack turns into empty
 * files. An unpack counts only once its marker (holding the tarball's size) is written; a partial
 * or stale copy is unpacked again. A file lock keeps concurrent builds from unpacking at once.
 */
public final class TrinoDistribution {
  private static final String MARKER = ".sluice-unpacked";

  private TrinoDistribution() {}

  public static synchronized Path home() throws IOException {
    String configured = System.getProperty("sluice.it.trino.home");
    if (configured != null && !configured.isBlank()) {
      return checked(Path.of(configured));
    }
    Path tarball = Path.of(Components.required("sluice.it.trino.tarball"));
    if (!Files.isRegularFile(tarball)) {
      throw new IllegalStateException("Trino distribution " + tarball + " is missing");
    }
    String cache = System.getProperty("sluice.it.cache.dir");
    Path cacheDir =
        (cache == null || cache.isBlank())
            ? Path.of(System.getProperty("user.home"), ".cache", "sluice")
            : Path.of(cache);
    return unpacked(tarball, cacheDir.resolve("trino"));
  }

  private static Path unpacked(Path tarball, Path root) throws IOException {
    String name = tarball.getFileName().toString().replaceFirst("\\.tar\\.gz$", "");
    Path target = root.resolve(name);
    Path marker = target.resolve(MARKER);
    String stamp = String.valueOf(Files.size(tarball));
    Files.createDirectories(root);
    try (FileChannel lockFile =
            FileChannel.open(
                root.resolve(name + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockFile.lock()) {
      if (Files.isRegularFile(marker) && Files.readString(marker).trim().equals(stamp)) {
        return checked(target);
      }
      Progress.say("unpacking %s into %s (once)", tarball.getFileName(), root);
      WorkDirs.deleteTree(target);
      Path staging = Files.createTempDirectory(root, ".unpack-");
      try {
        run(List.of("tar", "-xzf", tarball.toString(), "-C", staging.toString()));
        Path top;
        try (Stream<Path> entries = Files.list(staging)) {
          List<Path> all = entries.toList();
          if (all.size() != 1 || !Files.isDirectory(all.get(0))) {
            throw new IllegalStateException("unexpected layout of " + tarball + ": " + all);
          }
          top = all.get(0);
        }
        Files.move(top, target);
        Files.writeString(marker, stamp + "\n");
      } finally {
        WorkDirs.deleteTree(staging);
      }
      Progress.say("Trino unpacked in %s", target);
      return checked(target);
    }
  }

  private static Path checked(Path home) {
    if (!Files.isDirectory(home.resolve("lib"))
        || !Files.isDirectory(home.resolve("plugin").resolve("iceberg"))) {
      throw new IllegalStateException(
          "No Trino server distribution at " + home + " (lib/ and plugin/iceberg/ expected)");
    }
    return home;
  }

  private static void run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IllegalStateException("command failed: " + command + "\n" + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted: " + command, e);
    }
  }
}
