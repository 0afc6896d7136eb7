"""N threading.Thread objects with the default stack, all started at once,
each sleeping S seconds; the main thread joins them all.
Usage: threads.py N S"""
import os
import sys

from taskargs import parse_args
import threading
import time

def main(n, seconds):
    threads = []
    for i in range(n):
        t = threading.Thread(target=time.sleep, args=(seconds,))
        try:
            t.start()
        except RuntimeError as e:  # "can't start new thread"
            print(f"tasks: cannot create thread {i + 1} of {n}: {e}",
                  file=sys.stderr)
            # os._exit: a normal exit would wait for the started threads.
            sys.stderr.flush()
            os._exit(1)
        threads.append(t)
    for t in threads:
        t.join()


if __name__ == "__main__":
    count, secs = parse_args("threads.py")
    main(count, secs)
