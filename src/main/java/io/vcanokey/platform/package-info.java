/**
 * What the key needs from its platform, behind interfaces so protocol code never learns where it
 * runs: today the {@link io.vcanokey.platform.Scheduler} (the key thread and its timers); user
 * presence, clock and randomness services join it as applets need them.
 *
 * <p>Design note: every key runs on one thread. Transports hand work to it with {@code execute};
 * timeouts (CTAPHID assembly, keepalives) are scheduled on it. Nothing inside a key takes a lock.
 * Tests use {@code ManualScheduler} (src/test), whose time moves only when the test says so.
 *
 * <p>Depends on the JDK only.
 */
package io.vcanokey.platform;
