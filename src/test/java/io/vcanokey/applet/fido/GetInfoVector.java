package io.vcanokey.applet.fido;

/**
 * The authenticatorGetInfo body this key must return, assembled by hand, item by item, from CTAP
 * 2.1 section 6.4 (member keys and types), section 8 (canonical CBOR: shortest forms, map keys
 * sorted by major type, then length, then bytes) and inventory 3.3 (values), with the options and
 * transports chosen in FidoHandler's class comment. RFC 8949 section 3 gives the CBOR heads.
 */
final class GetInfoVector {

  private GetInfoVector() {}

  static final String BODY =
      "AD" // map, 13 entries
          // 0x01 versions: ["U2F_V2", "FIDO_2_0", "FIDO_2_1"]
          + "01 83"
          + "66 5532465F5632"
          + "68 4649444F5F325F30"
          + "68 4649444F5F325F31"
          // 0x02 extensions: ["credBlob", "credProtect", "hmac-secret", "largeBlobKey"]
          + "02 84"
          + "68 63726564426C6F62"
          + "6B 6372656450726F74656374"
          + "6B 686D61632D736563726574"
          + "6C 6C61726765426C6F624B6579"
          // 0x03 aaguid: 16-byte string 244eb29e-e090-4e49-81fe-1f20f8d3b8f4
          + "03 50 244EB29EE0904E4981FE1F20F8D3B8F4"
          // 0x04 options, keys by length then bytes: rk, credMgmt, largeBlobs, pinUvAuthToken,
          // makeCredUvNotRqd; rk and credMgmt true (F5: discoverable credentials and their
          // management work), the others false (F4)
          + "04 A5"
          + "62 726B F5"
          + "68 637265644D676D74 F5"
          + "6A 6C61726765426C6F6273 F4"
          + "6E 70696E557641757468546F6B656E F4"
          + "70 6D616B654372656455764E6F74527164 F4"
          // 0x05 maxMsgSize 1300 = 0x0514: uint16 head 19
          + "05 19 0514"
          // 0x06 pinUvAuthProtocols [1, 2]
          + "06 82 01 02"
          // 0x07 maxCredentialCountInList 8
          + "07 08"
          // 0x08 maxCredentialIdLength 70 = 0x46: uint8 head 18
          + "08 18 46"
          // 0x09 transports ["usb"]
          + "09 81 63 757362"
          // 0x0A algorithms [{"alg": -7, "type": "public-key"}, {"alg": -8, ...}]; -7 = 0x26,
          // -8 = 0x27 (negative integers encode -1 - n)
          + "0A 82"
          + "A2 63 616C67 26 64 74797065 6A 7075626C69632D6B6579"
          + "A2 63 616C67 27 64 74797065 6A 7075626C69632D6B6579"
          // 0x0B maxSerializedLargeBlobArray 4096 = 0x1000
          + "0B 19 1000"
          // 0x0E firmwareVersion 201 = 0xC9
          + "0E 18 C9"
          // 0x0F maxCredBlobLength 32 = 0x20
          + "0F 18 20";
}
