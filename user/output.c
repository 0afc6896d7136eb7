// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "output.h"

/* mkostemp creates 0600; a report gets the mode a plain create would. */
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

int output_open(struct output *o, const char *path)
{
	int fd, err;

	memset(o, 0, sizeof(*o));
	o->path = path;
	if (!path) {
		o->f = stderr;
		return 0;
	}
	err = open_in_place(o);
	if (err <= 0)
		return err;
	if (asprintf(&o->tmp, "%s.XXXXXX", path) < 0) {
		o->tmp = NULL;
		return -ENOMEM;
	}
	fd = mkostemp(o->tmp, O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		free(o->tmp);
		o->tmp = NULL;
		return err;
	}
	set_default_mode(fd);
	o->f = fdopen(fd, "w");
	if (!o->f) {
		err = -errno;
		close(fd);
		output_abort(o);
		return err;
	}
	return 0;
}

int output_commit(struct output *o)
{
	int err = 0;

	if (!o->tmp) {
		if (fflush(o->f) || ferror(o->f))
			err = -EIO;
		if (o->f != stderr && fclose(o->f) && !err)
			err = -errno;
		o->f = NULL;
		return err;
	}
	if (fflush(o->f) || ferror(o->f))
		err = -EIO;
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
	if (o->f && o->f != stderr)
		fclose(o->f);
	o->f = NULL;
	if (o->tmp) {
		unlink(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
	}
}
