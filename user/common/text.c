// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "common/asuser.h"
#include "common/text.h"

/* Up to max + 1 bytes: one more than allowed tells a file is too long. */
static char *read_fd(int fd, size_t max, size_t *len, int *err)
{
	size_t cap = 0, want;
	char *buf = NULL, *p;
	ssize_t n;

	*len = 0;
	for (;;) {
		if (cap - *len < 4096 && cap <= max) {
			cap = cap ? cap * 2 : 65536;
			if (cap > max + 2)
				cap = max + 2;
			p = realloc(buf, cap);
			if (!p) {
				*err = ENOMEM;
				break;
			}
			buf = p;
		}
		want = cap - *len - 1;
		n = read(fd, buf + *len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*err = errno;
			break;
		}
		if (n == 0)
			return buf;
		if (memchr(buf + *len, '\0', n)) {
			*err = EILSEQ;
			break;
		}
		*len += n;
		if (*len > max) {
			*err = EFBIG;
			break;
		}
	}
	free(buf);
	return NULL;
}

static char *read_whole(int fd, size_t max)
{
	int err = 0;
	struct stat st;
	size_t len;
	char *buf = NULL;

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	if (fstat(fd, &st))
		err = errno;
	else if (S_ISDIR(st.st_mode))
		err = EISDIR;
	else if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max)
		err = EFBIG;
	else
		buf = read_fd(fd, max, &len, &err);
	close(fd);
	if (!buf) {
		errno = err;
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

char *text_read_user(const char *path, size_t max)
{
	return read_whole(asuser_open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY,
				      0), max);
}

char *text_read(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	return read_whole(fd < 0 ? -errno : fd, TEXT_MAX_DEFAULT);
}

const char *text_strerror(int err, size_t max)
{
	static char buf[256];

	if (err == EFBIG)
		snprintf(buf, sizeof(buf), "larger than %zu %s, taskmem's "
			 "limit for it", max >= (1UL << 20) ? max >> 20 : max,
			 max >= (1UL << 20) ? "MiB" : "bytes");
	else if (err == EILSEQ)
		snprintf(buf, sizeof(buf), "not a text file (it holds a NUL "
			 "byte)");
	else
		snprintf(buf, sizeof(buf), "%s%s", strerror(err),
			 asuser_hint(-err));
	return buf;
}
