package dev.sluice.policy.cli;

import dev.sluice.policy.eval.Decision;
import dev.sluice.policy.eval.PolicyEngine;
import dev.sluice.policy.eval.Principal;
import dev.sluice.policy.model.Action;
import dev.sluice.policy.model.Subject;
import dev.sluice.policy.model.TableName;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Shows one decision with the rules behind it. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = "Decide one request and show the masks, row filters and rules that produced it.")
final class ExplainCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--principal",
      required = true,
      paramLabel = "P",
      description =
          "user:NAME or client:NAME (add --group/--role), or group:NAME / role:NAME for any"
              + " member.")
  String principal;

  @Option(names = "--group", paramLabel = "G", description = "A group the principal is in.")
  List<String> groups = new ArrayList<>();

  @Option(names = "--role", paramLabel = "R", description = "A role the principal holds.")
  List<String> roles = new ArrayList<>();

  @Option(
      names = "--table",
      required = true,
      paramLabel = "T",
      description = "namespace.table; quote a part holding a dot: 'curated.\"lab.people\"'")
  String table;

  @Option(names = "--purpose", paramLabel = "X", description = "The purpose of the read.")
  String purpose;

  @Option(
      names = "--action",
      defaultValue = "read",
      paramLabel = "read|write|admin",
      description = "Default: ${DEFAULT-VALUE}.")
  String action;

  @Option(
      names = "--columns",
      split = ",",
      paramLabel = "C",
      description = "Columns to read (default: every declared column).")
  List<String> columns = new ArrayList<>();

  @Option(
      names = "--bundle",
      defaultValue = ".",
      paramLabel = "DIR",
      description = "The bundle directory. Default: the current directory.")
  Path bundle;

  @Override
  public Integer call() {
    var cli = spec.commandLine();
    Subject subject =
        Subject.parse(principal)
            .orElseThrow(
                () ->
                    new CommandLine.ParameterException(
                        cli, "--principal must be kind:name, e.g. user:alice, not " + principal));
    Action requested =
        Action.parse(action)
            .orElseThrow(
                () ->
                    new CommandLine.ParameterException(
                        cli, "--action must be read, write or admin, not " + action));
    Principal who = Principal.standingFor(subject);
    if (!groups.isEmpty() || !roles.isEmpty()) {
      if (subject.kind() != Subject.Kind.USER && subject.kind() != Subject.Kind.CLIENT) {
        throw new CommandLine.ParameterException(
            cli, "--group and --role need a user: or client: principal");
      }
      Set<String> allGroups = new HashSet<>(groups);
      who = new Principal(who.name(), who.kind(), allGroups, new HashSet<>(roles));
    }
    TableName name =
        TableName.parse(table)
            .orElseThrow(
                () ->
                    new CommandLine.ParameterException(
                        cli, "--table must be namespace.table, not " + table));
    var loaded = Bundles.load(bundle, cli.getErr());
    if (loaded.isEmpty()) {
      return PolicyCli.FAILED;
    }
    List<String> read = columns;
    var dataset = loaded.get().dataset(name).orElse(null);
    if (read.isEmpty() && dataset != null) {
      read = List.copyOf(dataset.columns().keySet());
    }
    PolicyEngine engine = PolicyEngine.compile(loaded.get());
    Decision decision =
        engine.decide(who, requested, name, requested == Action.READ ? read : List.of(), purpose);
    cli.getOut()
        .println(
            "principal: "
                + (subject.kind() == Subject.Kind.GROUP || subject.kind() == Subject.Kind.ROLE
                    ? "any member of " + subject
                    : who.toString()));
    cli.getOut().print(decision.describe());
    List<String> masked = engine.maskedForWriter(who, name, read);
    if (!masked.isEmpty()) {
      cli.getOut()
          .println(
              "note: "
                  + PolicyEngine.writerConflict(
                      subject.kind() == Subject.Kind.GROUP || subject.kind() == Subject.Kind.ROLE
                          ? subject.toString()
                          : who.self().toString(),
                      name + " " + masked));
    }
    return PolicyCli.OK;
  }
}
