package org.rfbactivity.proxy.db;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive lock a proxy holds on its {@code --data-dir} for as long as it runs. It answers "is a live proxy
 * using this directory?" exactly: the operating system drops the lock when the process ends, however it ends
 * (kill -9 included), whereas PostgreSQL's {@code postmaster.pid} outlives a crash and names a server that may
 * outlive its proxy. The file holds the holder's pid, so that a second proxy can name it.
 */
final class DataDirLock implements AutoCloseable {

  static final String FILE_NAME = "proxy.lock";
  /** A pid and a line break; anything longer in the file is not ours. */
  private static final int MAX_PID_BYTES = 21;

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock without waiting.
   *
   * @throws DatabaseStartException naming {@code --data-dir} (and the holder's pid when known) if a live proxy
   *     holds it, or if the directory cannot be used at all
   */
  static DataDirLock acquire(Path dataDir) {
    FileChannel channel;
    try {
      Files.createDirectories(dataDir);
      channel = FileChannel.open(dataDir.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new DatabaseStartException("--data-dir", dataDir.toString(), "cannot create " + FILE_NAME + ": "
          + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
    try {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        String holder = holderPid(channel);
        closeQuietly(channel);
        throw new DatabaseStartException("--data-dir", dataDir.toString(),
            "in use by another proxy" + (holder == null ? "" : " (pid " + holder + ")"));
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      channel.force(false);
      return new DataDirLock(channel, lock);
    } catch (OverlappingFileLockException e) {
      // Another proxy in this JVM (programmatic use). Closing this channel drops the process's lock at the OS level
      // (POSIX locks belong to the process), but this JVM keeps refusing a second holder, which is what matters here.
      closeQuietly(channel);
      throw new DatabaseStartException("--data-dir", dataDir.toString(),
          "in use by another proxy (pid " + ProcessHandle.current().pid() + ", this process)");
    } catch (IOException e) {
      closeQuietly(channel);
      throw new DatabaseStartException("--data-dir", dataDir.toString(), "cannot lock " + FILE_NAME + ": "
          + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /** The pid the holder wrote, or null when the file does not hold one (yet). */
  private static String holderPid(FileChannel channel) {
    try {
      ByteBuffer buffer = ByteBuffer.allocate(MAX_PID_BYTES);
      channel.read(buffer, 0);
      String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
      return text.matches("[0-9]{1,19}") ? text : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing was locked through it
    }
  }

  /** Releases the lock; the file stays (an unlocked file means nothing). */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel below releases it as well
    }
    closeQuietly(channel);
  }
}
