#!/bin/sh
# The inner end of the board's serial line. socat holds the pty (and its stable link) for the
# whole life of the board and runs this with the pty on stdin/stdout; this connects that to
# qemu's serial socket again after every qemu restart (a "reboot"), so a terminal open on the
# link keeps working across reboots. qemu waits for this connection before it runs (wait=on), so
# nothing u-boot prints is lost. SIM_BOARD_SERIAL_SOCKET names the socket.
while :; do
  socat - "UNIX-CONNECT:$SIM_BOARD_SERIAL_SOCKET" 2>/dev/null
  sleep 0.2
done
