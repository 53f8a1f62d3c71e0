package org.apache.iceberg.rest;

import java.lang.reflect.Method;
import org.apache.iceberg.util.PropertyUtil;
import org.eclipse.jetty.compression.gzip.GzipCompression;
import org.eclipse.jetty.compression.server.CompressionHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Iceberg's reference REST server ({@link RESTCatalogServer}: the same backend catalog built from
 * {@code CATALOG_*} environment variables, the same adapter, servlet and gzip handler), except that
 * it listens on 127.0.0.1 only; {@code RESTCatalogServer.start} binds every interface.
 */
public final class LoopbackRESTCatalogServer {
  private LoopbackRESTCatalogServer() {}

  public static void main(String[] args) throws Exception {
    RESTCatalogServer reference = new RESTCatalogServer();
    Method init = RESTCatalogServer.class.getDeclaredMethod("initializeBackendCatalog");
    init.setAccessible(true);
    RESTCatalogServer.CatalogContext context = (RESTCatalogServer.CatalogContext) init.invoke(reference);

    RESTCatalogServlet servlet = new RESTCatalogServlet(new RESTServerCatalogAdapter(context));
    ServletContextHandler handler = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
    handler.addServlet(new ServletHolder(servlet), "/*");
    CompressionHandler compression = new CompressionHandler();
    compression.putCompression(new GzipCompression());
    handler.insertHandler(compression);

    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(
        PropertyUtil.propertyAsInt(
            context.configuration(), RESTCatalogServer.REST_PORT, 8181));
    server.addConnector(connector);
    server.setHandler(handler);
    server.start();
    server.join();
  }
}
