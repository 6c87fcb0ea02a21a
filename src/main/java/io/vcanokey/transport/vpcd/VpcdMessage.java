package io.vcanokey.transport.vpcd;

import io.vcanokey.core.bytes.Hex;
import java.util.Arrays;

/**
 * One message from vpcd to the card (vsmartcard {@code virtualsmartcard/doc/api.txt}, "Creating a
 * virtual smart card"): a one-byte payload is a control code, any longer payload a command APDU.
 */
public sealed interface VpcdMessage {

  /** Control code: the card is powered off; no reply. */
  int CTRL_OFF = 0x00;

  /** Control code: the card is powered on; no reply. */
  int CTRL_ON = 0x01;

  /** Control code: the card is reset; no reply. */
  int CTRL_RESET = 0x02;

  /** Control code: the card answers with its ATR. vpcd also polls with it for card presence. */
  int CTRL_ATR = 0x04;

  /** A control message, one of the {@code CTRL_*} codes. */
  record Control(int code) implements VpcdMessage {}

  /** A command APDU, passed to the card OS as it is (short or extended). */
  record Apdu(byte[] command) implements VpcdMessage {
    @Override
    public boolean equals(Object o) {
      return o instanceof Apdu other && Arrays.equals(command, other.command);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(command);
    }

    @Override
    public String toString() {
      return "Apdu[" + command.length + " bytes]";
    }
  }

  /**
   * Decodes a frame's payload (the bytes after the length).
   *
   * @throws VpcdProtocolException for an empty payload or an unknown control code
   */
  static VpcdMessage decode(byte[] payload) {
    if (payload.length == 0) {
      throw new VpcdProtocolException("empty frame (length 0)");
    }
    if (payload.length == 1) {
      int code = payload[0] & 0xFF;
      return switch (code) {
        case CTRL_OFF, CTRL_ON, CTRL_RESET, CTRL_ATR -> new Control(code);
        default ->
            throw new VpcdProtocolException(
                "unknown control code " + Hex.encode(new byte[] {payload[0]}));
      };
    }
    return new Apdu(payload.clone());
  }
}
