/**
 * Named trace events for the {@code --trace GLOB} option.
 *
 * <p>Role: let a user watch device happenings (resets, control transfers, data in and out, stalls,
 * configuration changes) by name, as QEMU's trace events let them watch the original CanoKey QEMU
 * device. The event names follow QEMU's {@code hw/usb/trace-events} entries for that device ({@code
 * canokey_handle_reset}, {@code canokey_handle_control_setup}, ...), so scripts written for one
 * work with the other. Events never carry secrets: they name lengths, endpoints and request codes,
 * not payloads.
 *
 * <p>Depends on nothing but the JDK.
 */
package io.vcanokey.core.trace;
