package io.opencdn.common.signing;

import java.security.PublicKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A key group ({@code keyGroups:} of {@code distributions.yaml}, as CloudFront's): the public keys,
 * by key id, that may sign URLs and cookies for the behaviors that trust the group ({@code
 * trustedKeyGroups}). A signed request names its key with {@code Key-Pair-Id} (or the {@code
 * CloudFront-Key-Pair-Id} cookie).
 *
 * @param id the group's id, unique in the document
 * @param keys RSA (2048 bits or more) or EC P-256 public keys by key id, in document order
 * @param line where it is defined, for messages
 */
public record KeyGroup(String id, Map<String, PublicKey> keys, int line) {

  public KeyGroup {
    keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
  }
}
