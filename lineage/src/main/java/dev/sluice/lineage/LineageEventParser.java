package dev.sluice.lineage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientUtils;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads OpenLineage JSON with openlineage-java's own types and checks what the specification
 * requires (event time, producer, schema URL, run id, job and dataset names), so any producer's
 * events are accepted and malformed ones are refused with a reason.
 */
public final class LineageEventParser {
  private static final ObjectMapper MAPPER = OpenLineageClientUtils.newObjectMapper();

  private LineageEventParser() {}

  public static LineageEvent parse(String json) {
    return parse(readTree(json));
  }

  /** Reads JSON text into a tree, refusing what is not JSON. */
  public static JsonNode readTree(String json) {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidLineageEventException("Malformed JSON: " + e.getOriginalMessage(), e);
    }
    if (tree == null) {
      throw new InvalidLineageEventException("An OpenLineage event is a JSON object");
    }
    return tree;
  }

  /** Validates and reads one event already parsed as JSON. */
  public static LineageEvent parse(JsonNode tree) {
    if (!tree.isObject()) {
      throw new InvalidLineageEventException("An OpenLineage event is a JSON object");
    }
    require(tree, "eventTime");
    require(tree, "producer");
    require(tree, "schemaURL");
    try {
      if (tree.has("run")) {
        return runEvent(MAPPER.treeToValue(tree, OpenLineage.RunEvent.class));
      }
      if (tree.has("dataset")) {
        return datasetEvent(MAPPER.treeToValue(tree, OpenLineage.DatasetEvent.class));
      }
      if (tree.has("job")) {
        return jobEvent(MAPPER.treeToValue(tree, OpenLineage.JobEvent.class));
      }
    } catch (JsonProcessingException | IllegalArgumentException e) {
      String reason =
          e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
      throw new InvalidLineageEventException("Invalid OpenLineage event: " + reason, e);
    }
    throw new InvalidLineageEventException(
        "Not an OpenLineage event: expected a run event (run, job), a job event (job) or a"
            + " dataset event (dataset)");
  }

  /**
   * Validates and reads a run event built in this process with openlineage-java's own types: the
   * checks {@link #parse(JsonNode)} makes, without writing the event out and reading it back.
   */
  public static LineageEvent parse(OpenLineage.RunEvent event) {
    if (event.getEventTime() == null) {
      throw new InvalidLineageEventException("Missing required field: eventTime");
    }
    if (event.getProducer() == null) {
      throw new InvalidLineageEventException("Missing required field: producer");
    }
    if (event.getSchemaURL() == null) {
      throw new InvalidLineageEventException("Missing required field: schemaURL");
    }
    return runEvent(event);
  }

  private static void require(JsonNode tree, String field) {
    JsonNode value = tree.get(field);
    if (value == null || value.isNull() || (value.isTextual() && value.asText().isBlank())) {
      throw new InvalidLineageEventException("Missing required field: " + field);
    }
  }

  private static LineageEvent runEvent(OpenLineage.RunEvent event) {
    OpenLineage.Run run = event.getRun();
    if (run == null || run.getRunId() == null) {
      throw new InvalidLineageEventException("Missing required field: run.runId");
    }
    JobId job = job(event.getJob());
    String eventType = event.getEventType() == null ? null : event.getEventType().name();
    return new LineageEvent(
        LineageEvent.Kind.RUN,
        time(event.getEventTime()),
        Optional.of(run.getRunId()),
        Optional.ofNullable(RunState.fromEventType(eventType)),
        Optional.of(job),
        versions(event.getInputs()),
        versions(event.getOutputs()),
        columnEdges(event.getOutputs()));
  }

  private static LineageEvent jobEvent(OpenLineage.JobEvent event) {
    return new LineageEvent(
        LineageEvent.Kind.JOB,
        time(event.getEventTime()),
        Optional.empty(),
        Optional.empty(),
        Optional.of(job(event.getJob())),
        versions(event.getInputs()),
        versions(event.getOutputs()),
        columnEdges(event.getOutputs()));
  }

  private static LineageEvent datasetEvent(OpenLineage.DatasetEvent event) {
    OpenLineage.StaticDataset dataset = event.getDataset();
    if (dataset == null) {
      throw new InvalidLineageEventException("Missing required field: dataset");
    }
    DatasetId id = datasetId(dataset.getNamespace(), dataset.getName(), "dataset");
    return new LineageEvent(
        LineageEvent.Kind.DATASET,
        time(event.getEventTime()),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        List.of(),
        List.of(new DatasetVersion(id, version(dataset.getFacets()))),
        columnEdges(id, dataset.getFacets()));
  }

  private static java.time.Instant time(ZonedDateTime time) {
    if (time == null) {
      throw new InvalidLineageEventException("Missing required field: eventTime");
    }
    return time.toInstant();
  }

  private static JobId job(OpenLineage.Job job) {
    if (job == null) {
      throw new InvalidLineageEventException("Missing required field: job");
    }
    if (blank(job.getNamespace()) || blank(job.getName())) {
      throw new InvalidLineageEventException("A job needs a namespace and a name");
    }
    return new JobId(job.getNamespace(), job.getName());
  }

  private static DatasetId datasetId(String namespace, String name, String where) {
    if (blank(namespace) || blank(name)) {
      throw new InvalidLineageEventException(
          "A dataset in " + where + " needs a namespace and a name");
    }
    return new DatasetId(namespace, name);
  }

  private static List<DatasetVersion> versions(List<? extends OpenLineage.Dataset> datasets) {
    List<DatasetVersion> versions = new ArrayList<>();
    if (datasets == null) {
      return versions;
    }
    for (OpenLineage.Dataset dataset : datasets) {
      DatasetId id = datasetId(dataset.getNamespace(), dataset.getName(), "inputs/outputs");
      versions.add(new DatasetVersion(id, version(dataset.getFacets())));
    }
    return versions;
  }

  private static String version(OpenLineage.DatasetFacets facets) {
    if (facets == null || facets.getVersion() == null) {
      return "";
    }
    String version = facets.getVersion().getDatasetVersion();
    return version == null ? "" : version;
  }

  private static List<ColumnEdge> columnEdges(List<OpenLineage.OutputDataset> outputs) {
    List<ColumnEdge> edges = new ArrayList<>();
    if (outputs == null) {
      return edges;
    }
    for (OpenLineage.OutputDataset output : outputs) {
      DatasetId target = datasetId(output.getNamespace(), output.getName(), "outputs");
      edges.addAll(columnEdges(target, output.getFacets()));
    }
    return edges;
  }

  private static List<ColumnEdge> columnEdges(DatasetId target, OpenLineage.DatasetFacets facets) {
    List<ColumnEdge> edges = new ArrayList<>();
    if (facets == null
        || facets.getColumnLineage() == null
        || facets.getColumnLineage().getFields() == null) {
      return edges;
    }
    Map<String, OpenLineage.ColumnLineageDatasetFacetFieldsAdditional> fields =
        facets.getColumnLineage().getFields().getAdditionalProperties();
    for (Map.Entry<String, OpenLineage.ColumnLineageDatasetFacetFieldsAdditional> field :
        fields.entrySet()) {
      if (field.getValue() == null || field.getValue().getInputFields() == null) {
        continue;
      }
      for (OpenLineage.InputField input : field.getValue().getInputFields()) {
        DatasetId source = datasetId(input.getNamespace(), input.getName(), "columnLineage");
        if (blank(input.getField())) {
          throw new InvalidLineageEventException("A columnLineage input field needs a field name");
        }
        edges.add(
            new ColumnEdge(
                new ColumnRef(source, input.getField()),
                new ColumnRef(target, field.getKey()),
                transformation(field.getValue(), input)));
      }
    }
    return edges;
  }

  private static String transformation(
      OpenLineage.ColumnLineageDatasetFacetFieldsAdditional field, OpenLineage.InputField input) {
    if (input.getTransformations() != null && !input.getTransformations().isEmpty()) {
      OpenLineage.InputFieldTransformations t = input.getTransformations().get(0);
      return String.join(
              " ",
              t.getType() == null ? "" : t.getType(),
              t.getSubtype() == null ? "" : t.getSubtype())
          .strip();
    }
    return field.getTransformationType() == null ? "" : field.getTransformationType();
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  /** Parses a run id the way the specification writes it, for API lookups. */
  public static UUID runId(String value) {
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidLineageEventException("Invalid run id: " + value, e);
    }
  }
}
