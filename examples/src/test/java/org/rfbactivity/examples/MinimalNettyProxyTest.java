package org.rfbactivity.examples;

import java.net.InetSocketAddress;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.rfbactivity.activity.ActivityTracker;
import org.rfbactivity.examples.netty.MinimalNettyProxy;
import org.rfbactivity.rfb.testing.XvncServer;

/** The minimal Netty proxy between a real viewer and a real Xvnc: the session goes idle, active, disconnected. */
class MinimalNettyProxyTest {

  @Test
  void aViewerThroughTheProxyIsIdleThenActiveThenDisconnected() throws Exception {
    IdleActiveDisconnected scenario = new IdleActiveDisconnected(new ManualTime(Instant.parse("2026-12-01T09:00:00Z")));
    ActivityTracker tracker = scenario.startedTracker();
    try (XvncServer vnc = XvncServer.startWithoutAuth(640, 480);
        MinimalNettyProxy proxy = new MinimalNettyProxy(tracker, "desk-1",
            new InetSocketAddress("127.0.0.1", vnc.port()))) {
      InetSocketAddress listening = proxy.start(new InetSocketAddress("127.0.0.1", 0));
      try (TestViewer viewer = new TestViewer(ViewerTransport.tcp(listening)).handshake()) {
        scenario.awaitTransitions(1);
        scenario.windowPasses();
        scenario.awaitTransitions(2);
        viewer.type('a');
        scenario.awaitTransitions(3);
      }
      scenario.assertIdleThenActiveThenDisconnected("desk-1");
    } finally {
      tracker.close();
    }
  }
}
