package io.vcanokey.applet.piv;

import static io.vcanokey.applet.piv.PivApplet.TAG_CHALLENGE;
import static io.vcanokey.applet.piv.PivApplet.TAG_DYNAMIC_AUTHENTICATION_TEMPLATE;
import static io.vcanokey.applet.piv.PivApplet.TAG_EXPONENTIATION;
import static io.vcanokey.applet.piv.PivApplet.TAG_RESPONSE;
import static io.vcanokey.applet.piv.PivApplet.TAG_WITNESS;

import io.vcanokey.core.apdu.BerTlv;
import io.vcanokey.core.apdu.StatusException;
import io.vcanokey.core.apdu.StatusWords;

/**
 * The dynamic authentication template 7C of GENERAL AUTHENTICATE (NIST SP 800-73-4 part 2, 3.2.4,
 * table 7), decoded: 80 witness, 81 challenge, 82 response and 85 exponentiation, each at most once
 * and each null when absent. Any other tag, a repetition or bytes after the template answer 6A80.
 */
record AuthenticationTemplate(byte[] witness, byte[] challenge, byte[] response, byte[] exponent) {

  static AuthenticationTemplate decode(byte[] data) {
    BerTlv.Element outer = BerTlv.decodeSingle(data);
    if (outer.tag() != TAG_DYNAMIC_AUTHENTICATION_TEMPLATE) {
      throw new StatusException(StatusWords.SW_WRONG_DATA);
    }
    byte[][] items = new byte[4][];
    for (BerTlv.Element e : BerTlv.decodeAll(outer.value())) {
      int index =
          switch (e.tag()) {
            case TAG_WITNESS -> 0;
            case TAG_CHALLENGE -> 1;
            case TAG_RESPONSE -> 2;
            case TAG_EXPONENTIATION -> 3;
            default -> throw new StatusException(StatusWords.SW_WRONG_DATA);
          };
      if (items[index] != null) {
        throw new StatusException(StatusWords.SW_WRONG_DATA);
      }
      items[index] = e.value();
    }
    return new AuthenticationTemplate(items[0], items[1], items[2], items[3]);
  }

  static boolean empty(byte[] item) {
    return item != null && item.length == 0;
  }

  static boolean full(byte[] item) {
    return item != null && item.length > 0;
  }
}
