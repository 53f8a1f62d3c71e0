package dev.sluice.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.bench.Load.Measured;
import dev.sluice.bench.Load.Outcome;
import dev.sluice.bench.Targets.Target;
import dev.sluice.it.Progress;
import dev.sluice.it.S3ProxyServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;

/**
 * What a data contract costs a commit: appends by Iceberg's own client (manifests with column
 * metrics written to S3, then the REST commit) to tables without a contract and to tables under one
 * with field, range, value and completeness rules, which the server checks from the new manifests.
 * Rounds alternate between the two, so load drift on the machine hits both alike.
 */
final class ContractOverhead {
  static final String WORKLOAD = "contract overhead: appends by the Iceberg client";
  private static final String PLAIN = "bench_plain";
  private static final String CONTRACTED = "bench_contracted";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.optional(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "amount", Types.DecimalType.of(10, 2)),
          Types.NestedField.optional(3, "region", Types.StringType.get()));

  private static final String POLICY =
      """
      apiVersion: sluice.dev/v1
      zones:
        contracted:
          namespaces: [bench_contracted]
          read: [group:bench]
          write: [group:bench]
          contract:
            compatibility: backward
            fields:
              id: {type: bigint, nullable: false}
              amount: {type: "decimal(10,2)", valid-range: [0, 1000000]}
              region: {type: varchar, valid-values: [eu, us, apac]}
            completeness:
              region: 1%
      """;

  private ContractOverhead() {}

  /** Runs the rounds against a Sluice target on S3; {@code sink} gets one row per variant. */
  static void run(Target target, S3ProxyServer s3, CatalogBench.Sink sink) throws Exception {
    applyPolicy(target);
    int clients = Math.max(1, Settings.parallelClients());
    try (RESTCatalog catalog = client(target, s3)) {
      List<Table> plain = tables(catalog, PLAIN, clients);
      List<Table> contracted = tables(catalog, CONTRACTED, clients);
      AtomicLong files = new AtomicLong();
      int seconds = Math.max(2, Settings.parallelSeconds() / 2);
      Map<String, Load.Tally> pooled = new HashMap<>();
      Map<String, Double> secondsOf = new HashMap<>();
      for (int round = 0; round < 2; round++) {
        for (String variant : List.of("no contract", "contract")) {
          List<Table> tables = variant.equals("contract") ? contracted : plain;
          Measured m =
              Load.timed(
                  clients,
                  round == 0 ? Settings.warmupSeconds() : 0,
                  seconds,
                  "append",
                  (c, i) -> {
                    Table table = tables.get(c);
                    table.refresh();
                    table.newAppend().appendFile(file(table, files.incrementAndGet())).commit();
                    return new Outcome("append", 0);
                  });
          pooled.computeIfAbsent(variant, v -> new Load.Tally()).merge(m.kinds().get("append"));
          secondsOf.merge(variant, m.seconds(), Double::sum);
        }
      }
      for (String variant : List.of("no contract", "contract")) {
        Map<String, Load.Tally> kinds = Map.of("append", pooled.get(variant));
        sink.measured(
            WORKLOAD,
            variant + " (" + clients + " clients, 2 rounds)",
            new Measured(kinds, secondsOf.get(variant)),
            "append");
      }
      Progress.say("%s: %d files appended", WORKLOAD, files.get());
    }
  }

  /** A data file as a writer describes it: no nulls, amounts and regions within the contract. */
  private static DataFile file(Table table, long n) {
    Types.DecimalType decimal = Types.DecimalType.of(10, 2);
    return DataFiles.builder(PartitionSpec.unpartitioned())
        .withPath(table.location() + "/data/bench-" + n + ".parquet")
        .withFileSizeInBytes(4096)
        .withFormat("parquet")
        .withMetrics(
            new Metrics(
                100L,
                null,
                Map.of(1, 100L, 2, 100L, 3, 100L),
                Map.of(1, 0L, 2, 0L, 3, 0L),
                null,
                Map.of(
                    1, Conversions.toByteBuffer(Types.LongType.get(), n),
                    2, Conversions.toByteBuffer(decimal, new BigDecimal("1.00")),
                    3, Conversions.toByteBuffer(Types.StringType.get(), "eu")),
                Map.of(
                    1, Conversions.toByteBuffer(Types.LongType.get(), n + 99),
                    2, Conversions.toByteBuffer(decimal, new BigDecimal("999.00")),
                    3, Conversions.toByteBuffer(Types.StringType.get(), "eu"))))
        .build();
  }

  private static List<Table> tables(RESTCatalog catalog, String namespace, int count) {
    catalog.createNamespace(Namespace.of(namespace));
    List<Table> tables = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      tables.add(catalog.createTable(TableIdentifier.of(namespace, "t" + i), SCHEMA));
    }
    return tables;
  }

  private static RESTCatalog client(Target target, S3ProxyServer s3) {
    Map<String, String> properties = new HashMap<>();
    properties.put("uri", target.root());
    properties.put("warehouse", target.warehouse());
    properties.put("token", target.token());
    properties.put("io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
    properties.put("s3.endpoint", s3.endpoint());
    properties.put("s3.path-style-access", "true");
    properties.put("s3.access-key-id", S3ProxyServer.ACCESS_KEY);
    properties.put("s3.secret-access-key", S3ProxyServer.SECRET_KEY);
    properties.put("client.region", S3ProxyServer.REGION);
    properties.put("http-client.type", "urlconnection");
    RESTCatalog catalog = new RESTCatalog();
    catalog.initialize("bench-contracts", properties);
    return catalog;
  }

  private static void applyPolicy(Target target) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(target.root() + "/api/v1/policy/apply"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + target.token())
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            JSON.writeValueAsString(
                                Map.of("files", Map.of("sluice.yaml", POLICY)))))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(
          "policy apply answered " + response.statusCode() + ": " + response.body());
    }
  }
}
