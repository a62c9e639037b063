package io.opencdn.edge.fill;

/**
 * How the edge talks to one origin of a distribution ({@code origins[]} of distributions.yaml).
 *
 * @param connectTimeoutMillis TCP connect timeout
 * @param timeoutMillis longest wait for the response headers or the next body chunk
 * @param attempts connection attempts before the request fails as {@link
 *     FillException.Kind#CONNECT}
 * @param poolSize keep-alive connections to it (per edge)
 */
public record OriginOptions(
    int connectTimeoutMillis, int timeoutMillis, int attempts, int poolSize) {}
