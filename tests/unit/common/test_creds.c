// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of user/creds.c: who the workload runs as (--user, --as-root,
 * SUDO_UID and SUDO_GID). Most need root: creds_resolve() keeps the
 * caller's credentials when it is not root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "testutil.h"
#include "common/creds.h"

#define NOBODY 65534		/* uid and gid of nobody on Debian */
#define NO_USER "no-such-user-taskmem"

/*
 * Non-NULL: getpwnam()/getpwuid() of this entry return it, for accounts
 * no test system has. These definitions take the place of libc's for
 * creds.o; any other name or uid is looked up as usual.
 */
static const struct passwd *fake_pw;

struct passwd *getpwnam(const char *name)
{
	static struct passwd pw;
	static char buf[16384];
	struct passwd *res = NULL;
	int err;

	if (fake_pw && !strcmp(name, fake_pw->pw_name))
		return (struct passwd *)fake_pw;
	err = getpwnam_r(name, &pw, buf, sizeof(buf), &res);
	if (err)
		errno = err;
	return res;
}

struct passwd *getpwuid(uid_t uid)
{
	static struct passwd pw;
	static char buf[16384];
	struct passwd *res = NULL;
	int err;

	if (fake_pw && uid == fake_pw->pw_uid)
		return (struct passwd *)fake_pw;
	err = getpwuid_r(uid, &pw, buf, sizeof(buf), &res);
	if (err)
		errno = err;
	return res;
}

/* What creds_resolve() made of the arguments and the environment. */
struct resolved {
	int ret;
	struct launch_cred c;
	char err[256];
};

/* The environment as the test runner had it, given back after each test. */
static char *saved_uid, *saved_gid;

static char *dup_env(const char *name)
{
	const char *v = getenv(name);

	return v ? strdup(v) : NULL;
}

static int setup(void **state)
{
	(void)state;
	saved_uid = dup_env("SUDO_UID");
	saved_gid = dup_env("SUDO_GID");
	unsetenv("SUDO_UID");
	unsetenv("SUDO_GID");
	fake_pw = NULL;
	return 0;
}

static void restore_env(const char *name, char *value)
{
	if (value)
		setenv(name, value, 1);
	else
		unsetenv(name);
	free(value);
}

static int teardown(void **state)
{
	(void)state;
	restore_env("SUDO_UID", saved_uid);
	restore_env("SUDO_GID", saved_gid);
	saved_uid = saved_gid = NULL;
	fake_pw = NULL;
	return 0;
}

/* SUDO_UID and SUDO_GID as sudo sets them; NULL unsets. */
static void sudo_env(const char *uid, const char *gid)
{
	if (uid)
		setenv("SUDO_UID", uid, 1);
	else
		unsetenv("SUDO_UID");
	if (gid)
		setenv("SUDO_GID", gid, 1);
	else
		unsetenv("SUDO_GID");
}

static void resolve(const char *user, int as_root, struct resolved *r)
{
	memset(r, 0, sizeof(*r));
	memset(&r->c, 0xa5, sizeof(r->c));	/* must all be overwritten */
	r->ret = creds_resolve(user, as_root, &r->c, r->err, sizeof(r->err));
}



static void expect_no_drop(const struct resolved *r)
{
	assert_int_equal(r->ret, 0);
	assert_false(r->c.drop);
	assert_int_equal(r->c.uid, 0);
	assert_int_equal(r->c.gid, 0);
	assert_string_equal(r->c.user, "");
	assert_string_equal(r->c.home, "");
}

/* Drop to nobody, with gid, as /etc/passwd describes nobody. */
static void expect_nobody(const struct resolved *r, gid_t gid)
{
	struct passwd *pw = getpwnam("nobody");

	assert_non_null(pw);
	assert_int_equal(pw->pw_uid, NOBODY);
	if (r->ret)
		fail_msg("creds_resolve: %d (%s)", r->ret, r->err);
	assert_true(r->c.drop);
	assert_int_equal(r->c.uid, NOBODY);
	assert_int_equal(r->c.gid, gid);
	assert_string_equal(r->c.user, "nobody");
	assert_string_equal(r->c.home, pw->pw_dir);
	/* the groups are looked up before fork: gid is one of them */
	assert_true(r->c.ngroups >= 1);
	assert_int_equal(r->c.groups[0], gid);
}

static void expect_error(const struct resolved *r, const char *needle)
{
	assert_int_equal(r->ret, -EINVAL);
	if (!strstr(r->err, needle))
		fail_msg("error message '%s' does not name '%s'", r->err,
			 needle);
}

static void expect_denied(const struct resolved *r, const char *needle)
{
	assert_int_equal(r->ret, -EPERM);
	assert_false(r->c.drop);
	if (!strstr(r->err, needle))
		fail_msg("error message '%s' does not name '%s'", r->err,
			 needle);
}

/* Plain root, no sudo, no option: nothing to drop. */
static void test_root_without_sudo(void **state)
{
	struct resolved r;

	(void)state;
	need_root();
	resolve(NULL, 0, &r);
	expect_no_drop(&r);
}

