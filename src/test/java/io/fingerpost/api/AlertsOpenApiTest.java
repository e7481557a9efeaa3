package io.fingerpost.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** openapi.yaml describes the alert endpoints, behind the bearer token. */
class AlertsOpenApiTest {

  @Test
  void describesTheAlertEndpoints() throws Exception {
    JsonNode doc;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("openapi.yaml")) {
      doc = new ObjectMapper(new YAMLFactory()).readTree(in);
    }
    String[][] ops = {
        {"/api/alerts", "get", "listAlerts"}, {"/api/alerts/{fingerprint}", "get", "getAlert"},
        {"/api/alerts/{fingerprint}/ack", "post", "acknowledgeAlert"}, {"/api/silences", "get", "listSilences"},
        {"/api/silences", "post", "createSilence"}, {"/api/silences/{id}", "delete", "deleteSilence"}};
    for (String[] op : ops) {
      JsonNode o = doc.path("paths").path(op[0]).path(op[1]);
      assertEquals(op[2], o.path("operationId").asText(), op[0]);
      assertFalse(o.path("security").isMissingNode(), op[2] + " is behind the bearer token");
    }
    assertFalse(doc.at("/components/schemas/AlertDetail").isMissingNode());
  }
}
