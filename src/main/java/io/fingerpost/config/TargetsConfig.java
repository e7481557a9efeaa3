package io.fingerpost.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The {@code targets} section: {@code files: [path, …]}, the targets files (README "Targets and
 * trajectories"), relative to the configuration file. Absent: no targets.
 */
public record TargetsConfig(@JsonDeserialize(contentUsing = FilePath.class) List<String> files) {

  public TargetsConfig {
    files = files == null ? List.of() : files.stream().filter(f -> f != null).toList();
  }

  public static TargetsConfig none() {
    return new TargetsConfig(null);
  }

  /** A path written as text (a number or a blank is a mistake, not a file name). */
  static final class FilePath extends StdScalarDeserializer<String> {
    FilePath() {
      super(String.class);
    }

    @Override
    @SuppressWarnings("unchecked")
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_STRING || p.getText().isBlank()) {
        Problems.report(ctxt, p, "expected a file path");
        p.skipChildren();
        return null;
      }
      Map<String, String> env = (Map<String, String>) ctxt.getAttribute(ConfigValues.ENV_ATTRIBUTE);
      try {
        return ConfigValues.substitute(p.getText(), env == null ? System.getenv() : env);
      } catch (IllegalArgumentException e) {
        return Problems.report(ctxt, p, e.getMessage());
      }
    }
  }
}
