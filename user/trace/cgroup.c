// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "trace/cgroup.h"

#define STAT_MAX 16384	/* memory.stat is about 1.5 KiB on v1, 2 on v2 */

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 64];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n < 0)
		err = -errno;
	close(fd);
	return err;
}

/* The whole of a small file, NUL-terminated, in buf; length or -errno. */
static ssize_t read_small(const char *path, char *buf, size_t len)
{
	ssize_t n = 0, got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (got < (ssize_t)len - 1 &&
	       (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	n = n < 0 ? -errno : got;
	close(fd);
	buf[got] = '\0';
	return n;
}

static int read_u64(const char *dir, const char *name, uint64_t *out)
{
	char path[PATH_MAX + 64], buf[64], *end;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	n = read_small(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	errno = 0;
	*out = strtoull(buf, &end, 10);
	return errno || end == buf ? -EINVAL : 0;
}

/* A value read again from a file kept open: pread at 0 re-renders it. */
static int pread_u64(int fd, uint64_t *out)
{
	char buf[64], *end;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	*out = strtoull(buf, &end, 10);
	return end == buf ? -EINVAL : 0;
}

static bool has_file(const char *dir, const char *name)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/* Whether a space-separated list file (cgroup.controllers) names word. */
static bool lists(const char *dir, const char *name, const char *word)
{
	char path[PATH_MAX + 64], buf[512], *tok, *save;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return false;
	for (tok = strtok_r(buf, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save))
		if (!strcmp(tok, word))
			return true;
	return false;
}

int memcg_parse_self(const char *text, int version, char *out, size_t len)
{
	const char *line = text;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		const char *c1 = strchr(line, ':'), *c2;
		size_t n = end ? (size_t)(end - line) : strlen(line);

		c2 = c1 && c1 < line + n ? memchr(c1 + 1, ':', line + n - c1 - 1)
					 : NULL;
		if (c2) {
			size_t clen = c2 - c1 - 1;
			bool match = version == 2 ?
				!strncmp(line, "0:", 2) && clen == 0 :
				false;

			/* v1: "N:memory:/path", or memory among others */
			if (version == 1) {
				const char *p = c1 + 1;

				while (p < c2 && !match) {
					const char *q = memchr(p, ',', c2 - p);
					size_t w = (q ? q : c2) - p;

					match = w == 6 && !strncmp(p, "memory", 6);
					p = q ? q + 1 : c2;
				}
			}
			if (match) {
				size_t plen = line + n - c2 - 1;

				if (plen + 1 > len)
					return -ENAMETOOLONG;
				memcpy(out, c2 + 1, plen);
				out[plen] = '\0';
				return 0;
			}
		}
		line = end ? end + 1 : NULL;
	}
	return -ENOENT;
}

/*
 * mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS] - FSTYPE SRC
 * SUPEROPTS". v2: fstype cgroup2; v1 memory: fstype cgroup with "memory"
 * among the superoptions. Mount points with escapes (\040) are skipped.
 */
int memcg_parse_mount(const char *text, int version, char *out, size_t len)
{
	const char *line = text;
	char buf[1024];

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		char *f[5], *dash, *fstype, *super, *save, *tok;
		int i;

		const char *start = line;

		line = end ? end + 1 : NULL;
		if (n >= sizeof(buf))
			continue;
		memcpy(buf, start, n);
		buf[n] = '\0';
		dash = strstr(buf, " - ");
		if (!dash)
			continue;
		*dash = '\0';
		f[0] = strtok_r(buf, " ", &save);
		for (i = 1; i < 5 && f[i - 1]; i++)
			f[i] = strtok_r(NULL, " ", &save);
		if (i < 5 || !f[4] || strchr(f[4], '\\'))
			continue;
		fstype = strtok_r(dash + 3, " ", &save);
		strtok_r(NULL, " ", &save);	/* source */
		super = strtok_r(NULL, " ", &save);
		if (!fstype)
			continue;
		if (version == 2 && strcmp(fstype, "cgroup2"))
			continue;
		if (version == 1) {
			bool mem = false;

			if (strcmp(fstype, "cgroup") || !super)
				continue;
			for (tok = strtok_r(super, ",", &save); tok && !mem;
			     tok = strtok_r(NULL, ",", &save))
				mem = !strcmp(tok, "memory");
			if (!mem)
				continue;
		}
		if (strlen(f[4]) + 1 > len)
			return -ENAMETOOLONG;
		strcpy(out, f[4]);
		return 0;
	}
	return -ENOENT;
}

struct stat_key {
	const char *key;
	int item;
};

/* v1: the hierarchical total_* when the kernel gives them (descendants). */
static const struct stat_key v1_keys[] = {
	{ "rss", UNIQUE_ANON }, { "shmem", UNIQUE_SHMEM },
	{ "mapped_file", UNIQUE_FILE_MAPPED },
};

static const struct stat_key v2_keys[] = {
	{ "anon", UNIQUE_ANON }, { "shmem", UNIQUE_SHMEM },
	{ "file_mapped", UNIQUE_FILE_MAPPED },
	{ "kernel_stack", UNIQUE_KERNEL_STACK },
	{ "pagetables", UNIQUE_PAGETABLES },
	{ "sec_pagetables", UNIQUE_PAGETABLES },	/* 6.2+: KVM's */
	{ "slab_unreclaimable", UNIQUE_SLAB }, { "percpu", UNIQUE_PERCPU },
	{ "sock", UNIQUE_SOCK },
};

int memcg_parse_stat(const char *text, int version,
		     struct unique_breakdown *b)
{
	const struct stat_key *keys = version == 1 ? v1_keys : v2_keys;
	size_t nkeys = version == 1 ? sizeof(v1_keys) / sizeof(v1_keys[0]) :
				      sizeof(v2_keys) / sizeof(v2_keys[0]);
	uint64_t own[UNIQUE_NR_ITEMS] = {}, total[UNIQUE_NR_ITEMS] = {};
	bool seen = false, has_total = false;
	const char *line = text;
	size_t i;

	memset(b, 0, sizeof(*b));
	while (line && *line) {
		const char *sp = strchr(line, ' '), *end = strchr(line, '\n');
		size_t klen;
		bool tot;

		if (!end)
			end = line + strlen(line);
		if (sp && sp < end) {
			klen = sp - line;
			tot = version == 1 && klen > 6 &&
			      !strncmp(line, "total_", 6);
			for (i = 0; i < nkeys; i++) {
				const char *k = tot ? line + 6 : line;
				size_t kl = tot ? klen - 6 : klen;
				uint64_t v;

				if (strlen(keys[i].key) != kl ||
				    strncmp(k, keys[i].key, kl))
					continue;
				v = strtoull(sp + 1, NULL, 10);
				if (tot) {
					total[keys[i].item] += v;
					has_total = true;
				} else {
					own[keys[i].item] += v;
				}
				/* the first key of each table must be there */
				seen |= i == 0;
			}
		}
		line = *end ? end + 1 : NULL;
	}
	if (!seen)
		return -EINVAL;
	memcpy(b->item, has_total ? total : own, sizeof(b->item));
	return 0;
}

/* sysroot + mount point + cgroup path, without a doubled '/'. */
static int join(char *out, size_t len, const char *sysroot, const char *mnt,
		const char *rel)
{
	int n = snprintf(out, len, "%s%s%s%s", sysroot, mnt,
			 *rel == '/' || !*rel ? "" : "/",
			 !strcmp(rel, "/") ? "" : rel);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* The mount and taskmem's own cgroup directory for version v. */
static int locate(const char *sysroot, int version, char *mnt, size_t mlen,
		  char *own, size_t olen)
{
	char path[PATH_MAX], rel[PATH_MAX], m[PATH_MAX];
	char *text;
	ssize_t n;
	int err;

	text = malloc(1 << 20);
	if (!text)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/proc/self/mountinfo", sysroot);
	n = read_small(path, text, 1 << 20);
	err = n < 0 ? (int)n : memcg_parse_mount(text, version, m, sizeof(m));
	if (!err) {
		snprintf(path, sizeof(path), "%s/proc/self/cgroup", sysroot);
		n = read_small(path, text, 1 << 20);
		err = n < 0 ? (int)n :
			      memcg_parse_self(text, version, rel, sizeof(rel));
	}
	free(text);
	if (!err)
		err = join(mnt, mlen, sysroot, m, "");
	if (!err)
		err = join(own, olen, sysroot, m, rel);
	return err;
}

static int fail(char *why, size_t len, int err, const char *fmt, const char *arg)
{
	char msg[PATH_MAX + 128];

	snprintf(msg, sizeof(msg), fmt, arg);
	snprintf(why, len, "%s: %s", msg, strerror(-err));
	return err;
}

/* v2: the memory controller for children of own, enabled if need be. */
static int v2_parent(const char *own, char *why, size_t len)
{
	int err;

	if (lists(own, "cgroup.subtree_control", "memory"))
		return 0;
	err = write_file(own, "cgroup.subtree_control", "+memory");
	if (err == -EBUSY)
		snprintf(why, len, "cannot enable the memory controller below "
			 "taskmem's own cgroup %s: it holds processes (cgroup "
			 "v2 allows controllers only in cgroups without them); "
			 "run taskmem from a delegated cgroup, e.g. under "
			 "systemd-run --scope -p Delegate=yes", own);
	else if (err)
		fail(why, len, err, "cannot enable the memory controller in %s",
		     own);
	return err;
}

/*
 * Empty taskmem.PID cgroups of runs that were killed (SIGKILL leaves
 * them) whose taskmem is gone: removed by the next run. rmdir fails on
 * one that holds a process, and a live taskmem's is skipped.
 */
static void sweep_stale(const char *sysroot, const char *dir)
{
	char path[PATH_MAX + 300], comm[32];
	struct dirent *e;
	char *end;
	long pid;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "taskmem.", 8) || e->d_type != DT_DIR)
			continue;
		pid = strtol(e->d_name + 8, &end, 10);
		if (end == e->d_name + 8 || (*end && *end != '.') || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "%s/proc/%ld/comm", sysroot, pid);
		if (read_small(path, comm, sizeof(comm)) >= 0 &&
		    !strcmp(comm, "taskmem\n"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		rmdir(path);
	}
	closedir(d);
}

int memcg_create(struct memcg *c, const char *sysroot, char *why, size_t len)
{
	char mnt[PATH_MAX], own[PATH_MAX];
	int err, n, i;

	c->version = 0;
	if (!locate(sysroot, 2, mnt, sizeof(mnt), own, sizeof(own)) &&
	    lists(mnt, "cgroup.controllers", "memory")) {
		err = v2_parent(own, why, len);
		if (err)
			return err;
		c->version = 2;
	} else if (!locate(sysroot, 1, mnt, sizeof(mnt), own, sizeof(own))) {
		c->version = 1;
	} else {
		snprintf(why, len, "no memory cgroup controller is mounted "
			 "(neither cgroup v2 with memory nor v1 memory)");
		return -ENOENT;
	}
	snprintf(c->home, sizeof(c->home), "%s", own);
	sweep_stale(sysroot, own);
	/* another pid namespace may have a taskmem of the same pid */
	for (i = 0, err = -EEXIST; i < 16 && err == -EEXIST; i++) {
		n = snprintf(c->path, sizeof(c->path), i ? "%s/taskmem.%d.%d" :
			     "%s/taskmem.%d", own, (int)getpid(), i);
		if (n < 0 || (size_t)n >= sizeof(c->path)) {
			c->version = 0;
			return fail(why, len, -ENAMETOOLONG, "cannot create a "
				    "cgroup under %s", own);
		}
		err = mkdir(c->path, 0755) ? -errno : 0;
	}
	if (err) {
		c->version = 0;
		return fail(why, len, err, "cannot create the memory cgroup %s",
			    c->path);
	}
	c->created = true;
	return 0;
}

/* Whether dir is inner or above it (path prefix at a '/'). */
static bool contains(const char *dir, const char *inner)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return !strncmp(dir, inner, n) && (inner[n] == '\0' || inner[n] == '/');
}

