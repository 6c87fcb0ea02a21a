package io.vcanokey.core.apdu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * A small applet for card OS and CCID tests. INS 01 echoes the data field; INS 02 answers P1P2
 * bytes of 0x5A; INS BB throws a RuntimeException (an applet bug); INS 20 (VERIFY) answers 9000;
 * any other INS answers 6D00. SELECT answers the applet's AID and 9000, or {@link #refuseSelectSw}
 * when set.
 */
public final class TestApplet implements Applet {

  public static final int INS_ECHO = 0x01;
  public static final int INS_FILL = 0x02;
  public static final int INS_BUG = 0xBB;
  public static final int INS_VERIFY = 0x20;

  private final String name;
  private final byte[] aid;
  public final List<CommandApdu> selects = new ArrayList<>();
  public final List<CommandApdu> processed = new ArrayList<>();
  public int deselects;
  public int refuseSelectSw;
  public int sendRemainingIns = -1;

  public TestApplet(String name, byte[] aid) {
    this.name = name;
    this.aid = aid.clone();
  }

  @Override
  public byte[] aid() {
    return aid.clone();
  }

  @Override
  public ResponseApdu select(CommandApdu select) {
    selects.add(select);
    if (refuseSelectSw != 0) {
      throw new StatusException(refuseSelectSw);
    }
    return ResponseApdu.success(aid);
  }

  @Override
  public ResponseApdu process(CommandApdu command) {
    processed.add(command);
    switch (command.ins()) {
      case INS_ECHO:
        return ResponseApdu.success(command.data());
      case INS_FILL:
        byte[] fill = new byte[command.p1() << 8 | command.p2()];
        Arrays.fill(fill, (byte) 0x5A);
        return ResponseApdu.success(fill);
      case INS_BUG:
        throw new IllegalStateException("deliberate bug for the test");
      case INS_VERIFY:
        return ResponseApdu.success();
      default:
        throw new StatusException(StatusWords.SW_INS_NOT_SUPPORTED);
    }
  }

  @Override
  public OptionalInt sendRemainingIns() {
    return sendRemainingIns < 0 ? OptionalInt.empty() : OptionalInt.of(sendRemainingIns);
  }

  @Override
  public void deselect() {
    deselects++;
  }

  @Override
  public String name() {
    return name;
  }
}
