// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/cli.h"
#include "common/creds.h"

static int from_passwd(const struct passwd *pw, gid_t gid,
		       struct launch_cred *c, char *err, size_t errlen)
{
	if (strlen(pw->pw_name) >= sizeof(c->user) ||
	    strlen(pw->pw_dir) >= sizeof(c->home)) {
		snprintf(err, errlen,
			 "user %.32s... has a name or home directory too long "
			 "to switch to", pw->pw_name);
		return -EINVAL;
	}
	c->drop = true;
	c->uid = pw->pw_uid;
	c->gid = gid;
	strcpy(c->user, pw->pw_name);
	strcpy(c->home, pw->pw_dir);
	return 0;
}

int creds_resolve(const char *user, int as_root, struct launch_cred *c,
		  char *err, size_t errlen)
{
	const char *suid = getenv("SUDO_UID"), *sgid = getenv("SUDO_GID");
	unsigned long uid, gid;
	struct passwd *pw;

	memset(c, 0, sizeof(*c));
	if (as_root || geteuid() != 0)
		return 0;
	if (user) {
		pw = getpwnam(user);
		if (!pw) {
			snprintf(err, errlen, "unknown user '%s' for --user",
				 user);
			return -EINVAL;
		}
		return from_passwd(pw, pw->pw_gid, c, err, errlen);
	}
	if (!suid)
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
	return from_passwd(pw, gid, c, err, errlen);
}
