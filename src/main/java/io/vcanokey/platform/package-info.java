/**
 * What the key needs from its platform, behind interfaces so protocol code never learns where it
 * runs: the {@link io.vcanokey.platform.Scheduler} (the key thread and its timers) and the {@link
 * io.vcanokey.platform.UserPresence} service that answers every request for a touch, following
 * {@code --touch}.
 *
 * <p>Design note: every key runs on one thread. Transports hand work to it with {@code execute};
 * timeouts (CTAPHID assembly, keepalives) are scheduled on it. Nothing inside a key takes a lock.
 * Tests use {@code ManualScheduler} (src/test), whose time moves only when the test says so.
 *
 * <p>Depends on the JDK and slf4j only.
 */
package io.vcanokey.platform;
