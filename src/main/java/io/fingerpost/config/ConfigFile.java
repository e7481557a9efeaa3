package io.fingerpost.config;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where a configuration was read from: a file on disk or the bundled default inside the jar.
 * Relative paths in the configuration resolve against its folder.
 */
public record ConfigFile(String name, Path dir, String classpathDir) {

  public static final String DEFAULT_RESOURCE = "fingerpost/default/config.yaml";

  public static ConfigFile of(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    return new ConfigFile(abs.toString(), abs.getParent(), null);
  }

  public static ConfigFile bundledDefault() {
    return new ConfigFile("classpath:" + DEFAULT_RESOURCE, null, "fingerpost/default");
  }

  /** A path (relative to this file's folder), {@code classpath:…}, or an http(s) URL. */
  public Resource resolve(String value) {
    String v = value.trim();
    String lower = v.toLowerCase(java.util.Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      return new Resource.Url(URI.create(v));
    }
    if (lower.startsWith("classpath:")) {
      return new Resource.Classpath(stripSlash(v.substring("classpath:".length())));
    }
    if (lower.startsWith("file:")) {
      return new Resource.File(Path.of(URI.create(v)));
    }
    Path p = Path.of(v);
    if (p.isAbsolute()) {
      return new Resource.File(p.normalize());
    }
    if (dir != null) {
      return new Resource.File(dir.resolve(p).normalize());
    }
    String name = Path.of(classpathDir).resolve(p).normalize().toString().replace('\\', '/');
    if (!name.startsWith(classpathDir + "/")) {
      throw new IllegalArgumentException("'" + value + "' leaves the bundled configuration's folder");
    }
    return new Resource.Classpath(name);
  }

  private static String stripSlash(String s) {
    return s.startsWith("/") ? s.substring(1) : s;
  }
}
