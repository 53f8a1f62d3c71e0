package dev.sluice.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PostgreSQL cluster from the machine's {@code postgresql} package: initdb into a fresh
 * directory, trust authentication on 127.0.0.1 only, a free port, stopped by its postmaster pid.
 * The system cluster is never touched. As root, the server runs as the {@code postgres} user.
 *
 * <p>Databases belong to {@value #OWNER_ROLE}, the role Sluice migrates as; Sluice itself connects
 * as {@value #APP_ROLE}, which its migrations grant what it needs (see {@code SluiceServer}).
 */
public final class PostgresServer implements AutoCloseable {
  /** Owns the databases and runs the migrations. */
  public static final String OWNER_ROLE = "sluice_owner";

  /** What the server connects as: table DML, but only SELECT and INSERT on the audit trail. */
  public static final String APP_ROLE = "sluice_app";

  private final Path binDir;
  private final Path dataDir;
  private final int port;
  private final boolean asPostgresUser;

  private PostgresServer(Path binDir, Path dataDir, int port, boolean asPostgresUser) {
    this.binDir = binDir;
    this.dataDir = dataDir;
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  public static PostgresServer start() throws IOException, InterruptedException {
    Path binDir = findBinDir();
    boolean root = "root".equals(System.getProperty("user.name"));
    Path base = Files.createTempDirectory("sluice-pg-");
    Path dataDir = base.resolve("data");
    if (root) {
      run(List.of("chown", "-R", "postgres:postgres", base.toString()), false);
      run(List.of("chmod", "755", base.toString()), false);
    }
    int port = Ports.free();
    PostgresServer server = new PostgresServer(binDir, dataDir, port, root);
    Progress.say("initialising PostgreSQL cluster in %s", dataDir);
    server.pg(
        List.of(
            binDir.resolve("initdb").toString(),
            "-D",
            dataDir.toString(),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync"));
    server.startCluster();
    Progress.say("PostgreSQL listening on 127.0.0.1:%d", port);
    return server;
  }

  private void startCluster() throws IOException, InterruptedException {
    Path base = dataDir.getParent();
    pg(
        List.of(
            binDir.resolve("pg_ctl").toString(),
            "-D",
            dataDir.toString(),
            "-l",
            base.resolve("postgres.log").toString(),
            "-o",
            "-p "
                + port
                + " -k "
                + base
                + " -c listen_addresses=127.0.0.1 -c fsync=off"
                + " -c max_connections=200",
            "-w",
            "-t",
            "60",
            "start"));
  }

  /**
   * Stops the cluster the way an outage does (immediate: connections are cut, no checkpoint),
   * keeping its data for {@link #startAgain}.
   */
  public void stop() throws IOException, InterruptedException {
    pg(
        List.of(
            binDir.resolve("pg_ctl").toString(),
            "-D",
            dataDir.toString(),
            "-m",
            "immediate",
            "-w",
            "stop"));
    Progress.say("PostgreSQL on port %d stopped", port);
  }

  /** Starts the cluster again on the same port and data after {@link #stop}. */
  public void startAgain() throws IOException, InterruptedException {
    startCluster();
    Progress.say("PostgreSQL listening on 127.0.0.1:%d again", port);
  }

  private static Path findBinDir() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      throw new IllegalStateException(
          "PostgreSQL is not installed: install the Debian package 'postgresql'");
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
          .max(
              Comparator.comparingInt(
                  bin -> Integer.parseInt(bin.getParent().getFileName().toString())))
          .orElseThrow(() -> new IllegalStateException("no initdb under " + root));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return port;
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** Creates a database owned by {@value #OWNER_ROLE}; both roles exist afterwards. */
  public void createDatabase(String name) throws IOException, InterruptedException {
    for (String role : List.of(OWNER_ROLE, APP_ROLE)) {
      SqlResult created =
          sql(
              "postgres",
              "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '"
                  + role
                  + "') THEN CREATE ROLE "
                  + role
                  + " LOGIN; END IF; END $$");
      if (created.exitCode() != 0) {
        throw new IllegalStateException("could not create role " + role + ": " + created.output());
      }
    }
    pg(client("createdb", "-O", OWNER_ROLE, name));
  }

  /** What {@link #sql} printed, and whether psql succeeded. */
  public record SqlResult(int exitCode, String output) {}

  /**
   * Runs SQL with psql as the superuser and returns its exit code and output instead of failing, so
   * a test can check that a statement is refused.
   */
  public SqlResult sql(String database, String statement) throws IOException, InterruptedException {
    return sqlAs("postgres", database, statement);
  }

  /** Like {@link #sql}, connected as {@code role} (trust authentication: no password). */
  public SqlResult sqlAs(String role, String database, String statement)
      throws IOException, InterruptedException {
    List<String> full =
        asPostgres(
            clientAs(
                role, "psql", "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", statement));
    Process process =
        new ProcessBuilder(full)
            .redirectErrorStream(true)
            .directory(Path.of(System.getProperty("java.io.tmpdir")).toFile())
            .start();
    String output = new String(process.getInputStream().readAllBytes()).trim();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("psql did not finish: " + statement);
    }
    return new SqlResult(process.exitValue(), output);
  }

  /** A client tool of this cluster's binaries, connected to it as the superuser. */
  private List<String> client(String tool, String... arguments) {
    return clientAs("postgres", tool, arguments);
  }

  private List<String> clientAs(String role, String tool, String... arguments) {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            binDir.resolve(tool).toString(),
            "-h",
            "127.0.0.1",
            "-p",
            String.valueOf(port),
            "-U",
            role));
    command.addAll(List.of(arguments));
    return command;
  }

  private void pg(List<String> command) throws IOException, InterruptedException {
    run(asPostgres(command), true);
  }

  /** PostgreSQL's tools refuse to run as root: run them as the postgres user then. */
  private List<String> asPostgres(List<String> command) {
    List<String> full = new ArrayList<>();
    if (asPostgresUser) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    return full;
  }

  private static void run(List<String> command, boolean fromTmp)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (fromTmp) {
      builder.directory(Path.of(System.getProperty("java.io.tmpdir")).toFile());
    }
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("command failed: " + command + "\n" + output);
    }
  }

  @Override
  public void close() {
    try {
      Path pidFile = dataDir.resolve("postmaster.pid");
      if (Files.exists(pidFile)) {
        long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        try {
          // fast shutdown: disconnect clients, do not wait for them
          pg(
              List.of(
                  binDir.resolve("pg_ctl").toString(),
                  "-D",
                  dataDir.toString(),
                  "-m",
                  "fast",
                  "-w",
                  "stop"));
        } catch (IOException | RuntimeException e) {
          ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        Progress.say("stopped PostgreSQL (pid %d)", pid);
      }
      WorkDirs.deleteTree(dataDir.getParent());
    } catch (IOException | RuntimeException e) {
      Progress.say("could not stop PostgreSQL cleanly: %s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
