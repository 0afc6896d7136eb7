"""N threading.Thread objects with the default stack, all started at once,
each sleeping S seconds once all have started (so that N are alive together
even where creating them takes longer than S); the main thread joins them
all.
Usage: threads.py N S"""
import os
import sys

from taskargs import parse_args
import threading
import time

def main(n, seconds):
    all_started = threading.Barrier(n + 1)

    def sleeper():
        all_started.wait()
        time.sleep(seconds)

    threads = []
    for i in range(n):
        t = threading.Thread(target=sleeper)
        try:
            t.start()
        except RuntimeError as e:  # "can't start new thread"
            print(f"tasks: cannot create thread {i + 1} of {n}: {e}",
                  file=sys.stderr)
            # os._exit: a normal exit would wait for the started threads.
            sys.stderr.flush()
            os._exit(1)
        threads.append(t)
    all_started.wait()
    for t in threads:
        t.join()


if __name__ == "__main__":
    count, secs = parse_args("threads.py")
    main(count, secs)
