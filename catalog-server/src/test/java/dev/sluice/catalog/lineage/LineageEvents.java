package dev.sluice.catalog.lineage;

import java.util.UUID;

/** OpenLineage run events for tests, in the specification's JSON. */
final class LineageEvents {
  private LineageEvents() {}

  static String run(
      String type,
      UUID run,
      String jobNamespace,
      String job,
      String time,
      String inputs,
      String outputs) {
    return """
        {"eventType":"%s","eventTime":"%s","producer":"https://example.com/pipeline",
         "schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
         "run":{"runId":"%s"},"job":{"namespace":"%s","name":"%s"},
         "inputs":[%s],"outputs":[%s]}"""
        .formatted(type, time, run, jobNamespace, job, inputs, outputs);
  }

  static String dataset(String namespace, String name, String version) {
    String facets =
        version == null
            ? "{}"
            : """
            {"version":{"_producer":"https://example.com/pipeline","_schemaURL":"https://openlineage.io/spec/facets/1-0-0/DatasetVersionDatasetFacet.json","datasetVersion":"%s"}}"""
                .formatted(version);
    return """
        {"namespace":"%s","name":"%s","facets":%s}"""
        .formatted(namespace, name, facets);
  }

  /** An output with a column-lineage facet: each target field from the given source fields. */
  static String outputWithColumns(String namespace, String name, String fieldsJson) {
    return """
        {"namespace":"%s","name":"%s","facets":{"columnLineage":{
          "_producer":"https://example.com/pipeline",
          "_schemaURL":"https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json",
          "fields":%s}}}"""
        .formatted(namespace, name, fieldsJson);
  }
}
