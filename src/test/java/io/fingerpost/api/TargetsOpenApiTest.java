package io.fingerpost.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * openapi.yaml parses, describes the targets endpoints, and every {@code $ref} in it resolves. (vertx-openapi
 * cannot load the document as a contract: it rejects application/problem+json responses.)
 */
class TargetsOpenApiTest {

  @Test
  void describesTheTargetsEndpointsAndEveryRefResolves() throws Exception {
    JsonNode doc;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("openapi.yaml")) {
      doc = new ObjectMapper(new YAMLFactory()).readTree(in);
    }
    assertEquals("listTargets", doc.at("/paths/~1api~1targets/get/operationId").asText());
    assertEquals("getTarget", doc.at("/paths/~1api~1targets~1{id}/get/operationId").asText());
    assertEquals("listEvaluations", doc.at("/paths/~1api~1evaluations/get/operationId").asText());
    List<String> refs = new ArrayList<>();
    collect(doc, refs);
    for (String ref : refs) {
      assertFalse(doc.at(ref.substring(1)).isMissingNode(), "unresolved $ref " + ref);
    }
  }

  private static void collect(JsonNode n, List<String> refs) {
    if (n.isObject()) {
      n.fields().forEachRemaining(e -> {
        if (e.getKey().equals("$ref")) {
          refs.add(e.getValue().asText());
        } else {
          collect(e.getValue(), refs);
        }
      });
    } else if (n.isArray()) {
      n.forEach(c -> collect(c, refs));
    }
  }
}
