// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/output.c: where the report goes (stderr, a new file,
 * a replaced file, a device, a FIFO, a symlink) and what is left behind.
 */
#undef _FORTIFY_SOURCE	/* open() is defined below */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "testutil.h"
#include "output/file.h"

#define NOBODY 65534	/* uid and gid of nobody/nogroup on Debian */

/*
 * Non-zero: open(O_TMPFILE) fails with this errno, as on a filesystem
 * (EOPNOTSUPP) or a kernel before 3.11 (EISDIR) without O_TMPFILE. This
 * definition takes the place of libc's for output.o; libc's own internal
 * opens (fopen, mkostemp) are not affected.
 */
static int tmpfile_errno;

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (tmpfile_errno && (flags & O_TMPFILE) == O_TMPFILE) {
		errno = tmpfile_errno;
		return -1;
	}
	return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}

/* A scratch directory and the report path in it; umask 022. */
struct fixture {
	char dir[256];
	char path[512];
	mode_t umask;
};

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	if (snprintf(fx->dir, sizeof(fx->dir), "%s/test_output.XXXXXX",
		     tmp && *tmp ? tmp : "/tmp") >= (int)sizeof(fx->dir) ||
	    !mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof(fx->path), "%s/report.json", fx->dir);
	fx->umask = umask(022);
	tmpfile_errno = 0;
	*state = fx;
	return 0;
}


static int teardown(void **state)
{
	struct fixture *fx = *state;
	int ret;

	tmpfile_errno = 0;
	umask(fx->umask);
	ret = remove_tree(fx->dir);
	free(fx);
	return ret;
}

/* Runs a test once with O_TMPFILE as the system has it, once without. */
static int setup_no_tmpfile(void **state)
{
	int ret = setup(state);

	tmpfile_errno = EOPNOTSUPP;
	return ret;
}

static int setup_old_kernel(void **state)
{
	int ret = setup(state);

	tmpfile_errno = EISDIR;
	return ret;
}

/* How many entries dir has; their names, space-separated, in names. */
static int entries(const char *dir, char *names, size_t len)
{
	struct dirent *de;
	size_t used = 0;
	int n = 0;
	DIR *d;

	names[0] = '\0';
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		n++;
		if (used < len)
			used += (size_t)snprintf(names + used, len - used,
						 "%s ", de->d_name);
	}
	closedir(d);
	return n;
}

