package io.fingerpost.config;

/** A configuration that cannot be used; the message names the file, the key or line, and what is wrong. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
