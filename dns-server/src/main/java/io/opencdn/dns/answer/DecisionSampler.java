package io.opencdn.dns.answer;

import io.opencdn.dns.wire.Transport;
import java.net.InetAddress;
import java.util.List;

/**
 * Where the query path hands a sample of its geo-routed answers to be explained (the decision log,
 * {@code io.opencdn.dns.explain.DecisionLog}). Both calls run on the query path: {@link #sample}
 * must be a cheap coin toss, {@link #record} must not block.
 */
public interface DecisionSampler {

  /** Whether the next geo-routed answer is to be recorded. */
  boolean sample();

  /** Records a sampled answer: the query's bytes, who asked, how, and the edge ids answered. */
  void record(byte[] query, InetAddress resolver, Transport transport, List<String> answered);
}
