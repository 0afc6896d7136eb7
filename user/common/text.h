/* SPDX-License-Identifier: GPL-2.0 */
/* Reading a whole text file (no libbpf). */
#ifndef TM_TEXT_H
#define TM_TEXT_H

/* The file's contents, NUL-terminated, to free(); NULL with errno set. */
char *text_read(const char *path);

#endif /* TM_TEXT_H */
