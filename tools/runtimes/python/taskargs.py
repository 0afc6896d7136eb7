"""The "N SECONDS" arguments of the Python workloads, checked strictly."""
import sys

MAX_TASKS = 10_000_000
MAX_SECONDS = 86_400


def parse(arg, what, lo, hi):
    if not (arg.isascii() and arg.isdigit()) or not lo <= int(arg) <= hi:
        print(f"tasks: invalid {what} '{arg}' "
              f"(want an integer from {lo} to {hi})", file=sys.stderr)
        sys.exit(2)
    return int(arg)


def parse_args(name):
    """(N, seconds) from sys.argv; exits 2 with a message if they are bad."""
    if len(sys.argv) != 3:
        print(f"usage: {name} N SECONDS", file=sys.stderr)
        sys.exit(2)
    return (parse(sys.argv[1], "task count", 1, MAX_TASKS),
            parse(sys.argv[2], "sleep seconds", 0, MAX_SECONDS))
