package io.vcanokey.core.cbor;

import com.upokecenter.cbor.CBOREncodeOptions;
import com.upokecenter.cbor.CBORException;
import com.upokecenter.cbor.CBORObject;

/**
 * Encodes and decodes CBOR data items in the CTAP2 canonical encoding form (CTAP 2.1, section 8:
 * shortest forms, definite lengths, map keys in canonical order without duplicates, no tags, at
 * most four levels of nesting).
 */
public final class CtapCbor {

  private static final CBOREncodeOptions CTAP2_CANONICAL =
      new CBOREncodeOptions("ctap2canonical=true");

  private CtapCbor() {}

  /**
   * Returns the canonical encoding of {@code item}.
   *
   * @throws IllegalArgumentException if the item cannot be encoded canonically (for example it
   *     nests deeper than CTAP 2.1 allows); that is always a bug in the caller
   */
  public static byte[] encode(CBORObject item) {
    try {
      return item.EncodeToBytes(CTAP2_CANONICAL);
    } catch (CBORException e) {
      throw new IllegalArgumentException("not encodable as CTAP2 canonical CBOR: " + item, e);
    }
  }

  /**
   * Decodes one request item, which must be well formed, in the CTAP2 canonical form and alone in
   * {@code encoded} (CTAP 2.1, section 8: a platform sends canonical CBOR, and an authenticator
   * answers anything else with CTAP2_ERR_INVALID_CBOR).
   *
   * @throws IllegalArgumentException if it is not, with the reason
   */
  public static CBORObject decodeCanonical(byte[] encoded) {
    try {
      return CBORObject.DecodeFromBytes(encoded, CTAP2_CANONICAL);
    } catch (CBORException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
