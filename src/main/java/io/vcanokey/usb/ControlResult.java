package io.vcanokey.usb;

import java.util.Arrays;

/**
 * Outcome of a control transfer: either data-stage bytes for the host (empty for OUT requests) or a
 * protocol stall (USB 2.0, 8.5.3.4: the request is not supported or its parameters are wrong).
 */
public final class ControlResult {

  private static final ControlResult STALL = new ControlResult(null);
  private static final ControlResult EMPTY = new ControlResult(new byte[0]);

  private final byte[] data;

  private ControlResult(byte[] data) {
    this.data = data;
  }

  /** A successful transfer with no data stage for the host. */
  public static ControlResult ok() {
    return EMPTY;
  }

  /** A successful IN transfer returning {@code data}; the device truncates it to wLength. */
  public static ControlResult data(byte[] data) {
    return new ControlResult(data.clone());
  }

  /** A stall handshake: the device refuses the request. */
  public static ControlResult stall() {
    return STALL;
  }

  public boolean isStall() {
    return data == null;
  }

  /** The data for the host; empty for a stall or an OUT transfer. */
  public byte[] data() {
    return data == null ? new byte[0] : data.clone();
  }

  /** This result with its data cut to at most {@code maxLength} bytes. */
  public ControlResult truncate(int maxLength) {
    if (data == null || data.length <= maxLength) {
      return this;
    }
    return new ControlResult(Arrays.copyOf(data, maxLength));
  }

  @Override
  public String toString() {
    return isStall() ? "STALL" : "OK(" + data.length + " bytes)";
  }
}
