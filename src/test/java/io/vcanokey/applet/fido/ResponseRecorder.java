package io.vcanokey.applet.fido;

import java.util.ArrayList;
import java.util.List;

/** A transport stand-in for tests: keeps every answer and every progress report it is given. */
public final class ResponseRecorder implements FidoResponder {

  /** The answers, in order; a request completes exactly once. */
  public final List<byte[]> responses = new ArrayList<>();

  /** "up" for each awaitingUserPresence, "processing" for each processing, in order. */
  public final List<String> progress = new ArrayList<>();

  @Override
  public void respond(byte[] response) {
    responses.add(response);
  }

  @Override
  public void awaitingUserPresence() {
    progress.add("up");
  }

  @Override
  public void processing() {
    progress.add("processing");
  }
}
