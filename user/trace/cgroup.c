// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "trace/cgroup.h"

#define V1_ROOT "/sys/fs/cgroup/memory"
#define V2_ROOT "/sys/fs/cgroup"

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

static int read_u64(const char *dir, const char *name, uint64_t *out)
{
	char path[PATH_MAX + 64];
	int ok;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	ok = fscanf(f, "%" SCNu64, out) == 1;
	fclose(f);
	return ok ? 0 : -EINVAL;
}

static bool has_file(const char *dir, const char *name)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/* v2 needs the memory controller enabled for the root's children. */
static int v2_enable_memory(void)
{
	char buf[512] = "";
	FILE *f;

	f = fopen(V2_ROOT "/cgroup.subtree_control", "re");
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	if (strstr(buf, "memory"))
		return 0;
	return write_file(V2_ROOT, "cgroup.subtree_control", "+memory");
}

int cgroup_create(struct cgroup_check *c)
{
	int err;

	memset(c, 0, sizeof(*c));
	if (has_file(V1_ROOT, "memory.max_usage_in_bytes")) {
		c->version = 1;
		snprintf(c->root, sizeof(c->root), "%s", V1_ROOT);
	} else if (has_file(V2_ROOT, "cgroup.controllers")) {
		err = v2_enable_memory();
		if (err)
			return err;
		c->version = 2;
		snprintf(c->root, sizeof(c->root), "%s", V2_ROOT);
	} else {
		return -ENOENT;
	}
	snprintf(c->path, sizeof(c->path), "%s/taskmem.%d", c->root,
		 (int)getpid());
	if (mkdir(c->path, 0755)) {
		err = -errno;
		c->version = 0;
		return err;
	}
	return 0;
}

int cgroup_enter(const struct cgroup_check *c, pid_t pid)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%d\n", (int)pid);
	return write_file(c->path, "cgroup.procs", buf);
}

int cgroup_read(const struct cgroup_check *c, struct cgroup_peaks *p)
{
	int err;

	memset(p, 0, sizeof(*p));
	if (c->version == 1) {
		err = read_u64(c->path, "memory.max_usage_in_bytes", &p->usage);
		p->has_kmem = !read_u64(c->path,
					"memory.kmem.max_usage_in_bytes",
					&p->kmem);
	} else {
		err = read_u64(c->path, "memory.peak", &p->usage);
	}
	if (!err)
		p->version = c->version;
	return err;
}

void cgroup_destroy(struct cgroup_check *c)
{
	char path[PATH_MAX + 64], line[32];
	FILE *f;

	if (!c->version)
		return;
	/* descendants still running go back to the root, then it can go */
	snprintf(path, sizeof(path), "%s/cgroup.procs", c->path);
	f = fopen(path, "re");
	if (f) {
		while (fgets(line, sizeof(line), f))
			write_file(c->root, "cgroup.procs", line);
		fclose(f);
	}
	rmdir(c->path);
	c->version = 0;
}
