package dev.sluice.policy.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sluice-policy}: lint, diff and explain policy bundles. Exit codes: 0 fine, 1 the bundle
 * has errors or a {@code --fail-on} condition is met, 2 the command line is wrong.
 */
@Command(
    name = "sluice-policy",
    mixinStandardHelpOptions = true,
    version = "sluice-policy 0.1.0",
    description = "Lint, review and explain Sluice policy bundles.",
    subcommands = {LintCommand.class, DiffCommand.class, ExplainCommand.class})
public final class PolicyCli implements Runnable {

  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the tool with the given streams; returns the exit code instead of exiting. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new PolicyCli());
    cli.setOut(out);
    cli.setErr(err);
    // A bug must not look like "lint found errors": report it as such, without a stack trace.
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("internal error: " + e);
          return 3;
        });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }
}
