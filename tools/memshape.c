/*
 * memshape: workloads with exactly known memory shapes, so taskmem's
 * numbers can be checked against what we know was done. Each subcommand
 * builds one shape and exits. Pages are touched one byte per page, which
 * makes the resident size equal to the mapped size.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MIB		(1024UL * 1024UL)
/* 64 GiB, or less where size_t could not hold twice that */
#define MIB_MAX		((long)(SIZE_MAX / MIB / 2 < 65536 ? \
				SIZE_MAX / MIB / 2 : 65536))
#define HOLD_MS_MAX	3600000L
#define HOLD_MS_DEFAULT	200L
#define CHILDREN_MAX	10000L
#define SPAWN_MAX	1000000L
#define CLONE_STACK	(256 * 1024)

static const char usage_text[] =
	"usage: memshape anon MIB [HOLD_MS]\n"
	"       memshape anon-pte MIB [HOLD_MS]\n"
	"       memshape children N MIB HOLD_MS parallel|serial\n"
	"       memshape sharedvm MIB [HOLD_MS]\n"
	"       memshape vfork\n"
	"       memshape daemon MIB HOLD_MS\n"
	"       memshape shmem MIB [HOLD_MS]\n"
	"       memshape file MIB PATH [HOLD_MS]\n"
	"       memshape spawn N\n"
	"       memshape exit CODE\n"
	"       memshape kill SIG\n"
	"       memshape fork-touch MIB_PARENT MIB_CHILD HOLD_MS\n"
	"       memshape hold-fork MIB_PARENT WAIT_MS MIB_CHILD HOLD_MS\n"
	"       memshape peaks MIB1 MIB2 HOLD_MS\n"
	"       memshape vm mmap|brk|mremap MIB\n"
	"       memshape name NAME\n"
	"MIB is in MiB (1..65536; 0 allowed for fork-touch and hold-fork),\n"
	"HOLD_MS and WAIT_MS in milliseconds (0..3600000, default 200), N\n"
	"1..10000 for children and 1..1000000 for spawn, CODE 0..255, SIG a\n"
	"signal number. name: the process names itself NAME (prctl, any\n"
	"bytes, cut at 15) and forks a child that inherits the name and exits.\n";

#define PROG "memshape"
#include "numarg.h"

static size_t page_size;
/* volatile, so the page reads in map_file() cannot be optimised away */
static volatile unsigned long page_sum;

/* Prints "memshape: cannot <what>: <errno text>" and returns -1. */
static int __attribute__((format(printf, 1, 2))) complain(const char *fmt, ...)
{
	int err = errno;
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	/* one fprintf is one write: children failing together do not interleave */
	fprintf(stderr, "memshape: cannot %s: %s\n", what, strerror(err));
	return -1;
}

/*
 * _exit rather than exit: in a CLONE_VM child, exit would run the parent's
 * atexit handlers and flush the parent's stdio buffers in the shared mm.
 */
#define die(...)	do { complain(__VA_ARGS__); _exit(1); } while (0)

static long parse_mib(const char *s, long lo)
{
	return parse_num(s, "size in MiB", lo, MIB_MAX);
}

static long parse_ms(const char *s)
{
	return parse_num(s, "hold time in ms", 0, HOLD_MS_MAX);
}

static void touch(char *p, size_t len)
{
	volatile char *v = p;
	size_t off;

	for (off = 0; off < len; off += page_size)
		v[off] = 1;
}

/* Maps and touches @mib MiB of private anonymous memory; NULL when 0. */
static char *map_touch(long mib)
{
	size_t len = (size_t)mib * MIB;
	char *p;

	if (!len)
		return NULL;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("map %ld MiB of anonymous memory", mib);
	touch(p, len);
	return p;
}

static void unmap(char *p, long mib)
{
	if (p && munmap(p, (size_t)mib * MIB))
		die("unmap %ld MiB", mib);
}

