// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "common/creds.h"
#include "output/file.h"

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
 * written in place.
 */
static int open_in_place(struct output *o)
{
	struct stat st;

	if (lstat(o->path, &st) || S_ISREG(st.st_mode))
		return 1;
	o->f = fopen(o->path, "we");
	return o->f ? 0 : -errno;
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
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	free(dir);
	return fd < 0 ? -errno : fd;
}

/* A temporary file beside the report: unnamed where the fs allows. */
static int open_temporary(struct output *o)
{
	int fd;

	if (asprintf(&o->tmp, "%s.XXXXXX", o->path) < 0) {
		o->tmp = NULL;
		return -ENOMEM;
	}
	fd = open_unnamed(o->path);
	if (fd >= 0) {
		o->unnamed = true;
		return fd;
	}
	if (fd != -EOPNOTSUPP && fd != -EISDIR)
		return fd;
	fd = mkostemp(o->tmp, O_CLOEXEC);
	return fd < 0 ? -errno : fd;
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
	o->f = fdopen(fd, "w");
	if (!o->f) {
		err = -errno;
		close(fd);
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
	if (!o->tmp || !o->f)
		return 0;
	return fchown(fileno(o->f), uid, gid) ? -errno : 0;
}

/* Give the unnamed file its temporary name, next to the report. */
static int name_unnamed(struct output *o)
{
	char proc[64];
	int fd = fileno(o->f);

	int try;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	/* a name left by an earlier, killed run is not ours: try another */
	for (try = 0; try < 100; try++) {
		free(o->tmp);
		if (asprintf(&o->tmp, "%s.%d.%d.tmp", o->path, (int)getpid(),
			     try) < 0) {
			o->tmp = NULL;
			return -ENOMEM;
		}
		if (!linkat(AT_FDCWD, proc, AT_FDCWD, o->tmp,
			    AT_SYMLINK_FOLLOW)) {
			o->unnamed = false;
			return 0;
		}
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int output_commit(struct output *o)
{
	int err = 0;

	if (fflush(o->f) || ferror(o->f))
		err = -EIO;
	if (!o->tmp) {
		/* taskmem's own stdout and stderr stay open */
		if (o->f != stderr && o->f != stdout && fclose(o->f) && !err)
			err = -errno;
		o->f = NULL;
		return err;
	}
	if (!err && o->unnamed)
		err = name_unnamed(o);
	if (fclose(o->f) && !err)
		err = -errno;
	o->f = NULL;
	if (!err && rename(o->tmp, o->path))
		err = -errno;
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
	if (o->tmp) {
		if (!o->unnamed)
			unlink(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
	}
	o->unnamed = false;
}
