package io.opencdn.common.distribution;

import java.util.List;
import java.util.Locale;

/**
 * Which query strings, headers or cookies a policy names: {@code none}, {@code all}, an allow list
 * or a deny list (CloudFront's {@code none}/{@code all}/{@code whitelist}/{@code allExcept}).
 *
 * @param kind which of the four
 * @param names the list of {@link Kind#ALLOW} or {@link Kind#DENY} (empty otherwise); header names
 *     compare case-insensitively, query strings and cookies exactly
 */
public record Selection(Kind kind, List<String> names) {

  /** How names are selected. */
  public enum Kind {
    NONE,
    ALL,
    ALLOW,
    DENY
  }

  public static final Selection NONE = new Selection(Kind.NONE, List.of());
  public static final Selection ALL = new Selection(Kind.ALL, List.of());

  public Selection {
    names = List.copyOf(names);
  }

  /** An allow list. */
  public static Selection allow(String... names) {
    return new Selection(Kind.ALLOW, List.of(names));
  }

  /** A deny list. */
  public static Selection deny(String... names) {
    return new Selection(Kind.DENY, List.of(names));
  }

  /** Whether {@code name} is selected; {@code caseInsensitive} for header names. */
  public boolean includes(String name, boolean caseInsensitive) {
    return switch (kind) {
      case NONE -> false;
      case ALL -> true;
      case ALLOW -> contains(name, caseInsensitive);
      case DENY -> !contains(name, caseInsensitive);
    };
  }

  private boolean contains(String name, boolean caseInsensitive) {
    for (String n : names) {
      if (caseInsensitive ? n.equalsIgnoreCase(name) : n.equals(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * As written in YAML: {@code none}, {@code all}, {@code {allow: [..]}} or {@code {deny: [..]}}.
   */
  @Override
  public String toString() {
    return switch (kind) {
      case NONE, ALL -> kind.name().toLowerCase(Locale.ROOT);
      case ALLOW, DENY -> "{" + kind.name().toLowerCase(Locale.ROOT) + ": " + names + "}";
    };
  }
}
