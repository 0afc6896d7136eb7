/* SPDX-License-Identifier: GPL-2.0 */
/*
 * user/common/: what every command shares: option parsing (cli.h),
 * errors and exit codes (this file), who the workload runs as (creds.h),
 * whole-file reading (text.h), the UTF-8 check (utf8.h). It uses only
 * libc: nothing in user/ is below it.
 *
 * taskmem's one error and exit-code policy (documented in README.md).
 */
#ifndef TM_ERRORS_H
#define TM_ERRORS_H

/*
 * taskmem exits with the workload's own status (0..255, 128+N when it died
 * of signal N). Its own failures use codes that shells and env(1) reserve.
 */
enum tm_exit {
	TM_EXIT_OK = 0,
	TM_EXIT_USAGE = 64,	/* bad option or argument: nothing was run */
	TM_EXIT_FAIL = 125,	/* taskmem itself failed (privileges, BPF, I/O) */
	TM_EXIT_NOEXEC = 126,	/* the command exists but cannot be executed */
	TM_EXIT_NOTFOUND = 127,	/* the command was not found */
};

/*
 * After parsing a subcommand's options (ret: 0, 1 for help, or an error
 * with its message in err): -1 to go on, else the exit code, with the
 * help on stdout or the error and a hint on stderr.
 */
int tm_parse_outcome(int ret, const char *err, const char *usage,
		     const char *cmd);

/* "taskmem: <message>" on stderr. */
void tm_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* TM_ERRORS_H */
