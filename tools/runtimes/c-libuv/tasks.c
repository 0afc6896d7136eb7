// N libuv timers, all started at once on one event loop, each firing
// after S seconds; the loop runs until every timer has fired.
// Usage: tasks N S
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "../c-args.h"
#include <uv.h>


static long fired;


static void on_timeout(uv_timer_t *timer)
{
	fired++;
	// Closing lets uv_loop_close succeed once the loop has drained.
	uv_close((uv_handle_t *)timer, NULL);
}

int main(int argc, char **argv)
{
	uv_loop_t *loop = uv_default_loop();
	uv_timer_t *timers;
	long n, seconds, i;
	int err;

	parse_args(argc, argv, &n, &seconds);

	timers = calloc(n, sizeof(*timers));
	if (!timers) {
		fprintf(stderr, "tasks: cannot allocate %ld timers\n", n);
		return 1;
	}
	for (i = 0; i < n; i++) {
		uv_timer_init(loop, &timers[i]);
		err = uv_timer_start(&timers[i], on_timeout, seconds * 1000, 0);
		if (err) {
			fprintf(stderr, "tasks: cannot start timer %ld of %ld: %s\n",
				i + 1, n, uv_strerror(err));
			return 1;
		}
	}
	uv_run(loop, UV_RUN_DEFAULT);
	if (fired != n) {
		fprintf(stderr, "tasks: cannot wait for all timers: %ld of %ld fired\n",
			fired, n);
		return 1;
	}
	uv_loop_close(loop);
	free(timers);
	return 0;
}
