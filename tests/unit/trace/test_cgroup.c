// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/trace/cgroup.c: on the machine's hierarchy (root and
 * a memory cgroup needed), a fresh memory cgroup, a child moved in whose
 * memory the kernel counts, and a removal that leaves what still runs in
 * it alive; on fixture trees (any user), the v1 and v2 layouts, paths and
 * memory.stat.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "testutil.h"
#include "trace/cgroup.h"

#define MIB (1024ULL * 1024ULL)
#define TOUCH (32 * MIB)

struct fixture {
	struct memcg c;
	pid_t child;
	int go;			/* write end: the child touches its memory */
	int done;		/* read end: a byte once it has */
	char why[512];
};


/* Outside CI a test that cannot run here is skipped; in CI it fails. */
static void need(int ok, const char *what)
{
	if (ok)
		return;
	if (ci())
		fail_msg("this test needs %s (CI=true)", what);
	skip();
}

static void need_cgroup(void)
{
	need(geteuid() == 0, "root");
	need(!access("/sys/fs/cgroup/memory/memory.max_usage_in_bytes", F_OK) ||
	     !access("/sys/fs/cgroup/cgroup.controllers", F_OK),
	     "a memory cgroup hierarchy");
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	fx->c = (struct memcg)MEMCG_INIT;
	fx->child = -1;
	fx->go = fx->done = -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	if (fx->child > 0) {
		kill(fx->child, SIGKILL);
		waitpid(fx->child, NULL, 0);
	}
	if (fx->go >= 0)
		close(fx->go);
	if (fx->done >= 0)
		close(fx->done);
	memcg_destroy(&fx->c);
	free(fx);
	return 0;
}

static int is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* Whether /proc/PID/cgroup names the test's cgroup. */
static int in_cgroup(pid_t pid, const struct memcg *c)
{
	char path[64], line[512], name[64];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	snprintf(name, sizeof(name), "/taskmem.%d\n", (int)getpid());
	f = fopen(path, "re");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, name) &&
		    (c->version == 2 || strstr(line, "memory")))
			found = 1;
	fclose(f);
	return found;
}

