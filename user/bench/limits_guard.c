// SPDX-License-Identifier: GPL-2.0
/*
 * Raise the kernel's thread, pid and mapping limits for a bench, and put
 * them back whatever happens to it (see limits_guard.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "bench/limits_guard.h"
#include "common/errors.h"

#define STATE_MAX 512

static const int rlimits[2] = { RLIMIT_NPROC, RLIMIT_NOFILE };
static const char *const rlimit_names[2] = { "RLIMIT_NPROC", "RLIMIT_NOFILE" };

static void sysctl_file(const struct limits_guard *g, enum bench_sysctl s,
			char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", g->sysctl_root, bench_sysctl_path(s));
}

static int read_number(const char *path, unsigned long *v)
{
	char buf[64], *end;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EINVAL;
	buf[n] = '\0';
	errno = 0;
	*v = strtoul(buf, &end, 10);
	if (end == buf || errno || (*end && *end != '\n'))
		return -EINVAL;
	return 0;
}

static int write_number(const char *path, unsigned long v)
{
	char buf[32];
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC), len, err = 0;

	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%lu\n", v);
	if (write(fd, buf, len) != len)
		err = errno ? -errno : -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

static int read_sysctls(const struct limits_guard *g,
			unsigned long v[NR_LIM_SYSCTLS])
{
	char path[PATH_MAX];
	int i, err;

	for (i = 0; i < NR_LIM_SYSCTLS; i++) {
		sysctl_file(g, i, path, sizeof(path));
		err = read_number(path, &v[i]);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Set each sysctl that differs from `from` to `to`, saying so in the
 * words of verb ("raised", "restored"); why ends the line. The first
 * error, all the others tried.
 */
static int set_sysctls(const struct limits_guard *g,
		       const unsigned long from[NR_LIM_SYSCTLS],
		       const unsigned long to[NR_LIM_SYSCTLS], const char *verb,
		       const char *why)
{
	char path[PATH_MAX];
	int i, err, first = 0;

	for (i = 0; i < NR_LIM_SYSCTLS; i++) {
		if (from[i] == to[i])
			continue;
		sysctl_file(g, i, path, sizeof(path));
		err = write_number(path, to[i]);
		if (err) {
			tm_err("cannot set %s to %lu: %s", bench_sysctl_name(i),
			       to[i], strerror(-err));
			first = first ?: err;
			continue;
		}
		fprintf(stderr, "taskmem: %s %s from %lu to %lu%s\n", verb,
			bench_sysctl_name(i), from[i], to[i], why);
	}
	return first;
}

/* The machine's thread count: the 4th field of /proc/loadavg, "1/234". */
static unsigned long machine_threads(void)
{
	unsigned long n = 0;
	FILE *f = fopen("/proc/loadavg", "re");

	if (f) {
		if (fscanf(f, "%*s %*s %*s %*u/%lu", &n) != 1)
			n = 0;
		fclose(f);
	}
	return n;
}

static unsigned long rlim_ulong(rlim_t r)
{
	return r == RLIM_INFINITY ? ULONG_MAX : (unsigned long)r;
}

int limits_guard_init(struct limits_guard *g)
{
	struct rlimit rl[2];
	int i;

	memset(g, 0, sizeof(*g));
	g->state_fd = -1;
	g->lifeline = -1;
	g->sysctl_root = getenv("TASKMEM_SYSCTL_ROOT");
	if (!g->sysctl_root || !*g->sysctl_root)
		g->sysctl_root = "/proc/sys";
	g->state_path = getenv("TASKMEM_LIMITS_STATE");
	if (!g->state_path || !*g->state_path)
		g->state_path = LIMITS_STATE_FILE;
	g->others = machine_threads();
	for (i = 0; i < 2; i++)
		if (getrlimit(rlimits[i], &rl[i]))
			return -errno;
	g->old.nproc = rlim_ulong(rl[0].rlim_cur);
	g->old.nofile = rlim_ulong(rl[1].rlim_cur);
	g->now = g->old;
	i = read_sysctls(g, g->old.sysctl);
	g->now = g->old;
	return i;
}

bool limits_cause(const struct limits_guard *g, double threads, char *buf,
		  size_t len)
{
	struct bench_limits l = g->now;

	/* root's threads do not count against RLIMIT_NPROC */
	if (!geteuid())
		l.nproc = ULONG_MAX;
	return bench_limits_cause(&l, g->others, threads, buf, len);
}

/* ---- the state file ---- */

