package org.rfbactivity.proxy.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.rfbactivity.activity.event.ActivityEvent;
import org.rfbactivity.activity.event.ActivityEventListener;
import org.rfbactivity.activity.event.EventType;

/**
 * The server-sent events behind {@code GET /api/events}: a ring of the newest {@link #RING_SIZE} events for resume,
 * and the open streams. Fed either by the tracker ({@link #onEvent}, on its flusher thread) or by a
 * {@link NotifyFeeder} ({@link #publish}); neither ever waits here: a frame is appended under a short lock and handed
 * to each stream's event loop, and a stream that cannot keep up is closed rather than buffered
 * (docs/architecture.md#events describes the events themselves).
 */
public final class EventHub implements ActivityEventListener, AutoCloseable {

  /** Events kept for {@code Last-Event-ID}: about a minute of a busy replica's changes, ~0.5 MB at typical size. */
  public static final int RING_SIZE = 1024;
  /** Open streams at most (each may hold {@link #MAX_BUFFERED_BYTES}); one more is answered 503. */
  public static final int MAX_SUBSCRIBERS = 32;
  /**
   * A stream whose unsent bytes pass this is closed as slow. Above a full replay of the ring at the largest event
   * size ({@value #RING_SIZE} × {@link ActivityEvent#MAX_JSON_BYTES} + framing ≈ 3 MB), so a replay alone never
   * trips it.
   */
  public static final int MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
  /** How often an idle stream gets a comment line, so that proxies and load balancers keep it open. */
  public static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
  /** The reconnection delay suggested to clients ({@code retry:}). */
  public static final Duration RETRY = Duration.ofSeconds(3);
  static final String TYPES = "types";
  static final String LAST_EVENT_ID = "Last-Event-ID";
  private static final byte[] KEEP_ALIVE_LINE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);

  /** Why a stream was not opened: the caller answers with this status and text. */
  public record Refusal(HttpResponseStatus status, String message) {}

  private final Duration keepAlive;
  private final Counter slowDisconnects;
  private final AtomicInteger subscriberCount = new AtomicInteger();
  private final Object lock = new Object();
  // Guarded by lock: the ring (oldest at (next - size) mod RING_SIZE), the streams, and closed.
  private final EventFrame[] ring = new EventFrame[RING_SIZE];
  private int next;
  private int size;
  private final List<EventStream> streams = new ArrayList<>();
  private boolean closed;

  public EventHub(MeterRegistry registry) {
    this(registry, KEEP_ALIVE);
  }

  /** A hub whose streams get a keep-alive comment every {@code keepAlive} (tests shorten it). */
  EventHub(MeterRegistry registry, Duration keepAlive) {
    if (keepAlive.isNegative() || keepAlive.isZero()) {
      throw new IllegalArgumentException("keepAlive must be > 0: " + keepAlive);
    }
    this.keepAlive = keepAlive;
    Gauge.builder("vnc.proxy.event.stream.subscribers", subscriberCount, AtomicInteger::get)
        .description("Open server-sent event streams (GET /api/events)")
        .register(registry);
    this.slowDisconnects = Counter.builder("vnc.proxy.event.stream.slow.disconnects")
        .description("Event streams closed because the client did not read fast enough")
        .register(registry);
  }

  /** The tracker's events, when no database feeds the hub. Never blocks. */
  @Override
  public void onEvent(ActivityEvent event) {
    publish(EventFrame.of(event));
  }

  /**
   * An event given as its parts (the {@link NotifyFeeder}'s). Never blocks.
   *
   * @throws IllegalArgumentException when a part spans lines ({@link EventFrame#of(String, String, String)})
   */
  public void publish(String id, String type, String json) {
    publish(EventFrame.of(id, type, json));
  }

  void publish(EventFrame frame) {
    synchronized (lock) {
      ring[next] = frame;
      next = (next + 1) % RING_SIZE;
      size = Math.min(size + 1, RING_SIZE);
      for (EventStream stream : streams) {
        stream.offer(frame);
      }
    }
  }

  /**
   * Answers {@code request} on {@code channel} with the stream: a 200 head, the {@code retry:} hint, the replay after
   * its {@code Last-Event-ID}, then every event as it comes. Called on the channel's event loop, which then owns the
   * stream. The caller has checked the token and takes its own handler out of the way.
   *
   * @return null when the stream is open, else why not (400 for a bad {@code types}, 503 when full or closing)
   */
  public Refusal open(Channel channel, HttpRequest request) {
    Set<String> types;
    try {
      types = types(new QueryStringDecoder(request.uri()).parameters().get(TYPES));
    } catch (IllegalArgumentException e) {
      return new Refusal(HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n");
    }
    String lastEventId = request.headers().get(LAST_EVENT_ID);
    EventStream stream = new EventStream(this, channel, types);
    List<EventFrame> replay = new ArrayList<>();
    boolean unknownId;
    synchronized (lock) {
      if (closed || streams.size() >= MAX_SUBSCRIBERS) {
        return new Refusal(HttpResponseStatus.SERVICE_UNAVAILABLE, closed ? "shutting down\n"
            : "too many event streams\n");
      }
      unknownId = lastEventId != null && !lastEventId.isEmpty() && !replayAfter(lastEventId, replay);
      // Under the lock: every event is either in this replay or offered to the new stream, never both or neither.
      streams.add(stream);
      subscriberCount.set(streams.size());
    }
    // The buffer may exceed the low mark by a full replay without tripping the high one.
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(MAX_BUFFERED_BYTES / 2, MAX_BUFFERED_BYTES));
    channel.pipeline().addLast("events", stream);
    channel.closeFuture().addListener(f -> remove(stream));
    channel.write(head(request));
    StringBuilder preamble = new StringBuilder("retry: ").append(RETRY.toMillis()).append('\n');
    if (unknownId) {
      // An id older than the ring or from before a restart: the client may have missed events between.
      preamble.append(": last-event-id unknown; replaying all ").append(replay.size()).append(" retained events\n");
    }
    preamble.append('\n');
    CompositeByteBuf first = Unpooled.compositeBuffer(replay.size() + 1);
    first.addComponent(true, Unpooled.copiedBuffer(preamble, StandardCharsets.UTF_8));
    for (EventFrame frame : replay) {
      if (stream.accepts(frame)) {
        first.addComponent(true, Unpooled.wrappedBuffer(frame.bytes()));
      }
    }
    stream.write(first);
    stream.keepAliveEvery(keepAlive);
    return null;
  }

  /** Fills {@code into} with the retained events after {@code id}, or all of them when {@code id} is not retained. */
  private boolean replayAfter(String id, List<EventFrame> into) {
    int found = -1;
    for (int i = size - 1; i >= 0; i--) {
      if (ring[(next - size + i + RING_SIZE) % RING_SIZE].id().equals(id)) {
        found = i;
        break;
      }
    }
    for (int i = found + 1; i < size; i++) {
      into.add(ring[(next - size + i + RING_SIZE) % RING_SIZE]);
    }
    return found >= 0;
  }

  /** The {@code types} filter, null for all; every name must be an {@link EventType}'s wire name. */
  static Set<String> types(List<String> values) {
    if (values == null) {
      return null;
    }
    Set<String> types = new HashSet<>();
    for (String value : values) {
      for (String name : value.split(",", -1)) {
        String trimmed = name.trim();
        if (trimmed.isEmpty()) {
          throw new IllegalArgumentException("types has an empty name");
        }
        try {
          types.add(EventType.ofWireName(trimmed).wireName());
        } catch (IllegalArgumentException e) {
          // The client's text is not echoed: it is not ours to reflect.
          throw new IllegalArgumentException("unknown event type in types; known: " + knownTypes());
        }
      }
    }
    return types;
  }

  private static String knownTypes() {
    StringBuilder b = new StringBuilder();
    for (EventType type : EventType.values()) {
      b.append(b.isEmpty() ? "" : ",").append(type.wireName());
    }
    return b.toString();
  }

  /**
   * HTTP/1.1 clients get a chunked response (a proxy in between can tell a live stream from a cut one); HTTP/1.0
   * clients a close-delimited one. Either way the stream ends only when one side closes the connection.
   */
  private static HttpResponse head(HttpRequest request) {
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
    r.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    // nginx buffers proxied responses unless told not to, which would hold events back.
    r.headers().set("X-Accel-Buffering", "no");
    if (request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
      HttpUtil.setTransferEncodingChunked(r, true);
    } else {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return r;
  }

  static DefaultHttpContent chunk(ByteBuf bytes) {
    return new DefaultHttpContent(bytes);
  }

  static byte[] keepAliveLine() {
    return KEEP_ALIVE_LINE;
  }

  void slowDisconnect() {
    slowDisconnects.increment();
  }

  private void remove(EventStream stream) {
    synchronized (lock) {
      streams.remove(stream);
      subscriberCount.set(streams.size());
    }
  }

  /** Streams open now. */
  public int subscribers() {
    return subscriberCount.get();
  }

  /** Closes every stream; later requests are answered 503. Events published afterwards are kept but sent nowhere. */
  @Override
  public void close() {
    List<EventStream> open;
    synchronized (lock) {
      closed = true;
      open = new ArrayList<>(streams);
    }
    for (EventStream stream : open) {
      stream.close();
    }
  }
}