static int version_of(const char *dir)
{
	if (has_file(dir, "memory.max_usage_in_bytes"))
		return 1;
	if (has_file(dir, "memory.current"))
		return 2;
	return 0;
}

int memcg_open(struct memcg *c, const char *sysroot, const char *path,
	       char *why, size_t len)
{
	char mnt[PATH_MAX], own[PATH_MAX], real[PATH_MAX], cand[PATH_MAX];
	int v;

	c->version = 0;
	for (v = 2; v >= 1 && !c->version; v--) {
		if (locate(sysroot, v, mnt, sizeof(mnt), own, sizeof(own)))
			continue;
		/* a directory inside this hierarchy, or a path relative to it */
		if (realpath(path, real) && contains(mnt, real))
			snprintf(cand, sizeof(cand), "%s", real);
		else if (join(cand, sizeof(cand), "", mnt, path) ||
			 !realpath(cand, real) || !contains(mnt, real))
			continue;
		else
			snprintf(cand, sizeof(cand), "%s", real);
		if (version_of(cand) != v)
			continue;
		if (contains(cand, own)) {
			snprintf(why, len, "cannot follow cgroup %s: taskmem "
				 "itself runs in it (%s), and would measure "
				 "itself; run taskmem from another cgroup", path,
				 own);
			return -EBUSY;
		}
		c->version = v;
		snprintf(c->path, sizeof(c->path), "%s", cand);
		snprintf(c->home, sizeof(c->home), "%s", own);
	}
	if (!c->version) {
		snprintf(why, len, "cannot follow cgroup %s: not a memory cgroup "
			 "directory (cgroup v2 with memory.current, or v1 memory "
			 "with memory.max_usage_in_bytes), nor a path inside "
			 "one", path);
		return -ENOENT;
	}
	return 0;
}

