package io.opencdn.common.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Reads YAML configuration files into immutable records. Records validate themselves in their
 * compact constructors (throwing {@link ConfigException}); this loader turns every failure into one
 * {@link ConfigException} whose message names the file, the key path and the problem.
 */
public final class ConfigLoader {

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);

  private ConfigLoader() {}

  /**
   * Loads {@code file} as {@code type}; every problem is a {@link ConfigException} naming the file.
   */
  public static <T> T load(Path file, Class<T> type) {
    String source = file.toString();
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, source, type);
    } catch (NoSuchFileException e) {
      throw new ConfigException(source + ": file not found");
    } catch (IOException e) {
      throw new ConfigException(source + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Loads a classpath resource, for the embedded defaults. */
  public static <T> T loadResource(String resource, Class<T> type) {
    String source = "classpath:" + resource;
    InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new ConfigException(source + ": resource not found");
    }
    try (in) {
      return parse(in, source, type);
    } catch (IOException e) {
      throw new ConfigException(source + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Parses YAML text; {@code source} names it in error messages. */
  public static <T> T parse(String yaml, String source, Class<T> type) {
    try {
      return parse(
          new java.io.ByteArrayInputStream(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
          source,
          type);
    } catch (IOException e) {
      throw new ConfigException(source + ": " + e.getMessage(), e);
    }
  }

  private static <T> T parse(InputStream in, String source, Class<T> type) throws IOException {
    String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (text.isBlank()) {
      throw new ConfigException(source + ": the file is empty");
    }
    try {
      T value = YAML.readValue(interpolate(text, source, System.getenv()), type);
      if (value == null) {
        throw new ConfigException(source + ": the file is empty");
      }
      return value;
    } catch (ConfigException e) {
      throw e.getMessage().startsWith(source)
          ? e
          : new ConfigException(source + ": " + e.getMessage(), e);
    } catch (JsonProcessingException e) {
      throw new ConfigException(source + ": " + describe(e), e);
    }
  }

  private static final java.util.regex.Pattern VAR =
      java.util.regex.Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  /**
   * Replaces {@code ${NAME}} and {@code ${NAME:-default}} with environment values, so one file
   * serves several deployments (docker-compose sets the variables). A variable that is unset and
   * has no default is an error naming the variable.
   */
  public static String interpolate(String text, String source, java.util.Map<String, String> env) {
    java.util.regex.Matcher m = VAR.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.get(m.group(1));
      if (value == null || value.isEmpty()) {
        value = m.group(2);
      }
      if (value == null) {
        throw new ConfigException(
            source
                + ": environment variable "
                + m.group(1)
                + " is not set (the file uses ${"
                + m.group(1)
                + "})");
      }
      m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String describe(JsonProcessingException e) {
    String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    if (e instanceof JsonMappingException m) {
      String key =
          m.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining("."))
              .replace(".[", "[");
      Throwable root = rootCause(m);
      if (root instanceof ConfigException ce) {
        String msg = ce.getMessage();
        if (!msg.startsWith("key '")) {
          return msg + where;
        }
        int close = msg.indexOf('\'', 5);
        String inner = msg.substring(5, close);
        String full =
            inner.equals("?")
                ? key
                : key.isEmpty() || key.endsWith(inner)
                    ? (key.isEmpty() ? inner : key)
                    : key + "." + inner;
        return "key '" + full + msg.substring(close) + where;
      }
      if (m instanceof UnrecognizedPropertyException u) {
        return "key '" + key + "': unknown key; known keys are " + u.getKnownPropertyIds() + where;
      }
      String detail = m.getOriginalMessage();
      int cut = detail.indexOf('\n');
      detail = cut > 0 ? detail.substring(0, cut) : detail;
      return (key.isEmpty() ? "" : "key '" + key + "': ") + detail + where;
    }
    return "not valid YAML: " + e.getOriginalMessage() + where;
  }

  private static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      if (c instanceof ConfigException) {
        return c;
      }
      c = c.getCause();
    }
    return c;
  }
}
