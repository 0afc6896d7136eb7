// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/asuser.h"
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
	c->ngroups = sizeof(c->groups) / sizeof(c->groups[0]);
	if (getgrouplist(c->user, gid, c->groups, &c->ngroups) < 0)
		c->ngroups = -1;
	return 0;
}

#define REAL_ROOT_HINT "; a real root (in a 'sudo -i' shell too) runs " \
	"'env -u SUDO_UID -u SUDO_GID taskmem ...'"

int creds_resolve(const char *user, int as_root, struct launch_cred *c,
		  char *err, size_t errlen)
{
	struct asuser sudo;
	struct passwd *pw;
	int ret;

	memset(c, 0, sizeof(*c));
	if (geteuid() != 0)
		return 0;
	ret = asuser_from_env(&sudo, err, errlen);
	if (ret < 0)
		return ret;
	/* through sudo, the user may run taskmem, not anything as root */
	if (ret && as_root) {
		snprintf(err, errlen, "refusing --as-root: taskmem was started "
			 "through sudo by %s, who may trace their own programs, "
			 "not run them as root" REAL_ROOT_HINT, sudo.name);
		return -EPERM;
	}
	if (as_root)
		return 0;
	if (user) {
		pw = getpwnam(user);
		if (!pw) {
			snprintf(err, errlen, "unknown user '%s' for --user",
				 user);
			return -EINVAL;
		}
		if (ret && pw->pw_uid != sudo.uid) {
			snprintf(err, errlen, "refusing --user %s: taskmem was "
				 "started through sudo by %s, who may run "
				 "programs only as themselves" REAL_ROOT_HINT,
				 pw->pw_name, sudo.name);
			return -EPERM;
		}
		return from_passwd(pw, ret ? sudo.gid : pw->pw_gid, c, err,
				   errlen);
	}
	if (!ret)
		return 0;
	pw = getpwuid(sudo.uid);
	if (!pw) {
		snprintf(err, errlen, "no user with SUDO_UID %lu",
			 (unsigned long)sudo.uid);
		return -EINVAL;
	}
	return from_passwd(pw, sudo.gid, c, err, errlen);
}
