package io.opencdn.common.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where a configuration file or a file it names lives: a file path, or {@code classpath:NAME} for
 * the defaults embedded in the jars. Paths inside a config file are relative to that file.
 */
public final class ConfigLocation {

  public static final String CLASSPATH = "classpath:";

  private ConfigLocation() {}

  /** Loads a YAML config from a file path or {@code classpath:} location. */
  public static <T> T load(String location, Class<T> type) {
    return location.startsWith(CLASSPATH)
        ? ConfigLoader.loadResource(location.substring(CLASSPATH.length()), type)
        : ConfigLoader.load(Path.of(location), type);
  }

  /** Resolves {@code relative} against the location of the config file {@code base}. */
  public static String resolve(String base, String relative) {
    if (relative.startsWith(CLASSPATH) || Path.of(relative).isAbsolute()) {
      return relative;
    }
    if (base.startsWith(CLASSPATH)) {
      String name = base.substring(CLASSPATH.length());
      int slash = name.lastIndexOf('/');
      return CLASSPATH + (slash < 0 ? "" : name.substring(0, slash + 1)) + relative;
    }
    Path parent = Path.of(base).toAbsolutePath().getParent();
    return parent.resolve(relative).normalize().toString();
  }

  /** Opens a location for reading; a missing or unreadable one is a {@link ConfigException}. */
  public static InputStream open(String location) {
    if (location.startsWith(CLASSPATH)) {
      InputStream in =
          ConfigLocation.class
              .getClassLoader()
              .getResourceAsStream(location.substring(CLASSPATH.length()));
      if (in == null) {
        throw new ConfigException(location + ": resource not found");
      }
      return in;
    }
    try {
      return Files.newInputStream(Path.of(location));
    } catch (NoSuchFileException e) {
      throw new ConfigException(location + ": file not found");
    } catch (IOException e) {
      throw new ConfigException(location + ": cannot read: " + e.getMessage(), e);
    }
  }
}
