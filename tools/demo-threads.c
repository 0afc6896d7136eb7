/*
 * demo-threads: N threads with the default pthread stack, all alive at the
 * same time, so taskmem's thread counts can be checked against N + 1.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define THREADS_DEFAULT	10000L
#define THREADS_MAX	1000000L
#define SECONDS_DEFAULT	2L
#define SECONDS_MAX	3600L

static const char usage_text[] =
	"usage: demo-threads [N [SECONDS]]\n"
	"N threads (1..1000000, default 10000) each sleep SECONDS (0..3600,\n"
	"default 2) once all of them have started.\n";

static pthread_barrier_t all_started;
static long sleep_s = SECONDS_DEFAULT;

static long parse_num(const char *s, const char *what, long lo, long hi)
{
	char *end;
	long v;

	/* strtol alone accepts " 5", "+5" and "-0": we want plain digits */
	if (!isdigit((unsigned char)s[0]))
		goto bad;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		goto bad;
	return v;
bad:
	fprintf(stderr, "demo-threads: invalid %s '%s'\n%s", what, s,
		usage_text);
	exit(2);
}

static void *sleeper(void *unused)
{
	struct timespec ts = { sleep_s, 0 };

	(void)unused;
	/* nobody starts the clock before everybody exists */
	pthread_barrier_wait(&all_started);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	return NULL;
}

int main(int argc, char **argv)
{
	long n = THREADS_DEFAULT;
	pthread_t *threads;
	int err;

	if (argc > 3) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (argc > 1)
		n = parse_num(argv[1], "thread count", 1, THREADS_MAX);
	if (argc > 2)
		sleep_s = parse_num(argv[2], "sleep time in seconds", 0,
				    SECONDS_MAX);

	threads = calloc(n, sizeof(*threads));
	if (!threads) {
		fprintf(stderr, "demo-threads: cannot allocate %ld thread ids: %s\n",
			n, strerror(errno));
		return 1;
	}
	/* n + 1: main waits too, so it knows when all n are alive at once */
	err = pthread_barrier_init(&all_started, NULL, n + 1);
	if (err) {
		fprintf(stderr, "demo-threads: cannot create barrier: %s\n",
			strerror(err));
		return 1;
	}
	for (long i = 0; i < n; i++) {
		err = pthread_create(&threads[i], NULL, sleeper, NULL);
		if (err) {
			/* exit() ends the threads stuck at the barrier too */
			fprintf(stderr,
				"demo-threads: cannot create thread %ld of %ld: %s\n",
				i + 1, n, strerror(err));
			exit(1);
		}
	}
	pthread_barrier_wait(&all_started);
	for (long i = 0; i < n; i++) {
		err = pthread_join(threads[i], NULL);
		if (err) {
			fprintf(stderr, "demo-threads: cannot join thread %ld: %s\n",
				i + 1, strerror(err));
			return 1;
		}
	}
	free(threads);
	return 0;
}
