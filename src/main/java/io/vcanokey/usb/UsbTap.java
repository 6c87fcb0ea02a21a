package io.vcanokey.usb;

/**
 * Observes every USB transfer a transport carries to or from the device, in the submit/complete
 * shape of Linux usbmon: the pcap capture implements it. Transports call it on the key thread.
 *
 * <p>Status values are Linux errno codes as usbmon records them: 0 success, {@link #STATUS_STALL}
 * for a stall, {@link #STATUS_CANCELLED} for a cancelled transfer.
 */
public interface UsbTap {

  int STATUS_OK = 0;
  int STATUS_STALL = -32; // -EPIPE
  int STATUS_CANCELLED = -104; // -ECONNRESET
  int STATUS_ERROR = -71; // -EPROTO

  /** A tap that records nothing. */
  UsbTap NONE =
      new UsbTap() {
        @Override
        public void submit(
            long id, TransferType type, int endpoint, SetupPacket setup, byte[] data, int length) {}

        @Override
        public void complete(long id, TransferType type, int endpoint, int status, byte[] data) {}
      };

  /**
   * The host submitted a transfer.
   *
   * @param id identifies the transfer; the matching {@link #complete} call uses the same id
   * @param type transfer type
   * @param endpoint endpoint address, 0x80 set for IN (0x80 or 0x00 for control)
   * @param setup the SETUP packet of a control transfer, else null
   * @param data OUT data carried by the submission; empty for IN transfers
   * @param length bytes requested (IN) or sent (OUT)
   */
  void submit(long id, TransferType type, int endpoint, SetupPacket setup, byte[] data, int length);

  /**
   * The device completed a transfer.
   *
   * @param data IN data returned to the host; empty for OUT transfers
   */
  void complete(long id, TransferType type, int endpoint, int status, byte[] data);
}
