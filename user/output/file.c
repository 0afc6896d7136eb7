// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "common/asuser.h"
#include "common/creds.h"
#include "output/file.h"

/*
 * A file taskmem opened is written through this sink, which keeps the
 * write's errno: stdio's error flag alone cannot tell a full disk.
 */
struct out_sink {
	int fd;
	int err;	/* the first failed write's errno */
};

static ssize_t sink_write(void *cookie, const char *buf, size_t len)
{
	struct out_sink *s = cookie;
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = write(s->fd, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!s->err)
				s->err = n < 0 ? errno : EIO;
			return done ? (ssize_t)done : -1;
		}
		done += n;
	}
	return done;
}

static int sink_close(void *cookie)
{
	struct out_sink *s = cookie;
	int ret = close(s->fd);

	free(s);
	return ret;
}

/* A FILE on fd (closed on failure too). */
static int sink_open(struct output *o, int fd)
{
	static const cookie_io_functions_t io = {
		.write = sink_write,
		.close = sink_close,
	};

	o->sink = calloc(1, sizeof(*o->sink));
	if (o->sink) {
		o->sink->fd = fd;
		o->f = fopencookie(o->sink, "w", io);
	}
	if (!o->f) {
		free(o->sink);
		o->sink = NULL;
		close(fd);
		return -ENOMEM;
	}
	return 0;
}

/* Why writing failed: the write's own errno when one failed. */
static int write_error(const struct output *o)
{
	if (o->sink && o->sink->err)
		return -o->sink->err;
	return -EIO;
}

const char *output_strerror(int err)
{
	static char buf[256];

	if (err == -ENOTBLK)
		return "a block device: reports go to files, pipes and "
		       "terminals";
	snprintf(buf, sizeof(buf), "%s%s", strerror(-err), asuser_hint(err));
	return buf;
}

/* A new report gets the mode a plain create would give it. */
static void set_default_mode(int fd)
{
	mode_t mask = umask(0);

	umask(mask);
	if (fchmod(fd, 0666 & ~mask))
		return;
}

/*
 * Only a regular file (or a new one) is replaced atomically: renaming over
 * /dev/null, a FIFO, a terminal or a symlink would destroy it, so those are
 * written in place. Runs as the user behind sudo: a symlink leads only
 * where that user may write. Never created here (a dangling symlink is
 * refused), never a block device.
 */
#define REPLACE (-EEXIST)

static int op_open_in_place(void *arg)
{
	const char *path = arg;
	struct stat st;
	int fd;

	if (lstat(path, &st) || S_ISREG(st.st_mode))
		return REPLACE;
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || S_ISBLK(st.st_mode)) {
		close(fd);
		return -ENOTBLK;
	}
	return fd;
}

static int open_in_place(struct output *o)
{
	int fd = asuser_call(op_open_in_place, (void *)o->path, true);

	if (fd == REPLACE)
		return 1;
	if (fd < 0)
		return fd;
	return sink_open(o, fd);
}

/*
 * An unnamed file in the report's directory: if taskmem is killed, even
 * with SIGKILL, nothing is left behind.
 */
static int open_unnamed(const char *path)
{
	char *dir = strdup(path), *slash;
	int fd;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = asuser_open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	free(dir);
	return fd;
}

/*
 * A free temporary name beside the report, taken by try(o) (>= 0 or
 * -errno); a name left by an earlier, killed run is not ours: try another.
 */
static int next_to_report(struct output *o, int (*try)(struct output *o))
{
	int n, ret;

	for (n = 0; n < 100; n++) {
		free(o->tmp);
		if (asprintf(&o->tmp, "%s.%d.%d.tmp", o->path, (int)getpid(),
			     n) < 0) {
			o->tmp = NULL;
			return -ENOMEM;
		}
		ret = try(o);
		if (ret >= 0)
			return ret;
		if (ret != -EEXIST)
			break;
	}
	/* nothing of ours has that name */
	free(o->tmp);
	o->tmp = NULL;
	return ret;
}

static int try_create(struct output *o)
{
	return asuser_open(o->tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC |
					   O_NOFOLLOW, 0600);
}

/* A temporary file beside the report: unnamed where the fs allows. */
static int open_temporary(struct output *o)
{
	int fd;

	fd = open_unnamed(o->path);
	if (fd >= 0) {
		o->unnamed = true;
		/* a name for output_commit(), and a mark: there is a temporary */
		o->tmp = strdup(o->path);
		if (!o->tmp) {
			close(fd);
			return -ENOMEM;
		}
		return fd;
	}
	if (fd != -EOPNOTSUPP && fd != -EISDIR)
		return fd;
	return next_to_report(o, try_create);
}

int output_open(struct output *o, const char *path, FILE *dflt,
		const struct launch_cred *owner)
{
	int fd, err;

	memset(o, 0, sizeof(*o));
	o->path = path;
	if (!path) {
		o->f = dflt;
		return 0;
	}
	/* the convention: "-" is standard output */
	if (!strcmp(path, "-")) {
		o->f = stdout;
		return 0;
	}
	err = open_in_place(o);
	if (err <= 0)
		return err;
	fd = open_temporary(o);
	if (fd < 0) {
		output_abort(o);
		return fd;
	}
	set_default_mode(fd);
	err = sink_open(o, fd);
	if (err) {
		output_abort(o);
		return err;
	}
	err = owner && owner->drop ? output_chown(o, owner->uid, owner->gid) : 0;
	if (err)
		output_abort(o);
	return err;
}

int output_chown(struct output *o, uid_t uid, gid_t gid)
{
	/* only files taskmem creates: never chown a device or a FIFO */
	if (!o->tmp || !o->sink)
		return 0;
	return fchown(o->sink->fd, uid, gid) ? -errno : 0;
}

static int try_link(struct output *o)
{
	return asuser_link_fd(o->sink->fd, o->tmp);
}

/* Give the unnamed file its temporary name, next to the report. */
static int name_unnamed(struct output *o)
{
	int err = next_to_report(o, try_link);

	if (!err)
		o->unnamed = false;
	return err;
}

int output_commit(struct output *o)
{
	int err = 0;

	if (fflush(o->f) || ferror(o->f))
		err = write_error(o);
	if (!o->tmp) {
		/* taskmem's own stdout and stderr stay open */
		if (o->f != stderr && o->f != stdout && fclose(o->f) && !err)
			err = -errno;
		o->f = NULL;
		o->sink = NULL;
		return err;
	}
	if (!err && o->unnamed)
		err = name_unnamed(o);
	if (fclose(o->f) && !err)
		err = -errno;
	o->f = NULL;
	o->sink = NULL;
	if (!err)
		err = asuser_rename(o->tmp, o->path);
	if (err) {
		output_abort(o);
		return err;
	}
	free(o->tmp);
	o->tmp = NULL;
	return 0;
}

void output_abort(struct output *o)
{
	if (o->f && o->f != stderr && o->f != stdout)
		fclose(o->f);
	o->f = NULL;
	o->sink = NULL;
	if (o->tmp) {
		if (!o->unnamed)
			asuser_unlink(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
	}
	o->unnamed = false;
}
