"""N asyncio tasks on one event loop, all created at once, each sleeping S
seconds; asyncio.gather waits for every one.  Usage: asyncio_tasks.py N S"""
import asyncio

from taskargs import parse_args

async def main(n, seconds):
    # create_task schedules every sleep before the first await, so all N
    # run at once; gather only collects them.
    tasks = [asyncio.create_task(asyncio.sleep(seconds)) for _ in range(n)]
    await asyncio.gather(*tasks)


if __name__ == "__main__":
    count, secs = parse_args("asyncio_tasks.py")
    asyncio.run(main(count, secs))
