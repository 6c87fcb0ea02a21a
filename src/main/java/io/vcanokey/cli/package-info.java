/**
 * The {@code canokey} command line: argument parsing, logging set-up, and wiring a key to its
 * transports. Nothing else lives here.
 *
 * <p>Depends on key, transport, usb and core; nothing depends on it.
 */
package io.vcanokey.cli;
