package io.vcanokey.platform;

/** How the key answers a request for user presence: the values of {@code --touch}. */
public enum TouchPolicy {
  /** Every touch request is granted at once. */
  AUTO,
  /** Every touch request is refused at once. */
  DENY,
  /** Every touch request is asked on the terminal and refused after a timeout. */
  PROMPT
}
