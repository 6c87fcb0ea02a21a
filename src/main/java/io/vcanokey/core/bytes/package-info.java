/**
 * Byte helpers shared by every layer: hex for logs, traces and tests.
 *
 * <p>Depends on the JDK only.
 */
package io.vcanokey.core.bytes;
