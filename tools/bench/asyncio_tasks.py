"""The article-style workload of tools/bench/overhead.sh: N asyncio tasks
that all sleep at once, as in the articles that measure what a million
concurrent tasks cost. Usage: asyncio_tasks.py [N [SECONDS]] (defaults
100000 and 1)."""
import asyncio
import sys


def parse(arg, what, lo, hi, conv):
    try:
        value = conv(arg)
    except ValueError:
        value = None
    if value is None or not lo <= value <= hi or arg.strip() != arg:
        print(f"asyncio_tasks: invalid {what} '{arg}'", file=sys.stderr)
        sys.exit(2)
    return value


async def main(n, seconds):
    await asyncio.gather(*(asyncio.sleep(seconds) for _ in range(n)))


if __name__ == "__main__":
    if len(sys.argv) > 3:
        print("usage: asyncio_tasks.py [N [SECONDS]]", file=sys.stderr)
        sys.exit(2)
    n = parse(sys.argv[1], "task count", 1, 10_000_000, int) \
        if len(sys.argv) > 1 else 100_000
    secs = parse(sys.argv[2], "sleep time in seconds", 0, 3600, float) \
        if len(sys.argv) > 2 else 1.0
    asyncio.run(main(n, secs))
