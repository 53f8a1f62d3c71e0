package dev.sluice.policy.cli;

import dev.sluice.policy.load.LoadResult;
import dev.sluice.policy.load.PolicyError;
import dev.sluice.policy.load.PolicyLoader;
import dev.sluice.policy.model.PolicyBundle;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/** Loads a bundle for a command, printing its errors with paths the user can click. */
final class Bundles {

  private Bundles() {}

  static Optional<PolicyBundle> load(Path directory, PrintWriter err) {
    LoadResult result = PolicyLoader.load(directory);
    for (PolicyError error : result.errors()) {
      err.println(
          directory.resolve(error.origin().file()).normalize()
              + ":"
              + error.origin().line()
              + ":"
              + error.origin().column()
              + ": "
              + error.message());
    }
    return result.bundle();
  }
}
