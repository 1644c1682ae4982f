package io.ctrstream.producer;

import io.ctrstream.contract.avro.AvroFraming.Framing;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** How records are encoded on the topics (a picocli mixin shared by the commands). */
public class RecordFormat {
  /** The encodings the job reads ({@code --format} of the job). */
  enum Format {
    json,
    avro
  }

  @Option(
      names = "--format",
      defaultValue = "json",
      description = "json or avro (default: ${DEFAULT-VALUE}); the job needs the same --format.")
  Format format;

  @Option(
      names = "--avro-schema-dir",
      defaultValue = "schemas",
      paramLabel = "DIR",
      description =
          "With avro: the writer schemas impression.avsc, click.avsc and heartbeat.avsc (default: ${DEFAULT-VALUE}).")
  Path schemaDir;

  @Option(
      names = "--framing",
      defaultValue = "single-object",
      paramLabel = "single-object|registry",
      converter = FramingConverter.class,
      description =
          "With avro: Avro's single-object encoding, or the schema-registry wire format with the ids of --avro-schema-ids (default: ${DEFAULT-VALUE}).")
  Framing framing;

  @Option(
      names = "--avro-schema-ids",
      paramLabel = "ID=FILE[,ID=FILE...]",
      description =
          "With --framing registry: the registry id of each writer schema (give the job the same).")
  String schemaIds;

  /**
   * The encoder these options ask for.
   *
   * @throws ParameterException (a usage error of {@code command}) for a schema file that is missing
   *     or not a schema, or a registry framing without an id for each schema
   */
  ValueEncoder encoder(CommandLine command) {
    if (format == Format.json) {
      return ValueEncoder.JSON;
    }
    try {
      return AvroValueEncoder.of(schemaDir, framing, schemaIds);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command, e.getMessage());
    }
  }

  static final class FramingConverter implements picocli.CommandLine.ITypeConverter<Framing> {
    @Override
    public Framing convert(String value) {
      for (Framing f : Framing.values()) {
        if (f.flag().equals(value)) {
          return f;
        }
      }
      throw new picocli.CommandLine.TypeConversionException(
          "expected single-object or registry, got '" + value + "'");
    }
  }
}