int memcg_of_pid(struct memcg *c, const char *sysroot, pid_t pid,
		 char *why, size_t len)
{
	char mnt[PATH_MAX], own[PATH_MAX], rel[PATH_MAX], dir[PATH_MAX];
	char path[PATH_MAX], text[4096];
	ssize_t n;
	int v;

	snprintf(path, sizeof(path), "%s/proc/%d/cgroup", sysroot, (int)pid);
	n = read_small(path, text, sizeof(text));
	if (n < 0) {
		snprintf(why, len, "cannot read %s: %s", path,
			 strerror((int)-n));
		return (int)n;
	}
	for (v = 2; v >= 1; v--) {
		if (locate(sysroot, v, mnt, sizeof(mnt), own, sizeof(own)) ||
		    memcg_parse_self(text, v, rel, sizeof(rel)) ||
		    join(dir, sizeof(dir), "", mnt, rel) ||
		    version_of(dir) != v)
			continue;
		return memcg_open(c, sysroot, dir, why, len);
	}
	snprintf(why, len, "process %d is in no memory cgroup", (int)pid);
	return -ENOENT;
}

int memcg_enter(const struct memcg *c, pid_t pid)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%d\n", (int)pid);
	return write_file(c->path, "cgroup.procs", buf);
}

uint64_t memcg_id(const struct memcg *c)
{
	struct stat st;

	return stat(c->path, &st) ? 0 : (uint64_t)st.st_ino;
}

