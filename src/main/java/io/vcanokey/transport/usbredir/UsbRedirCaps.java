package io.vcanokey.transport.usbredir;

/**
 * The capability bits one side announces in its hello packet (usb-redirection-protocol.md,
 * usb_redir_hello). Protocol 0.7 defines bits 0 to 7, all in the first 32-bit word; words beyond
 * the first carry no capability we know and are not kept.
 *
 * @param bits the first capability word, bit n set for capability n
 */
public record UsbRedirCaps(int bits) {

  /** No capability at all. */
  public static final UsbRedirCaps NONE = new UsbRedirCaps(0);

  /** A set holding exactly the capabilities {@code caps} (bit numbers, 0 to 31). */
  public static UsbRedirCaps of(int... caps) {
    int bits = 0;
    for (int cap : caps) {
      if (cap < 0 || cap > 31) {
        throw new IllegalArgumentException("capability bit must be 0..31, got " + cap);
      }
      bits |= 1 << cap;
    }
    return new UsbRedirCaps(bits);
  }

  public boolean has(int cap) {
    return cap >= 0 && cap < 32 && (bits & (1 << cap)) != 0;
  }

  @Override
  public String toString() {
    return String.format("caps[0x%08X]", bits);
  }
}
