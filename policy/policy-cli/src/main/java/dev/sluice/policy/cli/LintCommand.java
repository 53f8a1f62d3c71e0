package dev.sluice.policy.cli;

import dev.sluice.policy.load.LoadResult;
import dev.sluice.policy.load.PolicyError;
import dev.sluice.policy.load.PolicyLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Validates a bundle and prints every error as {@code file:line:column: message}. */
@Command(
    name = "lint",
    mixinStandardHelpOptions = true,
    description =
        "Validate a policy bundle; print every error (and warning) as file:line:column: message.")
final class LintCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "The bundle directory.")
  Path directory;

  @Override
  public Integer call() {
    LoadResult result = PolicyLoader.load(directory);
    var err = spec.commandLine().getErr();
    if (result.ok()) {
      var bundle = result.bundle().orElseThrow();
      for (PolicyError warning : result.warnings()) {
        err.println(located(warning, "warning: "));
      }
      spec.commandLine()
          .getOut()
          .printf(
              "%s: OK (%d zones, %d datasets, %d grants)%s%n",
              directory,
              bundle.zones().size(),
              bundle.datasets().size(),
              bundle.grants().size(),
              result.warnings().isEmpty()
                  ? ""
                  : ", "
                      + result.warnings().size()
                      + " warning"
                      + (result.warnings().size() == 1 ? "" : "s"));
      return PolicyCli.OK;
    }
    for (PolicyError error : result.errors()) {
      err.println(located(error, ""));
    }
    err.printf("%d error%s%n", result.errors().size(), result.errors().size() == 1 ? "" : "s");
    return PolicyCli.FAILED;
  }

  private String located(PolicyError problem, String label) {
    return directory.resolve(problem.origin().file()).normalize()
        + ":"
        + problem.origin().line()
        + ":"
        + problem.origin().column()
        + ": "
        + label
        + problem.message();
  }
}