int memcg_watermark(const struct memcg *c, uint64_t *bytes)
{
	return read_u64(c->path, c->version == 1 ? "memory.max_usage_in_bytes"
						 : "memory.peak", bytes);
}

int memcg_peaks(const struct memcg *c, struct cgroup_peaks *p)
{
	int err;

	memset(p, 0, sizeof(*p));
	err = memcg_watermark(c, &p->usage);
	if (c->version == 1)
		p->has_kmem = !read_u64(c->path,
					"memory.kmem.max_usage_in_bytes",
					&p->kmem);
	if (!err)
		p->version = c->version;
	return err;
}

static int open_in(const char *dir, const char *name)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

int memcg_sample(struct memcg *c, struct unique_breakdown *b,
		 uint64_t *usage)
{
	char buf[STAT_MAX];
	uint64_t kmem = 0;
	ssize_t n;
	int err;

	if (!c->files_open) {
		if (c->stat_fd < 0)
			c->stat_fd = open_in(c->path, "memory.stat");
		if (c->stat_fd < 0)
			return -errno;
		c->usage_fd = open_in(c->path, c->version == 1 ?
					       "memory.usage_in_bytes" :
					       "memory.current");
		if (c->version == 1)
			c->kmem_fd = open_in(c->path,
					     "memory.kmem.usage_in_bytes");
		c->files_open = true;
	}
	n = pread(c->stat_fd, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	err = memcg_parse_stat(buf, c->version, b);
	if (err)
		return err;
	if (c->kmem_fd >= 0 && !pread_u64(c->kmem_fd, &kmem))
		b->item[UNIQUE_KERNEL_OTHER] = kmem;
	*usage = 0;
	if (c->usage_fd >= 0)
		pread_u64(c->usage_fd, usage);
	return 0;
}

/* cgroup.procs of dir and of every directory below it. */
static int pids_below(const char *dir, int *pids, int n, int max, int depth)
{
	char path[PATH_MAX + 64], line[32];
	struct dirent *e;
	FILE *f;
	DIR *d;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (n >= 0 && fgets(line, sizeof(line), f))
		n = n < max ? (pids[n] = atoi(line), n + 1) : -E2BIG;
	fclose(f);
	if (n < 0 || depth > 64 || !(d = opendir(dir)))
		return n;
	while (n >= 0 && (e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		n = pids_below(path, pids, n, max, depth + 1);
	}
	closedir(d);
	return n;
}

int memcg_pids(const struct memcg *c, int *pids, int max)
{
	return pids_below(c->path, pids, 0, max, 0);
}

void memcg_destroy(struct memcg *c)
{
	char path[PATH_MAX + 64], line[32];
	FILE *f;
	int i;

	if (c->stat_fd >= 0)
		close(c->stat_fd);
	if (c->kmem_fd >= 0)
		close(c->kmem_fd);
	if (c->usage_fd >= 0)
		close(c->usage_fd);
	c->stat_fd = c->kmem_fd = c->usage_fd = -1;
	c->files_open = false;
	/*
	 * Descendants still running go back home, then it can go; again
	 * while one that was moved late forked into it meanwhile.
	 */
	for (i = 0; c->created && i < 100; i++) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", c->path);
		f = fopen(path, "re");
		if (f) {
			while (fgets(line, sizeof(line), f))
				write_file(c->home, "cgroup.procs", line);
			fclose(f);
		}
		if (!rmdir(c->path) || errno != EBUSY)
			c->created = false;
	}
	c->created = false;
	c->version = 0;
}
