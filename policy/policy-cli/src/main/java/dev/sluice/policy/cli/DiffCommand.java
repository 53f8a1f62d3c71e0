package dev.sluice.policy.cli;

import dev.sluice.policy.diff.AccessDiff;
import dev.sluice.policy.diff.DiffReport;
import dev.sluice.policy.diff.Risk;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Prints the effective access change between two bundles, for a pull-request review. */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description = {
      "Print who gains or loses which table, unmasked column, row filter, consent or retention rule"
          + " between two bundles.",
      "Exits 1 when a --fail-on condition is met, so CI can block the pull request."
    })
final class DiffCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "BASE_DIR", description = "The bundle before the change.")
  Path base;

  @Parameters(index = "1", paramLabel = "HEAD_DIR", description = "The bundle after the change.")
  Path head;

  @Option(
      names = "--format",
      defaultValue = "md",
      paramLabel = "md|json",
      description = "Output format: md (pull-request comment) or json. Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(
      names = "--fail-on",
      paramLabel = "CONDITION",
      split = ",",
      description =
          "Exit 1 when the diff has: pii-widening (a pii.* column unmasked or newly readable),"
              + " consent-removal (a consent filter or rule removed), contract-loosening (a"
              + " contract removed or promising less), or any-risk.")
  List<String> failOn = new ArrayList<>();

  @Override
  public Integer call() {
    var cli = spec.commandLine();
    if (!format.equals("md") && !format.equals("json")) {
      throw new CommandLine.ParameterException(cli, "--format must be md or json, not " + format);
    }
    for (String condition : failOn) {
      if (!List.of("pii-widening", "consent-removal", "contract-loosening", "any-risk")
          .contains(condition)) {
        throw new CommandLine.ParameterException(
            cli,
            "--fail-on must be pii-widening, consent-removal, contract-loosening or any-risk, not "
                + condition);
      }
    }
    var baseBundle = Bundles.load(base, cli.getErr());
    var headBundle = Bundles.load(head, cli.getErr());
    if (baseBundle.isEmpty() || headBundle.isEmpty()) {
      cli.getErr().println("diff needs two valid bundles; fix the errors above first");
      return PolicyCli.FAILED;
    }
    DiffReport report = AccessDiff.compare(baseBundle.get(), headBundle.get());
    cli.getOut().print(format.equals("json") ? report.toJson() : report.toMarkdown());
    boolean fail =
        (failOn.contains("pii-widening") && report.has(Risk.PII_WIDENING))
            || (failOn.contains("consent-removal") && report.has(Risk.CONSENT_REMOVAL))
            || (failOn.contains("contract-loosening") && report.has(Risk.CONTRACT_LOOSENING))
            || (failOn.contains("any-risk") && !report.risky().isEmpty());
    if (fail) {
      cli.getErr().println("failing: the change meets --fail-on " + String.join(",", failOn));
      return PolicyCli.FAILED;
    }
    return PolicyCli.OK;
  }
}
