package io.sessionlog.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Holds the data folder for this process alone. Two processes on one folder would run two brokers on the same log
 * and corrupt it; the second one fails at once instead, naming the folder.
 */
final class DataDirLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(final FileChannel channel, final FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(final Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            final FileChannel channel = FileChannel.open(dataDir.resolve(".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            final FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                channel.close();
                throw inUse(dataDir);
            }
            if (lock == null) {
                channel.close();
                throw inUse(dataDir);
            }
            return new DataDirLock(channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock data folder " + dataDir, e);
        }
    }

    private static IllegalStateException inUse(final Path dataDir) {
        return new IllegalStateException("data folder " + dataDir + " is in use by another sessionlog process: "
                + "stop it first, or give this one another folder (data.dir)");
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