static void expect_entries(const char *dir, int n)
{
	char names[1024];
	int got = entries(dir, names, sizeof(names));

	if (got != n)
		fail_msg("%s holds %d entries (%s), expected %d", dir, got,
			 names, n);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void expect_content(const char *path, const char *text)
{
	char buf[256];
	size_t n;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_string_equal(buf, text);
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode;
}

/* Does dir take O_TMPFILE (with no failure injected)? */
static int dir_has_tmpfile(const char *dir)
{
	int fd;

	if (tmpfile_errno)
		return 0;
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}



/*
 * A character device like /dev/NAME (major 1, minor) in the scratch
 * directory: as root, a test that went wrong would otherwise replace the
 * system's own /dev/null. Not root: the real one, which we cannot harm.
 */
static void char_device(struct fixture *fx, const char *name,
			unsigned int minor, char *path, size_t len)
{
	snprintf(path, len, "%s/%s", fx->dir, name);
	if (!mknod(path, S_IFCHR | 0666, makedev(1, minor)))
		return;
	if (geteuid() == 0 && ci())
		fail_msg("cannot mknod %s: %s", path, strerror(errno));
	snprintf(path, len, "/dev/%s", name);
}

static void test_stderr(void **state)
{
	struct output o;

	(void)state;
	assert_int_equal(output_open(&o, NULL, stderr, NULL), 0);
	assert_ptr_equal(o.f, stderr);
	assert_null(o.tmp);
	assert_int_equal(output_chown(&o, NOBODY, NOBODY), 0);
	assert_int_equal(output_commit(&o), 0);
	assert_null(o.f);
	/* stderr is still open and usable */
	assert_int_not_equal(fcntl(STDERR_FILENO, F_GETFD), -1);
	assert_int_equal(fflush(stderr), 0);
	output_abort(&o);
	assert_int_not_equal(fcntl(STDERR_FILENO, F_GETFD), -1);
}

/* "-" is standard output, whatever the default; no file named "-". */
static void test_dash_is_stdout(void **state)
{
	struct fixture *fx = *state;
	struct output o;

	assert_int_equal(chdir(fx->dir), 0);
	assert_int_equal(output_open(&o, "-", stderr, NULL), 0);
	assert_ptr_equal(o.f, stdout);
	assert_null(o.tmp);
	assert_int_equal(output_commit(&o), 0);
	assert_int_not_equal(fcntl(STDOUT_FILENO, F_GETFD), -1);
	assert_int_equal(output_open(&o, "-", NULL, NULL), 0);
	assert_ptr_equal(o.f, stdout);
	output_abort(&o);
	assert_int_not_equal(fcntl(STDOUT_FILENO, F_GETFD), -1);
	assert_int_equal(access("-", F_OK), -1);
	assert_int_equal(chdir("/"), 0);
}

/* A new report appears only at commit, complete, with the umask's mode. */
static void test_new_file(void **state)
{
	struct fixture *fx = *state;
	struct output o;

	assert_int_equal(output_open(&o, fx->path, stderr, NULL), 0);
	assert_non_null(o.f);
	assert_int_equal(access(fx->path, F_OK), -1);
	assert_int_equal(errno, ENOENT);
	if (dir_has_tmpfile(fx->dir)) {
		assert_true(o.unnamed);
		expect_entries(fx->dir, 0);
	} else {
		assert_false(o.unnamed);
		expect_entries(fx->dir, 1);	/* report.json.XXXXXX */
	}
	assert_true(fputs("{\"ok\": true}\n", o.f) >= 0);
	assert_int_equal(output_commit(&o), 0);
	assert_null(o.f);
	assert_null(o.tmp);
	expect_entries(fx->dir, 1);
	expect_content(fx->path, "{\"ok\": true}\n");
	assert_true(S_ISREG(mode_of(fx->path)));
	assert_int_equal(mode_of(fx->path) & 07777, 0644);
}

/* The fallback's temporary sits beside the report, named after it. */
static void test_new_file_named_temporary(void **state)
{
	struct fixture *fx = *state;
	char names[1024], want[PATH_MAX];
	struct output o;

	assert_int_equal(output_open(&o, fx->path, stderr, NULL), 0);
	assert_false(o.unnamed);
	assert_non_null(o.tmp);
	snprintf(want, sizeof(want), "%s.", fx->path);
	assert_int_equal(strncmp(o.tmp, want, strlen(want)), 0);
	assert_int_equal(access(o.tmp, F_OK), 0);
	assert_int_equal(entries(fx->dir, names, sizeof(names)), 1);
	assert_int_equal(strncmp(names, "report.json.", 12), 0);
	assert_int_equal(access(fx->path, F_OK), -1);
	fputs("x\n", o.f);
	assert_int_equal(output_commit(&o), 0);
	expect_entries(fx->dir, 1);
	expect_content(fx->path, "x\n");
	assert_int_equal(mode_of(fx->path) & 07777, 0644);
}

static void test_mode_follows_umask(void **state)
{
	static const mode_t masks[] = { 022, 077, 027, 002, 0 };
	struct fixture *fx = *state;
	struct output o;
	size_t i;

	for (i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		umask(masks[i]);
		unlink(fx->path);
		assert_int_equal(output_open(&o, fx->path, stderr, NULL), 0);
		fputs("x\n", o.f);
		assert_int_equal(output_commit(&o), 0);
		assert_int_equal(mode_of(fx->path) & 07777,
				 0666 & ~masks[i]);
		/* and the umask is given back as it was */
		assert_int_equal(umask(masks[i]), masks[i]);
	}
}

/* A bare file name: the temporary goes in the current directory. */
static void test_relative_path(void **state)
{
	struct fixture *fx = *state;
	int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct output o;
	int ret;

	assert_true(cwd >= 0);
	assert_int_equal(chdir(fx->dir), 0);
	ret = output_open(&o, "report.json", stderr, NULL);
	if (!ret) {
		fputs("rel\n", o.f);
		ret = output_commit(&o);
	}
	assert_int_equal(fchdir(cwd), 0);
	close(cwd);
	assert_int_equal(ret, 0);
	expect_entries(fx->dir, 1);
	expect_content(fx->path, "rel\n");
}

/* An existing file is replaced whole at commit, and untouched until. */
static void test_replace_existing(void **state)
{
	struct fixture *fx = *state;
	struct stat before, after;
	struct output o;

	write_file(fx->path, "old report\n");
	assert_int_equal(stat(fx->path, &before), 0);
	assert_int_equal(output_open(&o, fx->path, stderr, NULL), 0);
	assert_non_null(o.tmp);
	fputs("new\n", o.f);
	fflush(o.f);
	expect_content(fx->path, "old report\n");
	expect_entries(fx->dir, dir_has_tmpfile(fx->dir) ? 1 : 2);
	assert_int_equal(output_commit(&o), 0);
	expect_content(fx->path, "new\n");
	expect_entries(fx->dir, 1);
	assert_int_equal(stat(fx->path, &after), 0);
	assert_int_not_equal(after.st_ino, before.st_ino);	/* renamed */
	assert_int_equal(after.st_mode & 07777, 0644);
}

/* Aborting a new report leaves neither the report nor a temporary. */
static void test_abort_new(void **state)
{
	struct fixture *fx = *state;
	struct output o;

	assert_int_equal(output_open(&o, fx->path, stderr, NULL), 0);
	fputs("partial", o.f);
	output_abort(&o);
	assert_null(o.f);
	assert_null(o.tmp);
	expect_entries(fx->dir, 0);
	output_abort(&o);	/* twice is harmless */
	expect_entries(fx->dir, 0);
}

/* Aborting a replacement leaves the old report as it was. */
static void test_abort_existing(void **state)
{
	struct fixture *fx = *state;
	struct output o;

	write_file(fx->path, "old report\n");
	assert_int_equal(output_open(&o, fx->path, stderr, NULL), 0);
	fputs("partial", o.f);
	output_abort(&o);
	expect_entries(fx->dir, 1);
	expect_content(fx->path, "old report\n");
}

static void test_abort_after_commit(void **state)
{
	struct fixture *fx = *state;
	struct output o;

	assert_int_equal(output_open(&o, fx->path, stderr, NULL), 0);
	fputs("done\n", o.f);
	assert_int_equal(output_commit(&o), 0);
	output_abort(&o);
	expect_entries(fx->dir, 1);
	expect_content(fx->path, "done\n");
}

/* A commit that cannot rename drops the report and says why. */
static void test_commit_temporary_gone(void **state)
{
	struct fixture *fx = *state;
	struct output o;

	assert_int_equal(output_open(&o, fx->path, stderr, NULL), 0);
	assert_false(o.unnamed);
	assert_int_equal(unlink(o.tmp), 0);
	fputs("lost\n", o.f);
	assert_int_equal(output_commit(&o), -ENOENT);
	assert_null(o.f);
	assert_null(o.tmp);
	expect_entries(fx->dir, 0);
}

/*
 * The unnamed file gets the name PATH.PID.tmp just before the rename. A
 * file of that name (left by a run killed between the two, with the same
 * pid as is common in containers) must not cost the report.
 */
static void test_commit_over_stale_temporary(void **state)
{
	struct fixture *fx = *state;
	char stale[PATH_MAX];
	struct output o;
	int ret;

	if (!dir_has_tmpfile(fx->dir))
		skip();
	snprintf(stale, sizeof(stale), "%s.%d.tmp", fx->path, (int)getpid());
	write_file(stale, "stale\n");
	assert_int_equal(output_open(&o, fx->path, stderr, NULL), 0);
	fputs("new\n", o.f);
	ret = output_commit(&o);
	if (ret)
		fail_msg("commit with a stale %s: %s (report lost)", stale,
			 strerror(-ret));
	expect_content(fx->path, "new\n");
}

/* /dev/null is written, never replaced: it stays a character device. */
static void test_dev_null(void **state)
{
	struct fixture *fx = *state;
	struct stat before, after;
	char path[PATH_MAX];
	struct output o;

	char_device(fx, "null", 3, path, sizeof(path));
	assert_int_equal(stat(path, &before), 0);
	assert_int_equal(output_open(&o, path, stderr, NULL), 0);
	assert_null(o.tmp);
	assert_false(o.unnamed);
	assert_int_equal(output_chown(&o, NOBODY, NOBODY), 0);
	fputs("discarded\n", o.f);
	assert_int_equal(output_commit(&o), 0);
	assert_int_equal(lstat(path, &after), 0);
	assert_true(S_ISCHR(after.st_mode));
	assert_int_equal(after.st_rdev, before.st_rdev);
	assert_int_equal(after.st_ino, before.st_ino);
	assert_int_equal(after.st_uid, before.st_uid);
	assert_int_equal(after.st_mode, before.st_mode);
	if (!strncmp(path, fx->dir, strlen(fx->dir)))
		expect_entries(fx->dir, 1);
}

/* A device that fails the write: the commit reports it. */
static void test_dev_full(void **state)
{
	struct fixture *fx = *state;
	char path[PATH_MAX];
	struct output o;

	char_device(fx, "full", 7, path, sizeof(path));
	assert_int_equal(output_open(&o, path, stderr, NULL), 0);
	fputs("no space\n", o.f);
	/* the write's own reason, not a generic I/O error */
	assert_int_equal(output_commit(&o), -ENOSPC);
	assert_string_equal(output_strerror(-ENOSPC), "No space left on device");
	assert_null(o.f);
	assert_true(S_ISCHR(mode_of(path)));
}

/* A FIFO is written in place: the reader gets the report. */
static void test_fifo(void **state)
{
	struct fixture *fx = *state;
	char path[PATH_MAX], buf[64];
	struct output o;
	ssize_t n;
	int rd;

	snprintf(path, sizeof(path), "%s/fifo", fx->dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	rd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	assert_true(rd >= 0);
	assert_int_equal(output_open(&o, path, stderr, NULL), 0);
	assert_null(o.tmp);
	assert_int_equal(output_chown(&o, NOBODY, NOBODY), 0);
	fputs("through the pipe\n", o.f);
	assert_int_equal(output_commit(&o), 0);
	n = read(rd, buf, sizeof(buf) - 1);
	close(rd);
	assert_int_equal(n, 17);
	buf[n] = '\0';
	assert_string_equal(buf, "through the pipe\n");
	assert_true(S_ISFIFO(mode_of(path)));
	expect_entries(fx->dir, 1);
	if (geteuid() == 0) {
		struct stat st;

		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_uid, 0);	/* not given away */
	}
}

/* A symlink is written through: the link stays, its target changes. */
static void test_symlink(void **state)
{
	struct fixture *fx = *state;
	char target[PATH_MAX], link[64];
	struct output o;
	ssize_t n;

	snprintf(target, sizeof(target), "%s/target.json", fx->dir);
	write_file(target, "old\n");
	assert_int_equal(symlink("target.json", fx->path), 0);
	assert_int_equal(output_open(&o, fx->path, stderr, NULL), 0);
	assert_null(o.tmp);
	fputs("through the link\n", o.f);
	assert_int_equal(output_commit(&o), 0);
	assert_true(S_ISLNK(mode_of(fx->path)));
	n = readlink(fx->path, link, sizeof(link) - 1);
	assert_int_equal(n, strlen("target.json"));
	link[n] = '\0';
	assert_string_equal(link, "target.json");
	expect_content(target, "through the link\n");
	expect_entries(fx->dir, 2);
}

/* A dangling symlink is refused: nothing is created through it. */
static void test_symlink_dangling(void **state)
{
	struct fixture *fx = *state;
	char target[PATH_MAX];
	struct output o;

	snprintf(target, sizeof(target), "%s/later.json", fx->dir);
	assert_int_equal(symlink("later.json", fx->path), 0);
	assert_int_equal(output_open(&o, fx->path, stderr, NULL), -ENOENT);
	assert_null(o.f);
	assert_true(S_ISLNK(mode_of(fx->path)));
	assert_int_equal(access(target, F_OK), -1);
	expect_entries(fx->dir, 1);
}

/* A block device is never a report: refused before a byte is written. */
static void test_block_device(void **state)
{
	struct fixture *fx = *state;
	char path[PATH_MAX];
	struct output o;
	int err;

	need_root();
	snprintf(path, sizeof(path), "%s/blk", fx->dir);
	/* loop0: refused after the open, or no such device here */
	assert_int_equal(mknod(path, S_IFBLK | 0600, makedev(7, 0)), 0);
	err = output_open(&o, path, stderr, NULL);
	if (err != -ENXIO)
		assert_int_equal(err, -ENOTBLK);
	assert_null(o.f);
	assert_true(strstr(output_strerror(-ENOTBLK), "block device") != NULL);
	expect_entries(fx->dir, 1);
}

static void expect_open_fails(const char *path, int err)
{
	struct output o;

	assert_int_equal(output_open(&o, path, stderr, NULL), err);
	assert_null(o.f);
	assert_null(o.tmp);
	assert_false(o.unnamed);
}

/* Paths that cannot be written fail at open, before any run. */
static void test_bad_paths(void **state)
{
	struct fixture *fx = *state;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/missing/report.json", fx->dir);
	expect_open_fails(path, -ENOENT);
	write_file(fx->path, "a file\n");
	snprintf(path, sizeof(path), "%s/x.json", fx->path);
	expect_open_fails(path, -ENOTDIR);
	expect_open_fails(fx->dir, -EISDIR);
	expect_entries(fx->dir, 1);
	expect_content(fx->path, "a file\n");
}

/*
 * A directory the user cannot write: -EACCES at open, nothing created.
 * Root writes anywhere, so as root the check runs in a child as nobody.
 */
static void test_unwritable_dir(void **state)
{
	struct fixture *fx = *state;
	char ro[PATH_MAX], path[PATH_MAX + 16];
	struct output o;
	int status, ret;
	pid_t pid;

	snprintf(ro, sizeof(ro), "%s/ro", fx->dir);
	assert_int_equal(mkdir(ro, 0555), 0);
	assert_int_equal(chmod(ro, 0555), 0);
	assert_int_equal(chmod(fx->dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/report.json", ro);
	if (geteuid() != 0) {
		expect_open_fails(path, -EACCES);
		expect_entries(ro, 0);
		return;
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
			_exit(100);
		ret = output_open(&o, path, stderr, NULL);
		_exit(ret == -EACCES && !o.f && !o.tmp ? 0 :
		      ret == 0 ? 101 : 102);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 100)
		fail_msg("cannot become nobody");
	if (WEXITSTATUS(status))
		fail_msg("output_open in a 0555 directory as nobody: %s",
			 WEXITSTATUS(status) == 101 ? "succeeded" :
			 "not -EACCES");
	expect_entries(ro, 0);
}

/* As root under sudo: the new report belongs to the invoking user. */
static void test_chown_new_file(void **state)
{
	struct fixture *fx = *state;
	struct output o;
	struct stat st;

	need_root();
	assert_int_equal(output_open(&o, fx->path, stderr, NULL), 0);
	assert_int_equal(output_chown(&o, NOBODY, NOBODY), 0);
	fputs("mine\n", o.f);
	assert_int_equal(output_commit(&o), 0);
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_uid, NOBODY);
	assert_int_equal(st.st_gid, NOBODY);
	assert_int_equal(st.st_mode & 07777, 0644);
}

static void test_chown_replaced_file(void **state)
{
	struct fixture *fx = *state;
	struct output o;
	struct stat st;

	need_root();
	write_file(fx->path, "root's\n");
	assert_int_equal(output_open(&o, fx->path, stderr, NULL), 0);
	assert_int_equal(output_chown(&o, NOBODY, NOBODY), 0);
	fputs("mine\n", o.f);
	assert_int_equal(output_commit(&o), 0);
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_uid, NOBODY);
	assert_int_equal(st.st_gid, NOBODY);
	expect_content(fx->path, "mine\n");
}

/* Each test once per way of making the temporary. */
#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
#define TEST_NO_TMPFILE(f) \
	cmocka_unit_test_setup_teardown(f, setup_no_tmpfile, teardown)
#define TEST_OLD_KERNEL(f) \
	cmocka_unit_test_setup_teardown(f, setup_old_kernel, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stderr),
		TEST(test_dash_is_stdout),
		TEST(test_new_file),
		TEST_NO_TMPFILE(test_new_file),
		TEST_OLD_KERNEL(test_new_file),
		TEST_NO_TMPFILE(test_new_file_named_temporary),
		TEST_OLD_KERNEL(test_new_file_named_temporary),
		TEST(test_mode_follows_umask),
		TEST_NO_TMPFILE(test_mode_follows_umask),
		TEST(test_relative_path),
		TEST_NO_TMPFILE(test_relative_path),
		TEST(test_replace_existing),
		TEST_NO_TMPFILE(test_replace_existing),
		TEST(test_abort_new),
		TEST_NO_TMPFILE(test_abort_new),
		TEST(test_abort_existing),
		TEST_NO_TMPFILE(test_abort_existing),
		TEST(test_abort_after_commit),
		TEST_NO_TMPFILE(test_commit_temporary_gone),
		TEST(test_commit_over_stale_temporary),
		TEST(test_dev_null),
		TEST(test_dev_full),
		TEST(test_fifo),
		TEST(test_symlink),
		TEST(test_symlink_dangling),
		TEST(test_block_device),
		TEST(test_bad_paths),
		TEST_NO_TMPFILE(test_bad_paths),
		TEST(test_unwritable_dir),
		TEST_NO_TMPFILE(test_unwritable_dir),
		TEST(test_chown_new_file),
		TEST_NO_TMPFILE(test_chown_new_file),
		TEST(test_chown_replaced_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
