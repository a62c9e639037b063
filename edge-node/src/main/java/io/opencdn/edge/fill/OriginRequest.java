package io.opencdn.edge.fill;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.streams.ReadStream;

/**
 * A request to send to an origin.
 *
 * @param origin where to connect
 * @param method request method
 * @param target path and query
 * @param authority Host header value (the client's Host, so name-based origins work)
 * @param headers end-to-end headers to forward (already including Via and X-Forwarded-For)
 * @param body request body to stream, or null for none
 */
public record OriginRequest(Origin origin, HttpMethod method, String target, String authority, MultiMap headers,
    ReadStream<Buffer> body) {}
