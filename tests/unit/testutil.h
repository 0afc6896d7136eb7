/* SPDX-License-Identifier: GPL-2.0 */
/* What several unit tests share; include after cmocka.h. */
#ifndef TM_TESTUTIL_H
#define TM_TESTUTIL_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline int ci(void)
{
	const char *v = getenv("CI");

	return v && !strcmp(v, "true");
}

/* Outside CI a test that needs root is skipped; in CI it fails. */
static inline void need_root(void)
{
	if (geteuid() == 0)
		return;
	if (ci())
		fail_msg("this test needs root (CI=true)");
	skip();
}

static inline int remove_one(const char *path, const struct stat *st,
			     int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

/* Remove a scratch directory and everything in it. */
static inline int remove_tree(const char *dir)
{
	return nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif /* TM_TESTUTIL_H */
