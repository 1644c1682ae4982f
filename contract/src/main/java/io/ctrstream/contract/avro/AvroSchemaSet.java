package io.ctrstream.contract.avro;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * The Avro writer schemas a reader knows, found by a single-object record's fingerprint or a
 * registry-framed record's id ({@link AvroFraming}), read from {@code .avsc} files. Each file is
 * parsed on its own, so two versions of one record (same full name) can both be known. It travels
 * to the job's Kafka consumers as JSON text ({@link #toJson}, {@link #fromJson}).
 */
public final class AvroSchemaSet {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final List<Schema> schemas;
  private final Map<Integer, Schema> byId;
  private final Map<Long, Schema> byFingerprint = new LinkedHashMap<>();

  private AvroSchemaSet(List<Schema> schemas, Map<Integer, Schema> byId) {
    this.schemas = List.copyOf(schemas);
    this.byId = Collections.unmodifiableMap(new LinkedHashMap<>(byId));
    for (Schema s : schemas) {
      byFingerprint.put(AvroFraming.fingerprint(s), s);
    }
    for (Schema s : byId.values()) {
      byFingerprint.put(AvroFraming.fingerprint(s), s);
    }
  }

  /** A set of the given schemas and registry ids (tests, and the job's consumers). */
  public static AvroSchemaSet of(List<Schema> schemas, Map<Integer, Schema> byId) {
    return new AvroSchemaSet(schemas, byId);
  }

  /**
   * Reads schema files.
   *
   * @param files writer schemas, found by fingerprint
   * @param ids registry ids and the files of their schemas (also found by fingerprint)
   * @throws IllegalArgumentException naming a file that cannot be read or is not an Avro schema
   */
  public static AvroSchemaSet read(List<Path> files, Map<Integer, Path> ids) {
    List<Schema> schemas = new ArrayList<>();
    for (Path f : files) {
      schemas.add(parse(f));
    }
    Map<Integer, Schema> byId = new LinkedHashMap<>();
    ids.forEach((id, f) -> byId.put(id, parse(f)));
    return new AvroSchemaSet(schemas, byId);
  }

  /**
   * Parses one {@code .avsc} file.
   *
   * @throws IllegalArgumentException naming the file if it cannot be read or parsed
   */
  public static Schema parse(Path file) {
    try {
      return new Schema.Parser().parse(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage(), e);
    } catch (SchemaParseException e) {
      throw new IllegalArgumentException(file + " is not an Avro schema: " + e.getMessage(), e);
    }
  }

  /**
   * The {@code .avsc} files of a directory, by name.
   *
   * @throws IllegalArgumentException if it is not a readable directory
   */
  public static List<Path> directory(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(p -> p.getFileName().toString().endsWith(".avsc")).sorted().toList();
    } catch (IOException e) {
      throw new IllegalArgumentException(dir + " is not a readable directory: " + e, e);
    }
  }

  /**
   * Parses {@code ID=FILE[,ID=FILE...]}.
   *
   * @throws IllegalArgumentException naming the entry that is not a non-negative integer and a file
   */
  public static Map<Integer, Path> ids(String spec) {
    Map<Integer, Path> ids = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) {
      return ids;
    }
    for (String entry : spec.split(",")) {
      int eq = entry.indexOf('=');
      try {
        int id = Integer.parseInt(entry.substring(0, Math.max(eq, 0)).trim());
        if (id < 0 || eq == entry.length() - 1) {
          throw new NumberFormatException();
        }
        if (ids.put(id, Path.of(entry.substring(eq + 1).trim())) != null) {
          throw new IllegalArgumentException("id " + id + " is given twice");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected ID=FILE[,ID=FILE...], got '" + entry + "'");
      }
    }
    return ids;
  }

  /** Every schema, the files' first, then the registry ids'. */
  public List<Schema> schemas() {
    List<Schema> all = new ArrayList<>(schemas);
    all.addAll(byId.values());
    return all;
  }

  /** The schema of a single-object record's fingerprint, or {@code null}. */
  public Schema byFingerprint(long fingerprint) {
    return byFingerprint.get(fingerprint);
  }

  /** The schema of a registry id, or {@code null}. */
  public Schema byId(int id) {
    return byId.get(id);
  }

  /** {@code {"schemas": [...], "ids": {"1": schema, ...}}}. */
  public String toJson() {
    ObjectNode root = MAPPER.createObjectNode();
    ArrayNode list = root.putArray("schemas");
    try {
      for (Schema s : schemas) {
        list.add(MAPPER.readTree(s.toString()));
      }
      ObjectNode ids = root.putObject("ids");
      for (Map.Entry<Integer, Schema> e : byId.entrySet()) {
        ids.set(Integer.toString(e.getKey()), MAPPER.readTree(e.getValue().toString()));
      }
      return MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The set {@link #toJson} wrote. */
  public static AvroSchemaSet fromJson(String json) {
    try {
      var root = MAPPER.readTree(json);
      List<Schema> schemas = new ArrayList<>();
      for (var s : root.path("schemas")) {
        schemas.add(new Schema.Parser().parse(s.toString()));
      }
      Map<Integer, Schema> byId = new LinkedHashMap<>();
      for (var it = root.path("ids").fields(); it.hasNext(); ) {
        var e = it.next();
        byId.put(Integer.parseInt(e.getKey()), new Schema.Parser().parse(e.getValue().toString()));
      }
      return new AvroSchemaSet(schemas, byId);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
