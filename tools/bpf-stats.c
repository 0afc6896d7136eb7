/*
 * bpf-stats: runs a command with the kernel's BPF run-time statistics on
 * (run_time_ns and run_cnt of every program, as bpftool and fdinfo show
 * them), through BPF_ENABLE_STATS rather than the sysctl
 * kernel.bpf_stats_enabled: the kernel turns them off again when the last
 * such file descriptor closes, so nothing is left changed if the benchmark
 * is killed. Needs root (CAP_SYS_ADMIN).
 *
 * usage: bpf-stats COMMAND [ARG...]; exits with COMMAND's status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	union bpf_attr attr;
	int fd, status;
	pid_t pid;

	if (argc < 2) {
		fputs("usage: bpf-stats COMMAND [ARG...]\n", stderr);
		return 64;
	}
	memset(&attr, 0, sizeof(attr));
	attr.enable_stats.type = BPF_STATS_RUN_TIME;
	fd = syscall(__NR_bpf, BPF_ENABLE_STATS, &attr, sizeof(attr));
	if (fd < 0) {
		fprintf(stderr, "bpf-stats: cannot enable BPF statistics: %s "
			"(run as root; Linux 5.8 or later)\n", strerror(errno));
		return 125;
	}
	pid = fork();
	if (pid < 0) {
		perror("bpf-stats: fork");
		return 125;
	}
	if (!pid) {
		close(fd);
		execvp(argv[1], argv + 1);
		fprintf(stderr, "bpf-stats: cannot run %s: %s\n", argv[1],
			strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 125;
	return WIFEXITED(status) ? WEXITSTATUS(status)
				 : 128 + WTERMSIG(status);
}
