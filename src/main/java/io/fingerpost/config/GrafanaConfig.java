package io.fingerpost.config;

/**
 * The optional {@code grafana} section: where the dashboards are, so the report pages can link to the
 * matching one ({@code <url>/d/fingerpost-strategy-overview?var-area=…}, {@code <url>/d/fingerpost-target?…}).
 *
 * @param url the Grafana base URL (http or https), without a trailing slash needed
 */
public record GrafanaConfig(String url) {
  public GrafanaConfig {
    url = url == null || url.isBlank() ? null : url.strip().replaceAll("/+$", "");
  }

  /** Problems of this section (reported as {@code grafana.url}). */
  void check(Problems problems) {
    if (url != null && !url.matches("(?i)https?://[^\\s/]+.*")) {
      problems.add("/grafana/url", "must be an http or https URL, got '" + url + "'");
    }
  }
}