/* --as-root keeps root, even with an unknown --user; not through sudo. */
static void test_as_root(void **state)
{
	struct resolved r;

	(void)state;
	resolve(NULL, 1, &r);
	expect_no_drop(&r);
	resolve(NO_USER, 1, &r);
	expect_no_drop(&r);
	if (geteuid() != 0)
		return;
	sudo_env("0", "0");
	resolve("nobody", 1, &r);
	expect_no_drop(&r);
	/* through sudo it would be a root shell for the user */
	sudo_env("65534", "65534");
	resolve(NULL, 1, &r);
	expect_denied(&r, "refusing --as-root");
	expect_denied(&r, "env -u SUDO_UID -u SUDO_GID");
	sudo_env("abc", "");
	resolve(NULL, 1, &r);
	expect_error(&r, "SUDO_UID 'abc'");
}

static void test_user(void **state)
{
	struct passwd *pw = getpwnam("nobody");
	struct resolved r;

	(void)state;
	need_root();
	assert_non_null(pw);
	resolve("nobody", 0, &r);
	expect_nobody(&r, pw->pw_gid);	/* the user's primary group */
}

/* Through sudo, --user may name only the user behind sudo. */
static void test_user_through_sudo(void **state)
{
	struct passwd *pw = getpwnam("nobody");
	struct resolved r;

	(void)state;
	need_root();
	assert_non_null(pw);
	sudo_env("0", "0");
	resolve("nobody", 0, &r);
	expect_nobody(&r, pw->pw_gid);
	sudo_env("65534", "65534");
	resolve("nobody", 0, &r);
	expect_nobody(&r, NOBODY);
	resolve("root", 0, &r);
	expect_denied(&r, "refusing --user root");
	expect_denied(&r, "env -u SUDO_UID -u SUDO_GID");
	sudo_env("abc", NULL);
	resolve("nobody", 0, &r);
	expect_error(&r, "SUDO_UID 'abc'");
}

/* A real root may run a workload as root (no "way back" check then). */
static void test_user_root(void **state)
{
	struct resolved r;

	(void)state;
	need_root();
	resolve("root", 0, &r);
	assert_int_equal(r.ret, 0);
	assert_true(r.c.drop);
	assert_int_equal(r.c.uid, 0);
	assert_int_equal(r.c.gid, 0);
	assert_string_equal(r.c.user, "root");
}

static void test_user_unknown(void **state)
{
	struct resolved r;

	(void)state;
	need_root();
	resolve(NO_USER, 0, &r);
	expect_error(&r, "'" NO_USER "'");
	expect_error(&r, "--user");
	resolve("", 0, &r);
	assert_int_equal(r.ret, -EINVAL);
}

/* Run through sudo: the invoking user, with sudo's group. */
static void test_sudo(void **state)
{
	struct resolved r;

	(void)state;
	need_root();
	sudo_env("65534", "65534");
	resolve(NULL, 0, &r);
	expect_nobody(&r, NOBODY);
}

/* The group is SUDO_GID, not the passwd entry's. */
static void test_sudo_gid(void **state)
{
	struct resolved r;

	(void)state;
	need_root();
	sudo_env("65534", "100");
	resolve(NULL, 0, &r);
	expect_nobody(&r, 100);
	sudo_env("65534", "0");
	resolve(NULL, 0, &r);
	expect_nobody(&r, 0);
}

/* `sudo` from root (SUDO_UID=0): root stays root. */
static void test_sudo_uid_zero(void **state)
{
	struct resolved r;

	(void)state;
	need_root();
	sudo_env("0", "0");
	resolve(NULL, 0, &r);
	expect_no_drop(&r);
	sudo_env("0", "65534");
	resolve(NULL, 0, &r);
	expect_no_drop(&r);
}

static void test_sudo_uid_invalid(void **state)
{
	static const char *const bad[] = {
		"abc", "-1", "", " 65534", "65534 ", "+65534", "65534x",
		"0x10", "4294967295", "4294967296", "99999999999999999999",
	};
	struct resolved r;
	char quoted[64];
	size_t i;

	(void)state;
	need_root();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sudo_env(bad[i], "65534");
		resolve(NULL, 0, &r);
		snprintf(quoted, sizeof(quoted), "SUDO_UID '%s'", bad[i]);
		expect_error(&r, quoted);
		assert_false(r.c.drop);
	}
}

static void test_sudo_gid_invalid(void **state)
{
	static const char *const bad[] = {
		"abc", "-1", "", "4294967295", "1.5",
	};
	struct resolved r;
	char quoted[64];
	size_t i;

	(void)state;
	need_root();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sudo_env("65534", bad[i]);
		resolve(NULL, 0, &r);
		snprintf(quoted, sizeof(quoted), "SUDO_GID '%s'", bad[i]);
		expect_error(&r, quoted);
		assert_false(r.c.drop);
	}
	/* SUDO_UID without SUDO_GID: not what sudo does, so not trusted */
	sudo_env("65534", NULL);
	resolve(NULL, 0, &r);
	expect_error(&r, "SUDO_GID ''");
}

