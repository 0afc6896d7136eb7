// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "common/asuser.h"
#include "common/cli.h"

static struct asuser the_user;
static bool have_user;

int asuser_from_env(struct asuser *u, char *err, size_t errlen)
{
	const char *suid = getenv("SUDO_UID"), *sgid = getenv("SUDO_GID");
	unsigned long uid, gid;
	struct passwd *pw;

	memset(u, 0, sizeof(*u));
	if (!suid || geteuid() != 0)
		return 0;
	/* sudo's word, but still checked: root stays root */
	if (cli_parse_ulong(suid, 0, 0xfffffffe, &uid) ||
	    cli_parse_ulong(sgid ? sgid : "", 0, 0xfffffffe, &gid)) {
		snprintf(err, errlen, "invalid SUDO_UID '%s' or SUDO_GID '%s'",
			 suid, sgid ? sgid : "");
		return -EINVAL;
	}
	if (uid == 0)
		return 0;
	pw = getpwuid(uid);
	if (!pw) {
		snprintf(err, errlen, "no user with SUDO_UID %lu", uid);
		return -EINVAL;
	}
	if (strlen(pw->pw_name) >= sizeof(u->name) ||
	    strlen(pw->pw_dir) >= sizeof(u->home)) {
		snprintf(err, errlen,
			 "user %.32s... has a name or home directory too long "
			 "to switch to", pw->pw_name);
		return -EINVAL;
	}
	u->uid = uid;
	u->gid = gid;
	strcpy(u->name, pw->pw_name);
	strcpy(u->home, pw->pw_dir);
	u->ngroups = ASUSER_MAX_GROUPS;
	if (getgrouplist(u->name, u->gid, u->groups, &u->ngroups) < 0) {
		snprintf(err, errlen, "user %s is in more than %d groups",
			 u->name, ASUSER_MAX_GROUPS);
		return -EINVAL;
	}
	return 1;
}

int asuser_init(char *err, size_t errlen)
{
	int ret = asuser_from_env(&the_user, err, errlen);

	have_user = ret > 0;
	return ret < 0 ? ret : 0;
}

const struct asuser *asuser_get(void)
{
	return have_user ? &the_user : NULL;
}

void asuser_set(const struct asuser *u)
{
	have_user = u != NULL;
	if (u)
		the_user = *u;
}

/* In the child: the user's identity for good, capabilities gone. */
static int become(const struct asuser *u)
{
	if (setgroups(u->ngroups, u->groups) ||
	    setresgid(u->gid, u->gid, u->gid) ||
	    setresuid(u->uid, u->uid, u->uid))
		return -errno;
	return 0;
}

static void child_reply(int sock, int ret, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &ret, .iov_len = sizeof(ret) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;

	if (fd >= 0) {
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
		_exit(1);
	_exit(0);
}

/* The child's answer: its result, and the descriptor if one came. */
static int parent_receive(int sock, bool gives_fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	int ret = -EIO, fd = -1;
	struct iovec iov = { .iov_base = &ret, .iov_len = sizeof(ret) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	ssize_t n;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(ret))
		return -EIO;
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	if (!gives_fd || ret < 0) {
		if (fd >= 0)
			close(fd);
		return ret;
	}
	return fd >= 0 ? fd : -EIO;
}

int asuser_call(int (*op)(void *arg), void *arg, bool gives_fd)
{
	int sv[2], ret, status;
	pid_t pid;

	if (!have_user)
		return op(arg);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(sv[0]);
		close(sv[1]);
		return ret;
	}
	if (pid == 0) {
		close(sv[0]);
		ret = become(&the_user);
		if (!ret)
			ret = op(arg);
		child_reply(sv[1], ret, gives_fd && ret >= 0 ? ret : -1);
	}
	close(sv[1]);
	ret = parent_receive(sv[0], gives_fd);
	close(sv[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return ret;
}

/* ---- the operations ---- */

struct path_op {
	const char *path;
	const char *to;
	int flags;
	mode_t mode;
	int fd;
};

static int op_open(void *arg)
{
	const struct path_op *p = arg;
	int fd = open(p->path, p->flags, p->mode);

	return fd < 0 ? -errno : fd;
}

int asuser_open(const char *path, int flags, mode_t mode)
{
	struct path_op p = { .path = path, .flags = flags, .mode = mode };

	return asuser_call(op_open, &p, true);
}

static int op_file_type(void *arg)
{
	const struct path_op *p = arg;
	struct stat st;

	return lstat(p->path, &st) ? -errno : (int)(st.st_mode & S_IFMT);
}

int asuser_file_type(const char *path)
{
	struct path_op p = { .path = path };

	return asuser_call(op_file_type, &p, false);
}

static int op_rename(void *arg)
{
	const struct path_op *p = arg;

	return rename(p->path, p->to) ? -errno : 0;
}

int asuser_rename(const char *from, const char *to)
{
	struct path_op p = { .path = from, .to = to };

	return asuser_call(op_rename, &p, false);
}

static int op_unlink(void *arg)
{
	const struct path_op *p = arg;

	return unlink(p->path) ? -errno : 0;
}

int asuser_unlink(const char *path)
{
	struct path_op p = { .path = path };

	return asuser_call(op_unlink, &p, false);
}

static int op_mkdir(void *arg)
{
	const struct path_op *p = arg;

	return mkdir(p->path, p->mode) ? -errno : 0;
}

int asuser_mkdir(const char *path, mode_t mode)
{
	struct path_op p = { .path = path, .mode = mode };

	return asuser_call(op_mkdir, &p, false);
}

static int op_rmdir(void *arg)
{
	const struct path_op *p = arg;

	return rmdir(p->path) ? -errno : 0;
}

int asuser_rmdir(const char *path)
{
	struct path_op p = { .path = path };

	return asuser_call(op_rmdir, &p, false);
}

/*
 * linkat(AT_EMPTY_PATH) needs CAP_DAC_READ_SEARCH; the /proc link of the
 * descriptor needs nothing (the child inherited the descriptor).
 */
static int op_link_fd(void *arg)
{
	const struct path_op *p = arg;
	char proc[64];

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", p->fd);
	return linkat(AT_FDCWD, proc, AT_FDCWD, p->path, AT_SYMLINK_FOLLOW) ?
		       -errno : 0;
}

int asuser_link_fd(int fd, const char *path)
{
	struct path_op p = { .path = path, .fd = fd };

	return asuser_call(op_link_fd, &p, false);
}

/* environ is behind the ptrace read check (PTRACE_MODE_READ_FSCREDS). */
static int op_inspect(void *arg)
{
	const struct path_op *p = arg;
	int fd = open(p->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

int asuser_may_inspect(pid_t pid)
{
	char path[64];
	struct path_op p = { .path = path };

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	return asuser_call(op_inspect, &p, false);
}

const char *asuser_hint(int err)
{
	static char hint[160];

	if (!have_user || (err != -EACCES && err != -EPERM))
		return "";
	snprintf(hint, sizeof(hint),
		 " (taskmem was started through sudo: paths are opened with "
		 "the permissions of %s)", the_user.name);
	return hint;
}
