package io.fingerpost.config;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Something a config value points at: a file, a resource inside the jar (for the bundled default
 * config) or an http(s) URL. {@link ConfigFile#resolve} makes one from a config value.
 */
public sealed interface Resource {

  /** Opens the content (files and classpath only; URLs are fetched by the feed's HTTP client). */
  InputStream open() throws IOException;

  /** How to show it to a person. */
  String describe();

  record File(Path path) implements Resource {
    @Override
    public InputStream open() throws IOException {
      return Files.newInputStream(path);
    }

    @Override
    public String describe() {
      return path.toString();
    }
  }

  record Classpath(String name) implements Resource {
    @Override
    public InputStream open() throws IOException {
      InputStream in = Resource.class.getClassLoader().getResourceAsStream(name);
      if (in == null) {
        throw new FileNotFoundException("classpath:" + name + " (not in the jar)");
      }
      return in;
    }

    @Override
    public String describe() {
      return "classpath:" + name;
    }
  }

  record Url(URI uri) implements Resource {
    @Override
    public InputStream open() throws IOException {
      throw new IOException(uri + " is fetched over HTTP, not opened");
    }

    @Override
    public String describe() {
      return uri.toString();
    }
  }
}
