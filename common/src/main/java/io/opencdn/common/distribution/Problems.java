package io.opencdn.common.distribution;

import java.util.ArrayList;
import java.util.List;

/**
 * Every mistake found in one {@code distributions.yaml}, each as {@code FILE:LINE: key 'PATH':
 * what}, collected while the whole document is read, so an operator sees all of them at once rather
 * than one per attempt.
 */
public final class Problems {

  private final String source;
  private final List<String> lines = new ArrayList<>();

  /**
   * @param source the file name errors are reported under
   */
  public Problems(String source) {
    this.source = source;
  }

  /** Records that {@code key} at {@code line} (1-based) is wrong: {@code what}. */
  public void add(int line, String key, String what) {
    lines.add(source + ":" + line + ": key '" + key + "': " + what);
  }

  /** True when nothing was recorded. */
  public boolean isEmpty() {
    return lines.isEmpty();
  }

  /** The problems in the order found. */
  public List<String> all() {
    return List.copyOf(lines);
  }

  /** Throws a {@link DocumentException} with every problem unless there is none. */
  public void throwIfAny() {
    if (!lines.isEmpty()) {
      throw new DocumentException(all());
    }
  }

  /** A document refused for one or more problems; the message has one problem per line. */
  public static final class DocumentException extends RuntimeException {
    private final List<String> problems;

    public DocumentException(List<String> problems) {
      super(String.join("\n", problems));
      this.problems = List.copyOf(problems);
    }

    /** Every problem, {@code FILE:LINE: key 'PATH': what}. */
    public List<String> problems() {
      return problems;
    }
  }
}
