// N POSIX threads with the default stack, all started at once, each
// sleeping S seconds once all have started (so that N are alive together
// even where creating them takes longer than S); main joins them all.
// Usage: tasks N S
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include "../c-args.h"
#include <string.h>
#include <time.h>



static pthread_barrier_t all_started;

static void *sleeper(void *arg)
{
	struct timespec left = { .tv_sec = *(const long *)arg };

	pthread_barrier_wait(&all_started);

	// nanosleep writes the remaining time back, so a signal only shortens
	// one call, not the whole sleep.
	while (nanosleep(&left, &left) && errno == EINTR)
		;
	return NULL;
}

int main(int argc, char **argv)
{
	static long seconds;
	pthread_t *threads;
	long n, i;
	int err;

	parse_args(argc, argv, &n, &seconds);

	threads = calloc(n, sizeof(*threads));
	if (!threads) {
		fprintf(stderr, "tasks: cannot allocate %ld thread ids\n", n);
		return 1;
	}
	err = pthread_barrier_init(&all_started, NULL, n + 1);
	if (err) {
		fprintf(stderr, "tasks: cannot create a barrier: %s\n",
			strerror(err));
		return 1;
	}
	for (i = 0; i < n; i++) {
		err = pthread_create(&threads[i], NULL, sleeper, &seconds);
		if (err) {
			fprintf(stderr, "tasks: cannot create thread %ld of %ld: %s\n",
				i + 1, n, strerror(err));
			return 1;
		}
	}
	pthread_barrier_wait(&all_started);
	for (i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	return 0;
}