/* The file's text (empty when nothing is to be restored): 0 or -errno. */
static int read_state(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/*
 * Put back the values a state file holds (a run that ended without doing
 * it), then empty it. -EINVAL with the message out when it is unreadable.
 */
static int restore_from_state(const struct limits_guard *g, int fd,
			      const char *text)
{
	unsigned long old[NR_LIM_SYSCTLS], cur[NR_LIM_SYSCTLS];
	char why[128], tail[96];
	long pid = 0;
	int err;

	if (bench_limits_parse(text, &pid, old, why, sizeof(why))) {
		tm_err("cannot read '%s': %s; check kernel.pid_max, "
		       "kernel.threads-max and vm.max_map_count, then remove "
		       "it", g->state_path, why);
		return -EINVAL;
	}
	err = read_sysctls(g, cur);
	if (err) {
		tm_err("cannot read the sysctls under '%s': %s",
		       g->sysctl_root, strerror(-err));
		return err;
	}
	snprintf(tail, sizeof(tail), " (left raised by bench pid %ld)", pid);
	err = set_sysctls(g, cur, old, "restored", tail);
	if (!err && ftruncate(fd, 0))
		err = -errno;
	return err;
}

/* Hold the state file; a stale one (its bench died) is restored first. */
static int lock_state(struct limits_guard *g)
{
	char text[STATE_MAX];
	struct stat a, b;
	long pid = 0;
	int fd, err;

	for (;;) {
		fd = open(g->state_path, O_RDWR | O_CREAT | O_CLOEXEC |
			  O_NOFOLLOW, 0600);
		if (fd < 0) {
			err = -errno;
			tm_err("cannot open '%s': %s", g->state_path,
			       strerror(errno));
			return err;
		}
		if (flock(fd, LOCK_EX | LOCK_NB)) {
			err = -errno;
			if (!read_state(fd, text, sizeof(text)))
				sscanf(text, "pid %ld", &pid);
			close(fd);
			if (err != -EWOULDBLOCK) {
				tm_err("cannot lock '%s': %s", g->state_path,
				       strerror(-err));
				return err;
			}
			tm_err("cannot raise limits: another 'taskmem bench "
			       "--raise-limits' (pid %ld) holds them; run "
			       "again when it has ended", pid);
			return -EBUSY;
		}
		/* the file we locked may have been removed meanwhile */
		if (!fstat(fd, &a) && !stat(g->state_path, &b) &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			break;
		close(fd);
	}
	err = read_state(fd, text, sizeof(text));
	if (!err && *text)
		err = restore_from_state(g, fd, text);
	if (err) {
		/* unread or unrestored values stay in the file */
		close(fd);
		return err;
	}
	g->state_fd = fd;
	return 0;
}

static int write_state(const struct limits_guard *g)
{
	char text[STATE_MAX];
	int len = bench_limits_format(text, sizeof(text), (long)getpid(),
				      g->old.sysctl);

	if (len < 0 || len >= (int)sizeof(text))
		return -EOVERFLOW;
	if (pwrite(g->state_fd, text, len, 0) != len ||
	    ftruncate(g->state_fd, len) || fsync(g->state_fd))
		return errno ? -errno : -EIO;
	return 0;
}

/* Remove the state file and let go of it. */
static void unlock_state(struct limits_guard *g)
{
	if (g->state_fd < 0)
		return;
	unlink(g->state_path);
	close(g->state_fd);
	g->state_fd = -1;
}

/* ---- the watchdog ---- */

/*
 * In its own session, deaf to the signals that end a bench: when the
 * pipe closes and the state file still holds values, the bench ended
 * without restoring them.
 */
static void __attribute__((noreturn)) watchdog(struct limits_guard *g,
					       int rfd)
{
	char text[STATE_MAX], c;
	int null = open("/dev/null", O_RDWR);
	ssize_t n;

	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	setsid();
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		close(null);
	}
	do
		n = read(rfd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (!read_state(g->state_fd, text, sizeof(text)) && *text &&
	    !restore_from_state(g, g->state_fd, text))
		unlink(g->state_path);
	_exit(0);
}

static int start_watchdog(struct limits_guard *g)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (!pid) {
		close(fds[1]);
		watchdog(g, fds[0]);
	}
	close(fds[0]);
	g->lifeline = fds[1];
	g->watchdog = pid;
	return 0;
}

static void stop_watchdog(struct limits_guard *g)
{
	if (g->lifeline < 0)
		return;
	close(g->lifeline);
	g->lifeline = -1;
	while (waitpid(g->watchdog, NULL, 0) < 0 && errno == EINTR)
		;
}

/* ---- raise and restore ---- */

static void set_rlimits(struct limits_guard *g)
{
	const unsigned long want[2] = { g->now.nproc, g->now.nofile };
	const unsigned long had[2] = { g->old.nproc, g->old.nofile };
	struct rlimit rl;
	rlim_t hard;
	int i, err;

	for (i = 0; i < 2; i++) {
		if (want[i] == had[i] || getrlimit(rlimits[i], &rl))
			continue;
		hard = rl.rlim_max;
		rl.rlim_cur = want[i];
		if (hard != RLIM_INFINITY && hard < want[i])
			rl.rlim_max = want[i];
		if (!setrlimit(rlimits[i], &rl)) {
			fprintf(stderr, "taskmem: raised %s from %lu to %lu for "
				"this run\n", rlimit_names[i], had[i], want[i]);
			continue;
		}
		err = errno;
		/* a hard limit goes up only with CAP_SYS_RESOURCE */
		rl.rlim_cur = rl.rlim_max = hard;
		if (err == EPERM && hard > had[i] && !setrlimit(rlimits[i], &rl))
			fprintf(stderr, "taskmem: raised %s from %lu to %lu, its "
				"hard limit (not to %lu: no CAP_SYS_RESOURCE)\n",
				rlimit_names[i], had[i], (unsigned long)hard,
				want[i]);
		else
			tm_err("cannot raise %s to %lu: %s", rlimit_names[i],
			       want[i], strerror(err));
	}
}

static void reset_rlimits(const struct limits_guard *g)
{
	const unsigned long had[2] = { g->old.nproc, g->old.nofile };
	struct rlimit rl;
	int i;

	/* the hard limits stay: lowering one is for good */
	for (i = 0; i < 2; i++)
		if (!getrlimit(rlimits[i], &rl) &&
		    rlim_ulong(rl.rlim_cur) != had[i]) {
			rl.rlim_cur = had[i] == ULONG_MAX ? RLIM_INFINITY : had[i];
			setrlimit(rlimits[i], &rl);
		}
}

static unsigned long nr_open(void)
{
	unsigned long v;

	return read_number("/proc/sys/fs/nr_open", &v) ? 1048576 : v;
}

int limits_raise(struct limits_guard *g, unsigned long n)
{
	const char *sudo = getenv("SUDO_UID");
	int err;

	if (sudo && strcmp(sudo, "0")) {
		tm_err("cannot raise limits through sudo: kernel.pid_max, "
		       "kernel.threads-max and vm.max_map_count are the whole "
		       "machine's settings, for its administrator to change "
		       "(with sysctl), not for a user's benchmark");
		return -EACCES;
	}
	if (geteuid()) {
		tm_err("cannot raise limits: run as root");
		return -EPERM;
	}
	err = lock_state(g);
	/* what the machine has now, after a stale run's values came back */
	if (!err)
		err = read_sysctls(g, g->old.sysctl);
	if (err)
		goto fail;
	bench_limits_needed(n, g->others, nr_open(), &g->old, &g->now);
	if (!memcmp(&g->now, &g->old, sizeof(g->now))) {
		fprintf(stderr, "taskmem: the limits suffice for %lu tasks: "
			"nothing raised\n", n);
		return 0;
	}
	err = write_state(g);
	if (err) {
		tm_err("cannot write '%s': %s", g->state_path, strerror(-err));
		goto fail;
	}
	err = start_watchdog(g);
	if (err) {
		tm_err("cannot start the process that restores the limits: %s",
		       strerror(-err));
		goto fail;
	}
	g->raised = true;
	err = set_sysctls(g, g->old.sysctl, g->now.sysctl, "raised",
			  " for this run");
	if (err)
		goto fail;
	set_rlimits(g);
	return 0;
fail:
	limits_restore(g);
	return err;
}

void limits_restore(struct limits_guard *g)
{
	unsigned long cur[NR_LIM_SYSCTLS];
	int err = 0;

	if (g->raised) {
		reset_rlimits(g);
		/* what is there now: a raise may have failed half-way */
		err = read_sysctls(g, cur) ?:
		      set_sysctls(g, cur, g->old.sysctl, "restored", "");
		if (!err && ftruncate(g->state_fd, 0))
			err = -errno;
		g->raised = false;
		g->now = g->old;
	}
	if (err)
		tm_err("cannot restore every limit: '%s' keeps the old values "
		       "for the next 'taskmem bench --raise-limits'",
		       g->state_path);
	stop_watchdog(g);
	if (!err)
		unlock_state(g);
	else if (g->state_fd >= 0)
		close(g->state_fd);
	g->state_fd = -1;
}
