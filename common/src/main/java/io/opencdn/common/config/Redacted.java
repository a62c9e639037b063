package io.opencdn.common.config;

import java.lang.reflect.RecordComponent;
import java.util.Set;

/**
 * The text of a config record with its secrets left out: a record's own {@code toString} prints
 * every component, and a config printed into a log or an exception must not carry a token or the
 * cluster secret. Components are read by reflection, so fields added later are printed too.
 */
public final class Redacted {

  private Redacted() {}

  /**
   * {@code Name[a=1, secret=(20 characters), ...]}: like the record's own text, with the values of
   * the components named in {@code secrets} replaced by their length.
   */
  public static String text(Record r, Set<String> secrets) {
    StringBuilder b = new StringBuilder(r.getClass().getSimpleName()).append('[');
    RecordComponent[] components = r.getClass().getRecordComponents();
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      Object value;
      try {
        c.getAccessor().setAccessible(true);
        value = c.getAccessor().invoke(r);
      } catch (ReflectiveOperationException | RuntimeException e) {
        value = "?";
      }
      if (secrets.contains(c.getName())) {
        value =
            value == null || value.toString().isEmpty()
                ? "(none)"
                : "(" + value.toString().length() + " characters)";
      }
      b.append(i == 0 ? "" : ", ").append(c.getName()).append('=').append(value);
    }
    return b.append(']').toString();
  }
}
