package io.vcanokey.usb.ctaphid;

/** The status byte of a CTAPHID_KEEPALIVE message (CTAP 2.1, section 11.2.9.1.7). */
public enum KeepaliveStatus {
  /** STATUS_PROCESSING: the authenticator is still working on the request. */
  PROCESSING(0x01),
  /** STATUS_UPNEEDED: the authenticator waits for the user to touch it. */
  UP_NEEDED(0x02);

  private final int code;

  KeepaliveStatus(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
