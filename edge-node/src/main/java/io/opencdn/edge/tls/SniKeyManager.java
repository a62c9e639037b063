package io.opencdn.edge.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Picks the certificate of each handshake inside the TLS engine's own certificate selection: by the
 * client's SNI name (exact names, then {@code *.} wildcards one label deep, else the default: the
 * first certificate and those with the same names), then, where one name has both an ECDSA and an
 * RSA certificate, ECDSA for clients whose signature algorithms include ECDSA and RSA for the
 * others. One engine context serves every name, so a handshake needs no ClientHello parsing in Java
 * and no context switch, and with OpenSSL the key material of each certificate is converted once
 * (it is cached per alias, see {@link TlsEngine#keyManagerFactory}). Immutable; a reload makes a
 * new one.
 */
final class SniKeyManager extends X509ExtendedKeyManager {

  /**
   * One certificate as served.
   *
   * @param alias its name among the key manager's ({@code c0}, {@code c1}... in configuration
   *     order)
   * @param names DNS names of the leaf, lower case; a {@code *.} prefix is a wildcard
   * @param keyType {@code EC} or {@code RSA}
   * @param chain leaf first
   * @param key the leaf's private key
   */
  record Entry(
      String alias, List<String> names, String keyType, X509Certificate[] chain, PrivateKey key) {}

  private final List<Entry> entries;
  private final Map<String, Entry> byAlias = new HashMap<>();
  private final Map<String, List<Entry>> exact = new HashMap<>();
  private final Map<String, List<Entry>> wildcard = new HashMap<>();
  private final List<Entry> defaults = new ArrayList<>();
  private final Consumer<String> onDefault;
  private final BiConsumer<Entry, SSLEngine> onChosen;

  /** A manager that tells nobody which certificate it picked. */
  SniKeyManager(List<Entry> entries, Consumer<String> onDefault) {
    this(entries, onDefault, (e, engine) -> {});
  }

  /**
   * @param entries the certificates in configuration order (at least one; the first is the default)
   * @param onDefault told the SNI name of a handshake that no certificate covers (once per
   *     handshake)
   * @param onChosen told the certificate picked for a handshake and its engine, inside the engine's
   *     certificate selection (where {@link OcspStapler} staples the certificate's OCSP response)
   */
  SniKeyManager(
      List<Entry> entries, Consumer<String> onDefault, BiConsumer<Entry, SSLEngine> onChosen) {
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("no certificate");
    }
    this.entries = List.copyOf(entries);
    this.onDefault = onDefault;
    this.onChosen = onChosen;
    for (Entry e : this.entries) {
      byAlias.put(e.alias(), e);
      for (String n : e.names()) {
        String name = n.toLowerCase(Locale.ROOT);
        if (name.startsWith("*.")) {
          wildcard.computeIfAbsent(name.substring(2), k -> new ArrayList<>()).add(e);
        } else {
          exact.computeIfAbsent(name, k -> new ArrayList<>()).add(e);
        }
      }
    }
    Entry first = this.entries.get(0);
    for (Entry e : this.entries) {
      if (e.names().equals(first.names())) {
        defaults.add(e);
      }
    }
  }

  /** The certificates covering {@code name} (exact names first), or null when none does. */
  List<Entry> covering(String name) {
    if (name == null) {
      return null;
    }
    String n = name.toLowerCase(Locale.ROOT);
    List<Entry> found = exact.get(n);
    if (found == null) {
      int dot = n.indexOf('.');
      if (dot > 0) {
        found = wildcard.get(n.substring(dot + 1));
      }
    }
    return found;
  }

  /**
   * The certificate for a client naming {@code sni} (null: none); {@code ecdsa} says whether the
   * client accepts ECDSA signatures, asked only where the name has more than one certificate (it
   * costs the engine a conversion of the client's list).
   */
  Entry pick(String sni, BooleanSupplier ecdsa) {
    List<Entry> candidates = covering(sni);
    if (candidates == null) {
      candidates = defaults;
    }
    if (candidates.size() > 1) {
      String wanted = ecdsa.getAsBoolean() ? "EC" : "RSA";
      for (Entry e : candidates) {
        if (e.keyType().equals(wanted)) {
          return e;
        }
      }
    }
    return candidates.get(0);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    if (engine == null) {
      return choose(keyType, null);
    }
    SSLSession session = engine.getHandshakeSession();
    Entry e = entry(keyType, session);
    if (e == null) {
      return null;
    }
    onChosen.accept(e, engine);
    return e.alias();
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return choose(
        keyType, socket instanceof SSLSocket s ? s.getHandshakeSession() : (SSLSession) null);
  }

  private String choose(String keyType, SSLSession session) {
    Entry e = entry(keyType, session);
    return e == null ? null : e.alias();
  }

  private Entry entry(String keyType, SSLSession session) {
    String sni = sni(session);
    Entry e = pick(sni, () -> ecdsa(session));
    if (!e.keyType().equals(keyType)) {
      // the engine asks once per key type it could use: only the chosen one's gets an answer
      return null;
    }
    if (sni != null && covering(sni) == null) {
      onDefault.accept(sni);
    }
    return e;
  }

  private static String sni(SSLSession session) {
    if (session instanceof ExtendedSSLSession s) {
      for (SNIServerName n : s.getRequestedServerNames()) {
        if (n instanceof SNIHostName h) {
          return h.getAsciiName();
        }
      }
    }
    return null;
  }

  /**
   * Whether the client's signature_algorithms include ECDSA; false when it sent none (a TLS 1.2
   * client without the extension is assumed to take RSA).
   */
  private static boolean ecdsa(SSLSession session) {
    if (session instanceof ExtendedSSLSession s) {
      for (String alg : s.getPeerSupportedSignatureAlgorithms()) {
        if (alg.toUpperCase(Locale.ROOT).contains("ECDSA")) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return entries.stream()
        .filter(e -> e.keyType().equals(keyType))
        .map(Entry::alias)
        .toArray(String[]::new);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Entry e = byAlias.get(alias);
    return e == null ? null : e.chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Entry e = byAlias.get(alias);
    return e == null ? null : e.key();
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
