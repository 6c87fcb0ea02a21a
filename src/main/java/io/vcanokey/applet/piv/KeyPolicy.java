package io.vcanokey.applet.piv;

/**
 * PIN and touch policy values of a key (Yubico PIV extensions, tags AA and AB in GENERATE and
 * IMPORT, and the second field of GET METADATA): 0 means the slot's default.
 */
final class KeyPolicy {

  static final int DEFAULT = 0x00;

  /** PIN policies: no PIN; the PIN once per session; the PIN right before every use. */
  static final int PIN_NEVER = 0x01;

  static final int PIN_ONCE = 0x02;
  static final int PIN_ALWAYS = 0x03;

  /** Touch policies: never; every use; one touch covers {@value #TOUCH_CACHE_SECONDS} s. */
  static final int TOUCH_NEVER = 0x01;

  static final int TOUCH_ALWAYS = 0x02;
  static final int TOUCH_CACHED = 0x03;

  static final int TOUCH_CACHE_SECONDS = 15;

  private KeyPolicy() {}

  static boolean validPin(int policy) {
    return policy >= DEFAULT && policy <= PIN_ALWAYS;
  }

  static boolean validTouch(int policy) {
    return policy >= DEFAULT && policy <= TOUCH_CACHED;
  }
}
