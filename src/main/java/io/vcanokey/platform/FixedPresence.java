package io.vcanokey.platform;

/** A user-presence service with a fixed answer: {@code --touch auto} or {@code --touch deny}. */
enum FixedPresence implements UserPresence {
  GRANT(true, TouchPolicy.AUTO),
  DENY(false, TouchPolicy.DENY);

  private final boolean answer;
  private final TouchPolicy policy;

  FixedPresence(boolean answer, TouchPolicy policy) {
    this.answer = answer;
    this.policy = policy;
  }

  @Override
  public boolean confirm(String purpose) {
    return answer;
  }

  @Override
  public TouchPolicy policy() {
    return policy;
  }
}