static void hold(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Waits for @pid; returns 0 only if it exited with status 0. */
static int reap(pid_t pid)
{
	int status;

	/* __WALL: a CLONE_VM child is waited for like any other */
	while (waitpid(pid, &status, __WALL) < 0)
		if (errno != EINTR)
			die("wait for child %d", (int)pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		fprintf(stderr, "memshape: child %d exited with status %d\n",
			(int)pid, WEXITSTATUS(status));
	else
		fprintf(stderr, "memshape: child %d was killed by signal %d\n",
			(int)pid, WTERMSIG(status));
	return -1;
}

static pid_t fork_or_die(const char *what)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork %s", what);
	return pid;
}

static int cmd_anon(int argc, char **argv)
{
	long mib = parse_mib(argv[0], 1);
	long ms = argc > 1 ? parse_ms(argv[1]) : HOLD_MS_DEFAULT;
	char *p;

	p = map_touch(mib);
	hold(ms);
	unmap(p, mib);
	return 0;
}

/* The kernel's size of our page tables (VmPTE), in kB; -1 on failure. */
static long read_vmpte_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f;

	f = fopen("/proc/self/status", "re");
	if (!f) {
		complain("open /proc/self/status");
		return -1;
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPTE: %ld kB", &kb) == 1)
			break;
	fclose(f);
	if (kb < 0)
		fprintf(stderr, "memshape: cannot find VmPTE in /proc/self/status\n");
	return kb;
}

/*
 * Like anon, and prints the page tables the kernel counts for us once
 * every page is touched, as ground truth for taskmem's page-table figure.
 */
static int cmd_anon_pte(int argc, char **argv)
{
	long mib = parse_mib(argv[0], 1);
	long ms = argc > 1 ? parse_ms(argv[1]) : HOLD_MS_DEFAULT;
	char *p;
	long kb;

	p = map_touch(mib);
	kb = read_vmpte_kb();
	if (kb < 0)
		return 1;
	printf("vmpte_kb %ld\n", kb);
	/* the caller may read it while we hold the memory */
	if (fflush(stdout))
		die("write to stdout");
	hold(ms);
	unmap(p, mib);
	return 0;
}

static void __attribute__((noreturn))
parallel_child(const int ready[2], const int release[2], long mib)
{
	char c = 1;

	close(ready[0]);
	/* any write end of release left open here would keep EOF away */
	close(release[1]);
	map_touch(mib);
	if (write(ready[1], &c, 1) != 1)
		die("report ready to parent");
	/* so that a sibling dying early shows up as EOF in the parent */
	close(ready[1]);
	/* the parent closing its write end is the release */
	while (read(release[0], &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

static int children_parallel(long n, long mib, long ms)
{
	int ready[2], release[2];
	long started, nready = 0;
	int ret = 0;
	pid_t *pids;
	ssize_t r;
	char c;

	pids = calloc(n, sizeof(*pids));
	if (!pids)
		die("allocate %ld pids", n);
	if (pipe2(ready, O_CLOEXEC) || pipe2(release, O_CLOEXEC))
		die("create pipe");
	for (started = 0; started < n; started++) {
		pid_t pid = fork();

		if (pid < 0) {
			complain("fork child %ld of %ld", started + 1, n);
			ret = 1;
			break;
		}
		if (pid == 0)
			parallel_child(ready, release, mib);
		pids[started] = pid;
	}
	close(ready[1]);
	/* EOF before all bytes arrived means a child died before touching */
	while (nready < started) {
		r = read(ready[0], &c, 1);
		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			complain("read ready reports");
			break;
		}
		nready++;
	}
	if (!ret && nready == started)
		hold(ms);
	close(release[1]);
	for (long i = 0; i < started; i++)
		if (reap(pids[i]))
			ret = 1;
	free(pids);
	return ret;
}

static int children_serial(long n, long mib, long ms)
{
	int ret = 0;

	for (long i = 0; i < n; i++) {
		pid_t pid = fork_or_die("child");

		if (pid == 0) {
			map_touch(mib);
			hold(ms);
			_exit(0);
		}
		if (reap(pid))
			ret = 1;
	}
	return ret;
}

static int cmd_children(int argc, char **argv)
{
	long n = parse_num(argv[0], "child count", 1, CHILDREN_MAX);
	long mib = parse_mib(argv[1], 1);
	long ms = parse_ms(argv[2]);

	(void)argc;
	if (!strcmp(argv[3], "parallel"))
		return children_parallel(n, mib, ms);
	if (!strcmp(argv[3], "serial"))
		return children_serial(n, mib, ms);
	bad_usage("invalid mode '%s'", argv[3]);
}

struct sharedvm_arg {
	long mib;
	long ms;
};

static int sharedvm_child(void *data)
{
	const struct sharedvm_arg *arg = data;

	/* the mapping stays in the shared mm after we return */
	map_touch(arg->mib);
	hold(arg->ms);
	return 0;
}

static int cmd_sharedvm(int argc, char **argv)
{
	struct sharedvm_arg arg = {
		.mib = parse_mib(argv[0], 1),
		.ms = argc > 1 ? parse_ms(argv[1]) : HOLD_MS_DEFAULT,
	};
	char *stack;
	pid_t pid;
	int ret;

	stack = malloc(CLONE_STACK);
	if (!stack)
		die("allocate clone stack");
	/*
	 * CLONE_VM without CLONE_THREAD: a process of its own (own pid, own
	 * exit status) on the parent's mm. The stack grows down on every
	 * architecture taskmem supports, so pass its top.
	 */
	pid = clone(sharedvm_child, stack + CLONE_STACK, CLONE_VM | SIGCHLD,
		    &arg);
	if (pid < 0)
		die("clone child");
	ret = reap(pid);
	free(stack);
	return ret ? 1 : 0;
}

static int cmd_vfork(int argc, char **argv)
{
	pid_t pid;

	(void)argc;
	(void)argv;
	pid = vfork();
	if (pid < 0)
		die("vfork");
	if (pid == 0) {
		/* nothing but exec and _exit is safe in a vfork child */
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	return reap(pid) ? 1 : 0;
}

static void __attribute__((noreturn)) daemon_grandchild(long mib, long ms)
{
	int null;

	if (setsid() < 0)
		die("start a new session");
	/*
	 * Let go of stdin and stdout as daemons do, so a caller reading our
	 * stdout through a pipe sees EOF when the parent exits rather than
	 * when we do. stderr stays for error messages.
	 */
	null = open("/dev/null", O_RDWR);
	if (null < 0)
		die("open /dev/null");
	if (dup2(null, 0) < 0 || dup2(null, 1) < 0)
		die("redirect stdin and stdout to /dev/null");
	if (null > 1)
		close(null);
	map_touch(mib);
	hold(ms);
	_exit(0);
}

static int cmd_daemon(int argc, char **argv)
{
	long mib = parse_mib(argv[0], 1);
	long ms = parse_ms(argv[1]);
	pid_t child, grandchild;
	int pipefd[2];
	ssize_t r;

	(void)argc;
	if (pipe2(pipefd, O_CLOEXEC))
		die("create pipe");
	child = fork_or_die("child");
	if (child == 0) {
		close(pipefd[0]);
		grandchild = fork_or_die("grandchild");
		if (grandchild == 0) {
			close(pipefd[1]);
			daemon_grandchild(mib, ms);
		}
		/* one write below PIPE_BUF is atomic: no short writes */
		if (write(pipefd[1], &grandchild, sizeof(grandchild)) !=
		    sizeof(grandchild))
			die("pass the grandchild's pid");
		_exit(0);
	}
	close(pipefd[1]);
	while ((r = read(pipefd[0], &grandchild, sizeof(grandchild))) < 0 &&
	       errno == EINTR)
		;
	if (reap(child))
		return 1;
	if (r != sizeof(grandchild)) {
		fprintf(stderr, "memshape: cannot read the grandchild's pid: %s\n",
			r < 0 ? strerror(errno) : "short read");
		return 1;
	}
	printf("%d\n", (int)grandchild);
	return 0;
}

static int cmd_shmem(int argc, char **argv)
{
	long mib = parse_mib(argv[0], 1);
	long ms = argc > 1 ? parse_ms(argv[1]) : HOLD_MS_DEFAULT;
	size_t len = (size_t)mib * MIB;
	char *p;
	int fd;

	fd = memfd_create("memshape", MFD_CLOEXEC);
	if (fd < 0)
		die("create memfd");
	if (ftruncate(fd, len))
		die("resize memfd to %ld MiB", mib);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("map %ld MiB of memfd", mib);
	/* writing allocates the shmem pages, which then count as RssShmem */
	touch(p, len);
	hold(ms);
	unmap(p, mib);
	close(fd);
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

/* Fills @fd with @mib MiB of data and closes it. */
static int fill_file(int fd, const char *path, long mib)
{
	int ret = 0;
	char *buf;

	/*
	 * malloc hands a 1 MiB block back to the kernel on free, so the
	 * buffer is gone before the file is mapped.
	 */
	buf = malloc(MIB);
	if (!buf) {
		ret = complain("allocate write buffer");
		goto out;
	}
	/* non-zero data, so no filesystem can keep the file sparse */
	memset(buf, 0xa5, MIB);
	for (long i = 0; i < mib && !ret; i++)
		if (write_all(fd, buf, MIB))
			ret = complain("write %s", path);
out:
	if (close(fd) && !ret)
		ret = complain("close %s", path);
	free(buf);
	return ret;
}

static int map_file(const char *path, long mib, long ms)
{
	size_t len = (size_t)mib * MIB;
	const char *p;
	size_t off;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return complain("open %s", path);
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return complain("map %s", path);
	for (off = 0; off < len; off += page_size)
		page_sum += p[off];
	hold(ms);
	if (munmap((void *)p, len))
		return complain("unmap %s", path);
	return 0;
}

static int cmd_file(int argc, char **argv)
{
	long mib = parse_mib(argv[0], 1);
	const char *path = argv[1];
	long ms = argc > 2 ? parse_ms(argv[2]) : HOLD_MS_DEFAULT;
	int fd, ret;

	/* O_EXCL: never truncate, and later unlink, a file we did not make */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		die("create %s", path);
	ret = fill_file(fd, path, mib);
	if (!ret)
		ret = map_file(path, mib, ms);
	if (unlink(path) && !ret)
		ret = complain("remove %s", path);
	return ret ? 1 : 0;
}

static int cmd_spawn(int argc, char **argv)
{
	long n = parse_num(argv[0], "child count", 1, SPAWN_MAX);
	int ret = 0;

	(void)argc;
	for (long i = 0; i < n; i++) {
		pid_t pid = fork_or_die("child");

		if (pid == 0)
			_exit(0);
		if (reap(pid))
			ret = 1;
	}
	return ret;
}

static int cmd_name(int argc, char **argv)
{
	pid_t pid;

	(void)argc;
	if (prctl(PR_SET_NAME, argv[0], 0, 0, 0))
		return complain("cannot set the name: %s", strerror(errno));
	pid = fork_or_die("child");
	if (pid == 0)
		_exit(0);
	return reap(pid);
}

static int cmd_exit(int argc, char **argv)
{
	(void)argc;
	exit(parse_num(argv[0], "exit code", 0, 255));
}

static int cmd_kill(int argc, char **argv)
{
	long sig = parse_num(argv[0], "signal", 1, SIGRTMAX);
	sigset_t set;

	(void)argc;
	/*
	 * An inherited SIG_IGN or blocked signal would make raise() a no-op.
	 * signal() fails for SIGKILL and SIGSTOP, which need no help.
	 */
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	fprintf(stderr, "memshape: signal %ld did not end the process\n", sig);
	return 1;
}

/*
 * The parent touches mib_parent MiB; with wait_ms >= 0 it then says
 * "ready" on stdout and waits (for a tracer to attach); then a child
 * touches mib_child MiB more and holds it ms, and the parent waits for it.
 */
static int parent_then_child(long mib_parent, long wait_ms, long mib_child,
			     long ms)
{
	char *p;
	pid_t pid;
	int ret;

	p = map_touch(mib_parent);
	if (wait_ms >= 0) {
		/* the caller may be reading a pipe or polling a file */
		if (puts("ready") < 0 || fflush(stdout))
			die("write to stdout");
		hold(wait_ms);
	}
	pid = fork_or_die("child");
	if (pid == 0) {
		map_touch(mib_child);
		hold(ms);
		_exit(0);
	}
	ret = reap(pid);
	unmap(p, mib_parent);
	return ret ? 1 : 0;
}

static int cmd_fork_touch(int argc, char **argv)
{
	(void)argc;
	return parent_then_child(parse_mib(argv[0], 0), -1,
				 parse_mib(argv[1], 0), parse_ms(argv[2]));
}

/* For attaching from outside: the child is born after the attach. */
static int cmd_hold_fork(int argc, char **argv)
{
	(void)argc;
	return parent_then_child(parse_mib(argv[0], 0), parse_ms(argv[1]),
				 parse_mib(argv[2], 0), parse_ms(argv[3]));
}

/*
 * A short peak, then a lower plateau: MIB1 MiB touched and unmapped at
 * once, then MIB2 MiB touched and held, so that the first peak lasts far
 * less than one sample of a slow timeline and only its maxima can show it.
 */
static int cmd_peaks(int argc, char **argv)
{
	long mib1 = parse_mib(argv[0], 1);
	long mib2 = parse_mib(argv[1], 1);
	long ms = parse_ms(argv[2]);
	char *p;

	(void)argc;
	p = map_touch(mib1);
	unmap(p, mib1);
	p = map_touch(mib2);
	hold(ms);
	unmap(p, mib2);
	return 0;
}

/*
 * The kernel's virtual size of this process (VmSize), in kB; -1 on failure.
 * Read without stdio: a FILE's buffer could itself change the size.
 */
static long read_vmsize_kb(void)
{
	char buf[4096], *at;
	ssize_t n;
	int fd;

	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return complain("open /proc/self/status");
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return complain("read /proc/self/status");
	buf[n] = '\0';
	at = strstr(buf, "VmSize:");
	return at ? strtol(at + 7, NULL, 10) : -1;
}

/* Grows the virtual size by len with op, touching nothing; returns how to undo. */
static void *vm_grow(const char *op, size_t len)
{
	void *p;

	if (!strcmp(op, "brk")) {
		p = sbrk((intptr_t)len);
		if (p == (void *)-1)
			die("grow the heap by %zu bytes", len);
		return p;
	}
	if (!strcmp(op, "mremap")) {
		p = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("map one page");
		p = mremap(p, page_size, len, MREMAP_MAYMOVE);
		if (p == MAP_FAILED)
			die("remap one page to %zu bytes", len);
		return p;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("map %zu bytes", len);
	return p;
}

/*
 * The virtual size grows by MIB MiB and shrinks back, no page touched (so
 * no RSS change): mmap then munmap, brk up and down, or mremap of one page
 * to MIB MiB then munmap. Prints the kernel's VmSize before, grown and
 * after, in kB, as ground truth for the peak virtual size.
 */
static int cmd_vm(int argc, char **argv)
{
	const char *op = argv[0];
	long mib = parse_mib(argv[1], 1);
	size_t len = (size_t)mib * MIB;
	long base, grown, after;
	void *p;

	(void)argc;
	if (strcmp(op, "mmap") && strcmp(op, "brk") && strcmp(op, "mremap"))
		bad_usage("vm: unknown operation '%s' (mmap, brk or mremap)", op);
	base = read_vmsize_kb();
	p = vm_grow(op, len);
	grown = read_vmsize_kb();
	if (!strcmp(op, "brk") ? sbrk(-(intptr_t)len) == (void *)-1
			       : munmap(p, len) != 0)
		die("shrink by %zu bytes", len);
	after = read_vmsize_kb();
	if (base < 0 || grown < 0 || after < 0)
		return 1;
	printf("vm_base_kb=%ld vm_grown_kb=%ld vm_after_kb=%ld\n", base, grown,
	       after);
	return 0;
}

static const struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	int min_args;
	int max_args;
} cmds[] = {
	{ "anon",	cmd_anon,	1, 2 },
	{ "anon-pte",	cmd_anon_pte,	1, 2 },
	{ "children",	cmd_children,	4, 4 },
	{ "sharedvm",	cmd_sharedvm,	1, 2 },
	{ "vfork",	cmd_vfork,	0, 0 },
	{ "daemon",	cmd_daemon,	2, 2 },
	{ "shmem",	cmd_shmem,	1, 2 },
	{ "file",	cmd_file,	2, 3 },
	{ "spawn",	cmd_spawn,	1, 1 },
	{ "exit",	cmd_exit,	1, 1 },
	{ "kill",	cmd_kill,	1, 1 },
	{ "fork-touch",	cmd_fork_touch,	3, 3 },
	{ "hold-fork",	cmd_hold_fork,	4, 4 },
	{ "peaks",	cmd_peaks,	3, 3 },
	{ "vm",		cmd_vm,		2, 2 },
	{ "name",	cmd_name,	1, 1 },
};

int main(int argc, char **argv)
{
	const struct cmd *c;
	long ps;

	if (argc < 2)
		bad_usage("missing subcommand");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	ps = sysconf(_SC_PAGESIZE);
	if (ps <= 0)
		die("read the page size");
	page_size = ps;

	for (c = cmds; c < cmds + ARRAY_SIZE(cmds); c++) {
		int nargs = argc - 2;

		if (strcmp(argv[1], c->name))
			continue;
		if (nargs < c->min_args || nargs > c->max_args)
			bad_usage("%s: wrong number of arguments", c->name);
		return c->fn(nargs, argv + 2);
	}
	bad_usage("unknown subcommand '%s'", argv[1]);
}
