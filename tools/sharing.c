/*
 * sharing: workloads whose pages are shared between processes in a known
 * way, the ground truth of unique memory (tests/integration/test_unique.sh).
 * Pages are touched one byte per page.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define PROG "sharing"
static const char usage_text[] =
	"usage: sharing cow MIB N HOLD_MS\n"
	"       sharing memfd MIB N HOLD_MS\n"
	"       sharing sleepers N SECS\n"
	"       sharing coldread PATH HOLD_MS\n"
	"cow: the parent touches MIB MiB, then forks N children that only\n"
	"read it; all hold HOLD_MS. memfd: the parent fills a memfd of MIB MiB,\n"
	"N children map it and read it, all hold HOLD_MS. sleepers: N children\n"
	"exec 'sleep SECS' at once. coldread: drop PATH from the page cache\n"
	"(fsync, posix_fadvise DONTNEED), read it through read(), hold HOLD_MS.\n";
#include "numarg.h"

#define MIB (1024UL * 1024UL)
#define PAGE 4096UL

static void die(const char *what)
{
	fprintf(stderr, PROG ": %s: %s\n", what, strerror(errno));
	exit(1);
}

static void hold(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Read one byte a page: the sum keeps the compiler from dropping it. */
static unsigned long read_pages(const volatile char *p, size_t len)
{
	unsigned long sum = 0;
	size_t i;

	for (i = 0; i < len; i += PAGE)
		sum += p[i];
	return sum;
}

static void touch_pages(volatile char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += PAGE)
		p[i] = 1;
}

static int wait_all(void)
{
	int status, bad = 0;

	while (wait(&status) > 0)
		bad |= !WIFEXITED(status) || WEXITSTATUS(status);
	return bad;
}

/* N children that run fn(arg, hold_ms) and exit 0 */
static void fork_n(long n, void (*fn)(void *, long), void *arg, long hold_ms)
{
	long i;

	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			fn(arg, hold_ms);
			_exit(0);
		}
	}
}

struct region {
	char *p;
	size_t len;
	int fd;
};

static void cow_child(void *arg, long hold_ms)
{
	struct region *r = arg;

	if (read_pages(r->p, r->len) != r->len / PAGE)
		_exit(1);
	hold(hold_ms);
}

static int cmd_cow(long mib, long n, long hold_ms)
{
	struct region r = { .len = mib * MIB };

	r.p = mmap(NULL, r.len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r.p == MAP_FAILED)
		die("mmap");
	touch_pages(r.p, r.len);
	fork_n(n, cow_child, &r, hold_ms);
	hold(hold_ms);
	return wait_all();
}

static void memfd_child(void *arg, long hold_ms)
{
	struct region *r = arg;
	char *p = mmap(NULL, r->len, PROT_READ, MAP_SHARED, r->fd, 0);

	if (p == MAP_FAILED || read_pages(p, r->len) != r->len / PAGE)
		_exit(1);
	hold(hold_ms);
}

static int cmd_memfd(long mib, long n, long hold_ms)
{
	struct region r = { .len = mib * MIB };

	r.fd = memfd_create("sharing", MFD_CLOEXEC);
	if (r.fd < 0 || ftruncate(r.fd, r.len))
		die("memfd");
	r.p = mmap(NULL, r.len, PROT_READ | PROT_WRITE, MAP_SHARED, r.fd, 0);
	if (r.p == MAP_FAILED)
		die("mmap");
	touch_pages(r.p, r.len);
	fork_n(n, memfd_child, &r, hold_ms);
	hold(hold_ms);
	return wait_all();
}

static int cmd_sleepers(long n, const char *secs)
{
	long i;

	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			execlp("sleep", "sleep", secs, (char *)NULL);
			_exit(127);
		}
	}
	return wait_all();
}

/* Bytes of fd's first len bytes in the page cache (mincore: no faults). */
static unsigned long cached_bytes(int fd, size_t len)
{
	size_t pages = (len + PAGE - 1) / PAGE, i;
	unsigned long n = 0;
	unsigned char *vec;
	void *p;

	if (!len)
		return 0;
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	vec = malloc(pages);
	if (p == MAP_FAILED || !vec || mincore(p, len, vec))
		die("mincore");
	for (i = 0; i < pages; i++)
		n += vec[i] & 1;
	munmap(p, len);
	free(vec);
	return n * PAGE;
}

static int cmd_coldread(const char *path, long hold_ms)
{
	static char buf[1 << 20];
	unsigned long total = 0;
	struct stat st;
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die(path);
	/* clean pages only leave the cache: written back first */
	if (fsync(fd) || posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED))
		die("drop from the page cache");
	/* what stayed cached is charged elsewhere: the test allows for it */
	if (fstat(fd, &st))
		die("fstat");
	printf("cached_before_bytes %lu\n", cached_bytes(fd, st.st_size));
	while ((got = read(fd, buf, sizeof(buf))) > 0)
		total += got;
	if (got < 0)
		die("read");
	printf("read_bytes %lu\n", total);
	fflush(stdout);
	hold(hold_ms);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "cow") && argc == 5)
		return cmd_cow(parse_num(argv[2], "MIB", 1, 65536),
			       parse_num(argv[3], "N", 1, 1000),
			       parse_num(argv[4], "HOLD_MS", 0, 3600000));
	if (!strcmp(cmd, "memfd") && argc == 5)
		return cmd_memfd(parse_num(argv[2], "MIB", 1, 65536),
				 parse_num(argv[3], "N", 1, 1000),
				 parse_num(argv[4], "HOLD_MS", 0, 3600000));
	if (!strcmp(cmd, "sleepers") && argc == 4) {
		parse_num(argv[3], "SECS", 0, 3600);
		return cmd_sleepers(parse_num(argv[2], "N", 1, 10000), argv[3]);
	}
	if (!strcmp(cmd, "coldread") && argc == 4)
		return cmd_coldread(argv[2],
				    parse_num(argv[3], "HOLD_MS", 0, 3600000));
	bad_usage("unknown subcommand or wrong arguments");
}