/* The child: on a byte from go, touch TOUCH bytes, say so, then wait. */
static void child_main(int go, int done)
{
	volatile char *p;
	size_t i;
	char b;

	if (read(go, &b, 1) != 1)
		_exit(1);
	/* volatile: the compiler may drop a buffer nobody reads */
	p = malloc(TOUCH);
	if (!p)
		_exit(1);
	for (i = 0; i < TOUCH; i += 4096)
		p[i] = 1;
	if (write(done, "x", 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

static void start_child(struct fixture *fx)
{
	int go[2], done[2];

	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(done), 0);
	fx->child = fork();
	assert_true(fx->child >= 0);
	if (fx->child == 0) {
		close(go[1]);
		close(done[0]);
		child_main(go[0], done[1]);
	}
	close(go[0]);
	close(done[1]);
	fx->go = go[1];
	fx->done = done[0];
}

static void test_create_and_destroy(void **state)
{
	struct fixture *fx = *state;
	char want[sizeof(fx->c.path) + 32];

	need_cgroup();
	assert_int_equal(memcg_create(&fx->c, "", fx->why, sizeof(fx->why)), 0);
	assert_true(fx->c.version == 1 || fx->c.version == 2);
	/* a child of taskmem's own cgroup */
	snprintf(want, sizeof(want), "%s/taskmem.%d", fx->c.home,
		 (int)getpid());
	assert_string_equal(fx->c.path, want);
	assert_true(fx->c.created);
	assert_true(is_dir(want));
	memcg_destroy(&fx->c);
	assert_false(is_dir(want));
	assert_int_equal(fx->c.version, 0);
}

static void test_usage_of_child(void **state)
{
	struct fixture *fx = *state;
	struct cgroup_peaks p;
	char b;

	need_cgroup();
	assert_int_equal(memcg_create(&fx->c, "", fx->why, sizeof(fx->why)), 0);
	start_child(fx);
	assert_int_equal(memcg_enter(&fx->c, fx->child), 0);
	assert_true(in_cgroup(fx->child, &fx->c));
	assert_int_equal(write(fx->go, "x", 1), 1);
	assert_int_equal(read(fx->done, &b, 1), 1);
	assert_int_equal(memcg_peaks(&fx->c, &p), 0);
	assert_int_equal(p.version, fx->c.version);
	if (p.usage < TOUCH)
		fail_msg("usage %llu < %llu", (unsigned long long)p.usage,
			 TOUCH);
}

static void test_destroy_with_child_inside(void **state)
{
	struct fixture *fx = *state;
	char path[sizeof(fx->c.path)];

	need_cgroup();
	assert_int_equal(memcg_create(&fx->c, "", fx->why, sizeof(fx->why)), 0);
	snprintf(path, sizeof(path), "%s", fx->c.path);
	start_child(fx);
	assert_int_equal(memcg_enter(&fx->c, fx->child), 0);
	memcg_destroy(&fx->c);
	assert_false(is_dir(path));
	/* still running, now outside it */
	assert_int_equal(waitpid(fx->child, NULL, WNOHANG), 0);
	assert_int_equal(kill(fx->child, 0), 0);
	assert_false(in_cgroup(fx->child, &fx->c));
}

static void test_enter_missing_pid(void **state)
{
	struct fixture *fx = *state;

	need_cgroup();
	assert_int_equal(memcg_create(&fx->c, "", fx->why, sizeof(fx->why)), 0);
	/* pid_max is at most 4194304 */
	assert_int_equal(memcg_enter(&fx->c, 4194305), -ESRCH);
}


/* Fixture trees: a sysroot with proc/self/{mountinfo,cgroup} and sys/fs/cgroup. */

#define V1_MOUNTINFO \
	"22 1 0:21 / /sys rw,nosuid - sysfs sysfs rw\n" \
	"30 22 0:26 / /sys/fs/cgroup ro - tmpfs tmpfs ro,mode=755\n" \
	"33 30 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n" \
	"35 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n" \
	"40 30 0:35 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
#define V1_SELF "9:name=systemd:/\n4:memory:/job/a\n1:cpu:/\n0::/\n"

#define V2_MOUNTINFO \
	"22 1 0:21 / /sys rw,nosuid - sysfs sysfs rw\n" \
	"30 22 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate\n"
#define V2_SELF "0::/user.slice/deleg\n"

#define V1_STAT \
	"cache 10223616\nrss 5173248\nrss_huge 0\nshmem 9797632\n" \
	"mapped_file 8167424\ndirty 20480\n" \
	"total_cache 1622536192\ntotal_rss 14229504\ntotal_shmem 9797632\n" \
	"total_mapped_file 19734528\ntotal_dirty 11501568\n"

#define V2_STAT \
	"anon 104857600\nfile 52428800\nkernel 8388608\nkernel_stack 327680\n" \
	"pagetables 1048576\nsec_pagetables 4096\npercpu 2048\nsock 8192\n" \
	"vmalloc 0\nshmem 16777216\nzswap 0\nfile_mapped 20971520\n" \
	"file_dirty 0\nslab_reclaimable 3145728\nslab_unreclaimable 2097152\n" \
	"slab 5242880\n"

struct tree {
	char root[64];
};

static void put(const char *root, const char *rel, const char *text)
{
	char path[512], dir[512], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = dir + strlen(root) + 1; (slash = strchr(slash, '/'));
	     slash++) {
		*slash = '\0';
		mkdir(dir, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int tree_setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	snprintf(t->root, sizeof(t->root), "/tmp/taskmem-cg.XXXXXX");
	if (!mkdtemp(t->root))
		return -1;
	*state = t;
	return 0;
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;

	remove_tree(t->root);
	free(t);
	return 0;
}

static void v1_tree(const char *root)
{
	put(root, "proc/self/mountinfo", V1_MOUNTINFO);
	put(root, "proc/self/cgroup", V1_SELF);
	put(root, "sys/fs/cgroup/memory/memory.max_usage_in_bytes", "0\n");
	put(root, "sys/fs/cgroup/memory/job/memory.max_usage_in_bytes", "0\n");
	put(root, "sys/fs/cgroup/memory/job/a/memory.max_usage_in_bytes",
	    "300000000\n");
	put(root, "sys/fs/cgroup/unified/cgroup.controllers", "\n");
}

static void v2_tree(const char *root, const char *subtree)
{
	put(root, "proc/self/mountinfo", V2_MOUNTINFO);
	put(root, "proc/self/cgroup", V2_SELF);
	put(root, "sys/fs/cgroup/cgroup.controllers", "cpu io memory pids\n");
	put(root, "sys/fs/cgroup/user.slice/deleg/cgroup.subtree_control",
	    subtree);
}

static void test_parse_stat_v1(void **state)
{
	struct unique_breakdown b;

	(void)state;
	assert_int_equal(memcg_parse_stat(V1_STAT, 1, &b), 0);
	/* the hierarchical totals win over the cgroup's own */
	assert_int_equal(b.item[UNIQUE_ANON], 14229504);
	assert_int_equal(b.item[UNIQUE_SHMEM], 9797632);
	assert_int_equal(b.item[UNIQUE_FILE_MAPPED], 19734528);
	assert_int_equal(b.item[UNIQUE_KERNEL_OTHER], 0);
	assert_int_equal(unique_sum(&b), 14229504 + 19734528);
	/* without totals (older kernels' leaf), the cgroup's own */
	assert_int_equal(memcg_parse_stat("cache 1\nrss 4096\nshmem 0\n"
					  "mapped_file 8192\n", 1, &b), 0);
	assert_int_equal(b.item[UNIQUE_ANON], 4096);
	assert_int_equal(b.item[UNIQUE_FILE_MAPPED], 8192);
	/* not a v1 memory.stat */
	assert_int_equal(memcg_parse_stat(V2_STAT, 1, &b), -EINVAL);
	assert_int_equal(memcg_parse_stat("", 1, &b), -EINVAL);
}

static void test_parse_stat_v2(void **state)
{
	struct unique_breakdown b;

	(void)state;
	assert_int_equal(memcg_parse_stat(V2_STAT, 2, &b), 0);
	assert_int_equal(b.item[UNIQUE_ANON], 104857600);
	assert_int_equal(b.item[UNIQUE_SHMEM], 16777216);
	assert_int_equal(b.item[UNIQUE_FILE_MAPPED], 20971520);
	assert_int_equal(b.item[UNIQUE_KERNEL_STACK], 327680);
	assert_int_equal(b.item[UNIQUE_PAGETABLES], 1048576 + 4096);
	assert_int_equal(b.item[UNIQUE_SLAB], 2097152);
	assert_int_equal(b.item[UNIQUE_PERCPU], 2048);
	assert_int_equal(b.item[UNIQUE_SOCK], 8192);
	/* mapped shmem once: file_mapped beyond shmem, reclaimable slab out */
	assert_int_equal(unique_sum(&b), 104857600 + 16777216 + 4194304 +
			 327680 + 1052672 + 2097152 + 2048 + 8192);
	assert_int_equal(memcg_parse_stat(V1_STAT, 2, &b), -EINVAL);
}

static void test_parse_self(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(memcg_parse_self(V1_SELF, 1, out, sizeof(out)), 0);
	assert_string_equal(out, "/job/a");
	assert_int_equal(memcg_parse_self(V1_SELF, 2, out, sizeof(out)), 0);
	assert_string_equal(out, "/");
	assert_int_equal(memcg_parse_self("5:cpu,memory:/x\n", 1, out,
					  sizeof(out)), 0);
	assert_string_equal(out, "/x");
	assert_int_equal(memcg_parse_self("5:memoryx:/x\n", 1, out,
					  sizeof(out)), -ENOENT);
	assert_int_equal(memcg_parse_self(V2_SELF, 1, out, sizeof(out)),
			 -ENOENT);
	assert_int_equal(memcg_parse_self("0::/a/very/long/path\n", 2, out, 8),
			 -ENAMETOOLONG);
}

static void test_parse_mount(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(memcg_parse_mount(V1_MOUNTINFO, 1, out, sizeof(out)), 0);
	assert_string_equal(out, "/sys/fs/cgroup/memory");
	assert_int_equal(memcg_parse_mount(V1_MOUNTINFO, 2, out, sizeof(out)), 0);
	assert_string_equal(out, "/sys/fs/cgroup/unified");
	assert_int_equal(memcg_parse_mount(V2_MOUNTINFO, 2, out, sizeof(out)), 0);
	assert_string_equal(out, "/sys/fs/cgroup");
	assert_int_equal(memcg_parse_mount(V2_MOUNTINFO, 1, out, sizeof(out)),
			 -ENOENT);
	/* an escaped mount point (a space) is not taken */
	assert_int_equal(memcg_parse_mount("35 30 0:31 / /a\\040b rw - cgroup "
					   "cgroup rw,memory\n", 1, out,
					   sizeof(out)), -ENOENT);
}

/* v1: v2 is mounted without memory, so v1, under taskmem's own cgroup. */
static void test_create_v1_fixture(void **state)
{
	struct tree *t = *state;
	struct memcg c = MEMCG_INIT;
	char want[PATH_MAX], why[512];

	v1_tree(t->root);
	assert_int_equal(memcg_create(&c, t->root, why, sizeof(why)), 0);
	assert_int_equal(c.version, 1);
	assert_true(c.created);
	snprintf(want, sizeof(want), "%s/sys/fs/cgroup/memory/job/a/taskmem.%d",
		 t->root, (int)getpid());
	assert_string_equal(c.path, want);
	snprintf(want, sizeof(want), "%s/sys/fs/cgroup/memory/job/a", t->root);
	assert_string_equal(c.home, want);
	assert_true(is_dir(c.path));
	snprintf(want, sizeof(want), "%s", c.path);
	memcg_destroy(&c);
	assert_false(is_dir(want));
}

/* v2: memory in the delegated cgroup's subtree_control: a child of it. */
static void test_create_v2_fixture(void **state)
{
	struct tree *t = *state;
	struct memcg c = MEMCG_INIT;
	char want[256], why[512];

	v2_tree(t->root, "cpu memory\n");
	assert_int_equal(memcg_create(&c, t->root, why, sizeof(why)), 0);
	assert_int_equal(c.version, 2);
	snprintf(want, sizeof(want), "%s/sys/fs/cgroup/user.slice/deleg/"
		 "taskmem.%d", t->root, (int)getpid());
	assert_string_equal(c.path, want);
	memcg_destroy(&c);
	assert_false(is_dir(want));
}

/* v2 without memory for the children: enabling it is tried (a plain
 * file takes the write here) */
static void test_create_v2_enables_memory(void **state)
{
	struct tree *t = *state;
	struct memcg c = MEMCG_INIT;
	char path[256], why[512], buf[64] = "";
	FILE *f;

	v2_tree(t->root, "cpu\n");
	assert_int_equal(memcg_create(&c, t->root, why, sizeof(why)), 0);
	snprintf(path, sizeof(path), "%s/sys/fs/cgroup/user.slice/deleg/"
		 "cgroup.subtree_control", t->root);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "+memory");
	memcg_destroy(&c);
}


/* A killed run's empty cgroup goes; a busy name gets a suffix. */
static void test_create_sweeps_stale(void **state)
{
	struct tree *t = *state;
	struct memcg c = MEMCG_INIT;
	char path[PATH_MAX], want[PATH_MAX], why[512];
	const char *dir = "sys/fs/cgroup/memory/job/a";

	v1_tree(t->root);
	snprintf(path, sizeof(path), "%s/%s/taskmem.4194304", t->root, dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/%s/taskmem.x", t->root, dir);
	assert_int_equal(mkdir(path, 0755), 0);
	/* ours, and not empty: stays, so the new one takes another name */
	snprintf(path, sizeof(path), "%s/taskmem.%d/cgroup.procs", dir,
		 (int)getpid());
	put(t->root, path, "1\n");
	assert_int_equal(memcg_create(&c, t->root, why, sizeof(why)), 0);
	snprintf(path, sizeof(path), "%s/%s/taskmem.4194304", t->root, dir);
	assert_false(is_dir(path));
	snprintf(path, sizeof(path), "%s/%s/taskmem.x", t->root, dir);
	assert_true(is_dir(path));
	snprintf(want, sizeof(want), "%s/%s/taskmem.%d.1", t->root, dir,
		 (int)getpid());
	assert_string_equal(c.path, want);
	memcg_destroy(&c);
}


/* -p: the cgroup a process is in, in the hierarchy taskmem would use. */
static void test_of_pid_fixture(void **state)
{
	struct tree *t = *state;
	struct memcg c = MEMCG_INIT;
	char want[PATH_MAX], why[512];

	v1_tree(t->root);
	put(t->root, "sys/fs/cgroup/memory/svc/memory.max_usage_in_bytes",
	    "5\n");
	put(t->root, "proc/4242/cgroup", "4:memory:/svc\n0::/\n");
	put(t->root, "proc/4243/cgroup", "4:memory:/job/a\n0::/\n");
	put(t->root, "proc/4244/cgroup", "0::/\n");
	assert_int_equal(memcg_of_pid(&c, t->root, 4242, why, sizeof(why)), 0);
	snprintf(want, sizeof(want), "%s/sys/fs/cgroup/memory/svc", t->root);
	assert_string_equal(c.path, want);
	assert_int_equal(c.version, 1);
	memcg_destroy(&c);
	/* taskmem's own */
	assert_int_equal(memcg_of_pid(&c, t->root, 4243, why, sizeof(why)),
			 -EBUSY);
	assert_int_equal(memcg_of_pid(&c, t->root, 4244, why, sizeof(why)),
			 -ENOENT);
	assert_int_equal(memcg_of_pid(&c, t->root, 4245, why, sizeof(why)),
			 -ENOENT);
}

static void test_create_none(void **state)
{
	struct tree *t = *state;
	struct memcg c = MEMCG_INIT;
	char why[512];

	put(t->root, "proc/self/mountinfo",
	    "22 1 0:21 / /sys rw,nosuid - sysfs sysfs rw\n");
	put(t->root, "proc/self/cgroup", "0::/\n");
	assert_int_equal(memcg_create(&c, t->root, why, sizeof(why)), -ENOENT);
	assert_int_equal(c.version, 0);
	assert_non_null(strstr(why, "no memory cgroup controller"));
}

/* A sample: memory.stat and v1's kmem usage, from files kept open. */
static void test_sample_v1_fixture(void **state)
{
	struct tree *t = *state;
	struct memcg c = MEMCG_INIT;
	struct unique_breakdown b;
	uint64_t usage, wm;
	char why[512];

	v1_tree(t->root);
	put(t->root, "sys/fs/cgroup/memory/job/a/memory.stat", V1_STAT);
	put(t->root, "sys/fs/cgroup/memory/job/a/memory.kmem.usage_in_bytes",
	    "4096000\n");
	put(t->root, "sys/fs/cgroup/memory/job/a/memory.usage_in_bytes",
	    "50000000\n");
	put(t->root, "sys/fs/cgroup/memory/job/a/cgroup.procs", "");
	put(t->root, "sys/fs/cgroup/memory/other/memory.max_usage_in_bytes",
	    "1\n");
	put(t->root, "sys/fs/cgroup/memory/other/memory.stat", V1_STAT);
	put(t->root, "sys/fs/cgroup/memory/other/memory.kmem.usage_in_bytes",
	    "4096000\n");
	put(t->root, "sys/fs/cgroup/memory/other/memory.usage_in_bytes",
	    "50000000\n");
	/* taskmem's own cgroup cannot be followed, nor one above it */
	assert_int_equal(memcg_open(&c, t->root, "/job/a", why, sizeof(why)),
			 -EBUSY);
	assert_int_equal(memcg_open(&c, t->root, "/job", why, sizeof(why)),
			 -EBUSY);
	assert_int_equal(memcg_open(&c, t->root, "/nowhere", why, sizeof(why)),
			 -ENOENT);
	/* by its path in the hierarchy */
	assert_int_equal(memcg_open(&c, t->root, "/other", why, sizeof(why)), 0);
	assert_int_equal(c.version, 1);
	assert_false(c.created);
	assert_int_equal(memcg_sample(&c, &b, &usage), 0);
	assert_int_equal(b.item[UNIQUE_ANON], 14229504);
	assert_int_equal(b.item[UNIQUE_KERNEL_OTHER], 4096000);
	assert_int_equal(usage, 50000000);
	/* again, from the open files */
	assert_int_equal(memcg_sample(&c, &b, &usage), 0);
	assert_int_equal(b.item[UNIQUE_ANON], 14229504);
	assert_int_equal(memcg_watermark(&c, &wm), 0);
	assert_int_equal(wm, 1);
	memcg_destroy(&c);
	/* followed, not made: never removed */
	snprintf(why, sizeof(why), "%s/sys/fs/cgroup/memory/other", t->root);
	assert_true(is_dir(why));
}

static void test_sample_v2_fixture(void **state)
{
	struct tree *t = *state;
	struct memcg c = MEMCG_INIT;
	struct unique_breakdown b;
	uint64_t usage, wm;
	char dir[256], why[512];
	int pids[4];

	v2_tree(t->root, "memory\n");
	put(t->root, "sys/fs/cgroup/pod/memory.current", "7000\n");
	put(t->root, "sys/fs/cgroup/pod/memory.peak", "9000\n");
	put(t->root, "sys/fs/cgroup/pod/memory.stat", V2_STAT);
	put(t->root, "sys/fs/cgroup/pod/cgroup.procs", "10\n11\n");
	put(t->root, "sys/fs/cgroup/pod/c1/cgroup.procs", "12\n");
	/* by its directory */
	snprintf(dir, sizeof(dir), "%s/sys/fs/cgroup/pod", t->root);
	assert_int_equal(memcg_open(&c, t->root, dir, why, sizeof(why)), 0);
	assert_int_equal(c.version, 2);
	assert_int_equal(memcg_sample(&c, &b, &usage), 0);
	assert_int_equal(b.item[UNIQUE_KERNEL_STACK], 327680);
	assert_int_equal(b.item[UNIQUE_KERNEL_OTHER], 0);
	assert_int_equal(usage, 7000);
	assert_int_equal(memcg_watermark(&c, &wm), 0);
	assert_int_equal(wm, 9000);
	/* its processes and those below it */
	assert_int_equal(memcg_pids(&c, pids, 4), 3);
	assert_int_equal(pids[0] + pids[1] + pids[2], 33);
	assert_int_equal(memcg_pids(&c, pids, 2), -E2BIG);
	assert_true(memcg_id(&c) > 0);
	memcg_destroy(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_and_destroy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_usage_of_child, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_destroy_with_child_inside,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_enter_missing_pid, setup,
						teardown),
		cmocka_unit_test(test_parse_stat_v1),
		cmocka_unit_test(test_parse_stat_v2),
		cmocka_unit_test(test_parse_self),
		cmocka_unit_test(test_parse_mount),
		cmocka_unit_test_setup_teardown(test_create_v1_fixture,
						tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_create_v2_fixture,
						tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_create_v2_enables_memory,
						tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_create_sweeps_stale,
						tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_of_pid_fixture, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_create_none, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_sample_v1_fixture,
						tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_sample_v2_fixture,
						tree_setup, tree_teardown),
	};

	return cmocka_run_group_tests_name("cgroup", tests, NULL, NULL);
}
