package org.rfbactivity.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.shinyhut.vernacular.client.VernacularClient;
import com.shinyhut.vernacular.client.VernacularConfig;
import com.shinyhut.vernacular.client.exceptions.VncException;
import com.shinyhut.vernacular.client.rendering.ColorDepth;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** vernacular 1.14, the Java VNC client, against the proxy's raw TCP frontend. */
final class VernacularDriver implements ViewerDriver {

  private final InetSocketAddress proxy;
  private final VernacularClient client;
  private final AtomicInteger frames = new AtomicInteger();
  private final List<VncException> errors = new CopyOnWriteArrayList<>();

  /** @param password the VNC password, or null for security type None */
  VernacularDriver(InetSocketAddress proxy, String password) {
    this.proxy = proxy;
    VernacularConfig config = new VernacularConfig();
    config.setColorDepth(ColorDepth.BPP_24_TRUE);
    config.setShared(true);
    if (password != null) {
      config.setPasswordSupplier(() -> password);
    }
    config.setScreenUpdateListener(image -> frames.incrementAndGet());
    config.setErrorListener(errors::add);
    this.client = new VernacularClient(config);
  }

  @Override
  public void connect() {
    client.start(proxy.getHostString(), proxy.getPort());
    await("first frame").atMost(Duration.ofSeconds(20)).until(() -> frames.get() > 0 || !errors.isEmpty());
    assertThat(errors).isEmpty();
  }

  /** Framebuffer updates drawn so far. */
  int frames() {
    return frames.get();
  }

  @Override
  public void move(int x, int y) {
    client.moveMouse(x, y);
  }

  @Override
  public void typeLetter() {
    client.type("a");
  }

  /** A left click where the pointer is. */
  void click() {
    client.click(1);
  }

  /** One wheel notch, down or up. */
  void scroll(boolean down) {
    if (down) {
      client.scrollDown();
    } else {
      client.scrollUp();
    }
  }

  /** Types one test letter. */
  void type(char letter) {
    client.type(String.valueOf(letter));
  }

  @Override
  public void disconnect() {
    client.stop();
    assertThat(errors).isEmpty();
  }

  @Override
  public void close() {
    if (client.isRunning()) {
      client.stop();
    }
  }
}
