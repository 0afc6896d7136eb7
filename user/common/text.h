/* SPDX-License-Identifier: GPL-2.0 */
/* Reading a whole text file a user named (no libbpf). */
#ifndef TM_TEXT_H
#define TM_TEXT_H

#include <stddef.h>

/* What text_read() reads at most unless told: a JSON report's bound. */
#define TEXT_MAX_DEFAULT (256UL << 20)

/*
 * A file a user named: its contents, NUL-terminated, to free(); NULL with
 * errno set. Opened as the user behind sudo (common/asuser.h). At most max
 * bytes: a larger regular file is refused before reading, a pipe or a
 * device is read no further (errno EFBIG); a NUL byte means it is not
 * text (errno EILSEQ).
 */
char *text_read_user(const char *path, size_t max);
/* A file of the system's (/proc...), read as taskmem, like the above. */
char *text_read(const char *path);
/* What a message says of errno err after text_read(). */
const char *text_strerror(int err, size_t max);

#endif /* TM_TEXT_H */
