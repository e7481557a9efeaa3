package io.fingerpost.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict reader of the Prometheus text format's sample lines (0.0.4): metric name, labels with the format's
 * escapes (backslash, double quote, line feed), value. Comment lines are skipped; a malformed line fails.
 */
final class ExpositionLines {
  private ExpositionLines() {}

  record Sample(String name, Map<String, String> labels, String value) {}

  static List<Sample> parse(String text) {
    List<Sample> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) continue;
      out.add(line(line));
    }
    return out;
  }

  static Sample line(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') i++;
    String name = line.substring(0, i);
    if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) throw new IllegalArgumentException("bad name in " + line);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String label = line.substring(i, eq);
        if (!label.matches("[a-zA-Z_][a-zA-Z0-9_]*") || line.charAt(eq + 1) != '"') {
          throw new IllegalArgumentException("bad label at " + i + " in " + line);
        }
        StringBuilder value = new StringBuilder();
        int k = eq + 2;
        for (; line.charAt(k) != '"'; k++) {
          char c = line.charAt(k);
          if (c == '\\') {
            char next = line.charAt(++k);
            value.append(next == 'n' ? '\n' : next);
          } else {
            value.append(c);
          }
        }
        if (labels.put(label, value.toString()) != null) throw new IllegalArgumentException("repeated " + label + " in " + line);
        i = k + 1;
        if (line.charAt(i) == ',') i++;
      }
      i++;
    }
    if (line.charAt(i) != ' ') throw new IllegalArgumentException("no value in " + line);
    return new Sample(name, labels, line.substring(i + 1).trim());
  }
}
