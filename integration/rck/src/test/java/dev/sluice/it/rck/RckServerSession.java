package dev.sluice.it.rck;

import dev.sluice.it.PostgresServer;
import dev.sluice.it.Progress;
import dev.sluice.it.SluiceServer;
import dev.sluice.it.WorkDirs;
import java.nio.file.Path;
import java.util.Map;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Starts a fresh, empty Sluice on a fresh PostgreSQL with a {@code file:} warehouse before the
 * compatibility kit runs, and points the kit's client at it with the server's admin token: the
 * kit's {@code RCKUtils} builds its {@code RESTCatalog} from all system properties (over {@code
 * CATALOG_*} environment variables).
 *
 * <p>The kit creates tables at {@code file:/tmp/<namespace>/<table>}, so this server also allows
 * locations under {@code file:/tmp/}; everything else outside the warehouse is still refused.
 */
public class RckServerSession implements LauncherSessionListener {
  private PostgresServer postgres;
  private SluiceServer sluice;

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    if (sluice != null) {
      return;
    }
    try {
      Path workDir = Path.of(System.getProperty("sluice.it.workdir", "target/rck"));
      WorkDirs.fresh(workDir);
      postgres = PostgresServer.start();
      postgres.createDatabase("sluice_rck");
      Map<String, String> config = SluiceServer.onPostgres(postgres, "sluice_rck");
      config.put("sluice.warehouse.name", "rck_warehouse");
      config.put(
          "sluice.warehouse.location",
          "file:" + workDir.toAbsolutePath().resolve("warehouse") + "/");
      config.put("sluice.warehouse.allowed-locations", "file:/tmp/");
      sluice = SluiceServer.start(workDir.resolve("server"), config);
      System.setProperty("uri", sluice.baseUri() + "/");
      System.setProperty("warehouse", "rck_warehouse");
      sluice.icebergClientAuth().forEach(System::setProperty);
    } catch (Exception e) {
      launcherSessionClosed(session);
      throw new IllegalStateException("Could not start Sluice for the compatibility kit", e);
    }
  }

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    if (sluice != null) {
      sluice.close();
      sluice = null;
    }
    if (postgres != null) {
      postgres.close();
      postgres = null;
    }
    Progress.say("compatibility kit session closed");
  }
}
