/* Throw-away guest-side check for the usbredir transport: HID interrupt echo through hidraw and
 * CCID-interface bulk echo plus a cancelled bulk IN through usbfs. Built static, run in the guest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <time.h>
#include <sys/ioctl.h>
#include <linux/usbdevice_fs.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

static int hid_echo(int rounds) {
  int fd = open("/dev/hidraw0", O_RDWR);
  if (fd < 0) { perror("open hidraw0"); return 1; }
  double t0 = now();
  for (int r = 0; r < rounds; r++) {
    unsigned char out[65], in[64];
    out[0] = 0;
    for (int i = 0; i < 64; i++) out[1 + i] = (unsigned char)(r + i);
    if (write(fd, out, 65) != 65) { perror("hid write"); return 1; }
    int n = read(fd, in, 64);
    if (n != 64 || memcmp(in, out + 1, 64) != 0) { printf("HID round %d: read %d, mismatch\n", r, n); return 1; }
  }
  printf("HID echo: %d reports of 64 bytes each way OK, %.1f ms per round trip\n", rounds, (now() - t0) * 1000 / rounds);
  close(fd);
  return 0;
}

static int bulk_echo(const char *path, int settle_ms) {
  int fd = open(path, O_RDWR);
  if (fd < 0) { perror(path); return 1; }
  unsigned int intf = 2;
  if (ioctl(fd, USBDEVFS_CLAIMINTERFACE, &intf) < 0) { perror("claim"); return 1; }
  int sizes[] = {1, 63, 64, 100, 1352};
  for (unsigned k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    int len = sizes[k];
    unsigned char out[2048], in[65536];
    for (int i = 0; i < len; i++) out[i] = (unsigned char)(i * 7 + k);
    struct usbdevfs_bulktransfer bo = {.ep = 0x02, .len = len, .timeout = 5000, .data = out};
    int w = ioctl(fd, USBDEVFS_BULK, &bo);
    if (w != len) { printf("bulk out %d: %d errno %d\n", len, w, errno); return 1; }
    int got = 0;
    /* A reply that is a whole number of 64-byte packets arrives without a short packet; read until
       all bytes are in. */
    while (got < len) {
      struct usbdevfs_bulktransfer bi = {.ep = 0x82, .len = sizeof in, .timeout = 5000, .data = in + got};
      bi.len = sizeof in - got;
      int r = ioctl(fd, USBDEVFS_BULK, &bi);
      if (r < 0) { printf("bulk in after %d: errno %d\n", len, errno); return 1; }
      got += r;
    }
    if (got != len || memcmp(in, out, len) != 0) { printf("bulk echo %d: got %d mismatch\n", len, got); return 1; }
    printf("bulk echo %d bytes OK\n", len);
  }
  /* A bulk IN with nothing to read, then discarded; then an echo must still work. Ten rounds,
     optionally letting the host controller settle after the discard. */
  int ok = 0;
  for (int round = 0; round < 10; round++) {
    static unsigned char buf[512];
    struct usbdevfs_urb urb;
    memset(&urb, 0, sizeof urb);
    urb.type = USBDEVFS_URB_TYPE_BULK; urb.endpoint = 0x82; urb.buffer = buf; urb.buffer_length = sizeof buf;
    if (ioctl(fd, USBDEVFS_SUBMITURB, &urb) < 0) { perror("submiturb"); return 1; }
    usleep(50000);
    if (ioctl(fd, USBDEVFS_DISCARDURB, &urb) < 0) { perror("discardurb"); return 1; }
    struct usbdevfs_urb *done = NULL;
    if (ioctl(fd, USBDEVFS_REAPURB, &done) < 0) { perror("reapurb"); return 1; }
    if (settle_ms) usleep(settle_ms * 1000);
    unsigned char ping[5] = {1, 2, 3, 4, (unsigned char)round}, pong[64];
    struct usbdevfs_bulktransfer bo = {.ep = 0x02, .len = 5, .timeout = 1000, .data = ping};
    struct usbdevfs_bulktransfer bi = {.ep = 0x82, .len = 64, .timeout = 1000, .data = pong};
    if (ioctl(fd, USBDEVFS_BULK, &bo) == 5 && ioctl(fd, USBDEVFS_BULK, &bi) == 5 && !memcmp(ping, pong, 5)) ok++;
  }
  printf("bulk IN discard then echo (settle %d ms): %d of 10 OK\n", settle_ms, ok);
  if (ok != 10) return 1;
  close(fd);
  return 0;
}

int main(int argc, char **argv) {
  int rc = hid_echo(50);
  if (argc > 1) rc |= bulk_echo(argv[1], argc > 2 ? atoi(argv[2]) : 0);
  printf("URCHECK %s\n", rc ? "FAILED" : "PASSED");
  return rc;
}
