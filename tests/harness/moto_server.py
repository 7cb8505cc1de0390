"""Runs a moto server on 127.0.0.1 for one test run and stops by itself.

Prints one JSON line {"port": N} on stdout once it accepts connections, then serves until its
stdin closes (the parent test process ended or closed the pipe) or it receives SIGTERM. Watching
stdin means an emulator never outlives the test that started it, even if that test crashed.
MOTO_PATCHES (comma-separated names of moto_patches.py) applies emulator patches before it starts.
"""

import json
import os
import signal
import sys
import threading

from moto.server import ThreadedMotoServer

import moto_patches


def main() -> None:
    moto_patches.apply([n for n in os.environ.get("MOTO_PATCHES", "").split(",") if n])
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=int(os.environ.get("MOTO_PORT", "0")), verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    def watch_stdin() -> None:
        sys.stdin.read()
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    print(json.dumps({"port": port}), flush=True)
    stop.wait()
    server.stop()


if __name__ == "__main__":
    main()
