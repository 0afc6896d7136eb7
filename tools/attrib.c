/*
 * attrib: the ground truth of memory attribution (tests/integration/
 * test_profile.sh). Built -O2 -g without frame pointers, like most code on
 * a distribution, so callers are found only through DWARF CFI.
 *
 *   attrib phases   a child touches 64 MiB and exits; then first_phase()
 *                   touches 200 MiB and frees it, keeper() touches 300 MiB
 *                   and keeps it (the peak), 250 MiB of it is freed and
 *                   after_peak() touches 100 MiB. Every byte goes through
 *                   touch() and libc's memset.
 *   attrib threads N  spawn_threads() creates N threads that all live at
 *                   once, then ends them.
 *   attrib sparse MIB  sparse_toucher() touches one page every 2 MiB of a
 *                   MIB-sized mapping: a page-table page per touch (4 KiB
 *                   of kernel memory for 4 KiB of RSS), kept to the end.
 *   attrib kernel MIB  pages the kernel faults in for a syscall:
 *                   populate_mapping() maps MIB MiB with MAP_POPULATE,
 *                   then read_into() reads MIB MiB (of a sparse memfd)
 *                   into a fresh mapping; both kept to the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define MIB (1024UL * 1024UL)
/* above glibc's largest mmap threshold: every block is its own mapping */
#define BLOCK (50 * MIB)
#define CHILD_MIB 64
#define THREADS_MAX 10000

static const char usage_text[] =
	"usage: attrib phases | attrib threads N | attrib sparse MIB | attrib kernel MIB\n";

#define PROG "attrib"
#include "numarg.h"

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "attrib: cannot %s: %s\n", what, strerror(errno));
	exit(1);
}

/* The shared helper: every byte is touched here, through memset. */
static __attribute__((noinline)) char *touch(size_t len)
{
	char *p = malloc(len);

	if (!p)
		die("allocate memory");
	memset(p, 0x5a, len);
	return p;
}

static __attribute__((noinline)) void first_phase(void)
{
	char *b[4];
	int i;

	for (i = 0; i < 4; i++)
		b[i] = touch(BLOCK);
	for (i = 0; i < 4; i++)
		free(b[i]);
}

static char *kept[6];

static __attribute__((noinline)) void keeper(void)
{
	int i;

	for (i = 0; i < 6; i++)
		kept[i] = touch(BLOCK);
}

static __attribute__((noinline)) void after_peak(void)
{
	char *b[2];
	int i;

	for (i = 0; i < 2; i++)
		b[i] = touch(BLOCK);
	for (i = 0; i < 2; i++)
		free(b[i]);
}

static __attribute__((noinline)) void child_alloc(void)
{
	char *p = touch(CHILD_MIB * MIB);

	/* keep the compiler from dropping the touch */
	if (p[CHILD_MIB * MIB - 1] != 0x5a)
		exit(2);
	_exit(0);
}

static void run_child(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (!pid)
		child_alloc();
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		die("run the child");
}

static int phases(void)
{
	int i;

	run_child();
	first_phase();
	keeper();
	for (i = 1; i < 6; i++)
		free(kept[i]);
	after_peak();
	free(kept[0]);
	return 0;
}

static pthread_barrier_t all_up;

static void *thread_main(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&all_up);
	return NULL;
}

static __attribute__((noinline)) void spawn_threads(long n, pthread_t *t)
{
	pthread_attr_t attr;
	long i;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (i = 0; i < n; i++) {
		errno = pthread_create(&t[i], &attr, thread_main, NULL);
		if (errno)
			die("create a thread");
	}
	pthread_attr_destroy(&attr);
}

static int threads(long n)
{
	pthread_t *t = calloc(n, sizeof(*t));
	long i;

	if (!t)
		die("allocate memory");
	pthread_barrier_init(&all_up, NULL, n + 1);
	spawn_threads(n, t);
	pthread_barrier_wait(&all_up);
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	free(t);
	return 0;
}

static __attribute__((noinline)) void sparse_toucher(size_t mib)
{
	/* aligned to 2 MiB, so that each touch needs a page-table page */
	size_t len = (mib + 2) * MIB, off;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *a;

	if (p == MAP_FAILED)
		die("map the sparse region");
	a = (char *)(((unsigned long)p + 2 * MIB - 1) & ~(2 * MIB - 1));
	/* no transparent huge page: a touch must fault one 4 KiB page */
	madvise(a, mib * MIB, MADV_NOHUGEPAGE);
	for (off = 0; off < mib * MIB; off += 2 * MIB)
		*(volatile char *)(a + off) = 1;
}

static __attribute__((noinline)) void populate_mapping(size_t len)
{
	if (mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0) == MAP_FAILED)
		die("map with MAP_POPULATE");
}

static __attribute__((noinline)) void read_into(size_t len)
{
	char *buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = memfd_create("attrib", 0);
	size_t done = 0;
	ssize_t n;

	if (buf == MAP_FAILED || fd < 0 || ftruncate(fd, len))
		die("make the buffer and the file to read");
	while (done < len && (n = read(fd, buf + done, len - done)) > 0)
		done += n;
	if (done < len)
		die("read the file");
	close(fd);
}

static int kernel_faults(size_t mib)
{
	populate_mapping(mib * MIB);
	read_into(mib * MIB);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "phases"))
		return phases();
	if (argc == 3 && !strcmp(argv[1], "threads"))
		return threads(parse_num(argv[2], "number of threads", 1,
					 THREADS_MAX));
	if (argc == 3 && !strcmp(argv[1], "sparse")) {
		sparse_toucher(parse_num(argv[2], "MiB", 2, 65536));
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "kernel"))
		return kernel_faults(parse_num(argv[2], "MiB", 1, 65536));
	fputs(usage_text, stderr);
	return 2;
}
