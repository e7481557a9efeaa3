package io.fingerpost.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** openapi.yaml describes the alert endpoints: reads open, changes behind the bearer token. */
class AlertsOpenApiTest {

  @Test
  void describesTheAlertEndpoints() throws Exception {
    JsonNode doc;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("openapi.yaml")) {
      doc = new ObjectMapper(new YAMLFactory()).readTree(in);
    }
    String[][] ops = {
        {"/api/alerts", "get", "listAlerts", "open"}, {"/api/alerts/{fingerprint}", "get", "getAlert", "open"},
        {"/api/alerts/{fingerprint}/ack", "post", "acknowledgeAlert", "token"},
        {"/api/silences", "get", "listSilences", "token"},
        {"/api/silences", "post", "createSilence", "token"}, {"/api/silences/{id}", "delete", "deleteSilence", "token"}};
    for (String[] op : ops) {
      JsonNode o = doc.path("paths").path(op[0]).path(op[1]);
      assertEquals(op[2], o.path("operationId").asText(), op[0]);
      assertEquals(op[3].equals("token"), !o.path("security").isMissingNode(),
          op[2] + (op[3].equals("token") ? " is behind the bearer token" : " is open"));
    }
    assertFalse(doc.at("/components/schemas/AlertDetail").isMissingNode());
  }
}