/* A SUDO_UID with no passwd entry. */
static void test_sudo_uid_no_user(void **state)
{
	struct resolved r;

	(void)state;
	need_root();
	assert_null(getpwuid(3999999999U));
	sudo_env("3999999999", "65534");
	resolve(NULL, 0, &r);
	expect_error(&r, "3999999999");
}

/* Not root: nothing to drop, whatever is asked. */
static int check_not_root(void)
{
	struct launch_cred c;
	char err[128];

	if (creds_resolve("nobody", 0, &c, err, sizeof(err)) || c.drop)
		return 1;
	if (creds_resolve(NO_USER, 0, &c, err, sizeof(err)) || c.drop)
		return 2;
	setenv("SUDO_UID", "abc", 1);
	if (creds_resolve(NULL, 0, &c, err, sizeof(err)) || c.drop)
		return 3;
	setenv("SUDO_UID", "0", 1);
	setenv("SUDO_GID", "0", 1);
	if (creds_resolve(NULL, 0, &c, err, sizeof(err)) || c.drop)
		return 4;
	return 0;
}

static void test_not_root(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	if (geteuid() != 0) {
		assert_int_equal(check_not_root(), 0);
		return;
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
			_exit(100);
		_exit(check_not_root());
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 100)
		fail_msg("cannot become nobody");
	if (WEXITSTATUS(status))
		fail_msg("as nobody, case %d dropped or failed",
			 WEXITSTATUS(status));
}

/*
 * A passwd entry no test system has, for the limits of struct
 * launch_cred: name_len and home_len characters (63 and 255 fit).
 */
#define FAKE_UID 3999999998U

static void fake_user(size_t name_len, size_t home_len)
{
	static char name[128], home[512];
	static struct passwd pw;

	assert_true(name_len < sizeof(name) && home_len < sizeof(home));
	memset(name, 'u', name_len);
	name[name_len] = '\0';
	home[0] = '/';
	memset(home + 1, 'h', home_len - 1);
	home[home_len] = '\0';
	pw = (struct passwd){
		.pw_name = name, .pw_passwd = "x", .pw_uid = FAKE_UID,
		.pw_gid = NOBODY, .pw_gecos = "", .pw_dir = home,
		.pw_shell = "/bin/sh",
	};
	fake_pw = &pw;
}

#define USER_MAX (sizeof(((struct launch_cred *)0)->user) - 1)
#define HOME_MAX (sizeof(((struct launch_cred *)0)->home) - 1)

static void test_longest_names(void **state)
{
	struct resolved r;

	(void)state;
	need_root();
	fake_user(USER_MAX, HOME_MAX);
	resolve(fake_pw->pw_name, 0, &r);
	assert_int_equal(r.ret, 0);
	assert_true(r.c.drop);
	assert_int_equal(r.c.uid, FAKE_UID);
	assert_int_equal(r.c.gid, NOBODY);
	assert_string_equal(r.c.user, fake_pw->pw_name);
	assert_string_equal(r.c.home, fake_pw->pw_dir);
	sudo_env("3999999998", "100");
	resolve(NULL, 0, &r);
	assert_int_equal(r.ret, 0);
	assert_string_equal(r.c.user, fake_pw->pw_name);
	assert_int_equal(r.c.gid, 100);
}

/*
 * One character more cannot be taken: refused like any other refusal,
 * -EINVAL with the reason in err, since the caller prints err.
 */
static void expect_refused(const struct resolved *r, const char *what)
{
	if (r->ret != -EINVAL || !r->err[0])
		fail_msg("%s: %d (%s), expected -EINVAL and a message", what,
			 r->ret, r->err[0] ? r->err : "no message");
	assert_false(r->c.drop);
}

static void test_home_too_long(void **state)
{
	struct resolved r;

	(void)state;
	need_root();
	fake_user(8, HOME_MAX + 1);
	resolve(fake_pw->pw_name, 0, &r);
	expect_refused(&r, "--user with a 256-character home");
	expect_error(&r, fake_pw->pw_name);
}

static void test_name_too_long(void **state)
{
	struct resolved r;

	(void)state;
	need_root();
	fake_user(USER_MAX + 1, 10);
	sudo_env("3999999998", "65534");
	resolve(NULL, 0, &r);
	expect_refused(&r, "SUDO_UID of a 64-character user name");
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_root_without_sudo),
		TEST(test_as_root),
		TEST(test_user),
		TEST(test_user_through_sudo),
		TEST(test_user_root),
		TEST(test_user_unknown),
		TEST(test_sudo),
		TEST(test_sudo_gid),
		TEST(test_sudo_uid_zero),
		TEST(test_sudo_uid_invalid),
		TEST(test_sudo_gid_invalid),
		TEST(test_sudo_uid_no_user),
		TEST(test_not_root),
		TEST(test_longest_names),
		TEST(test_home_too_long),
		TEST(test_name_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
