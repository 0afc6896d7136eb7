/* SPDX-License-Identifier: GPL-2.0 */
/*
 * user/trace/: `taskmem trace`: the command (this file), the libbpf
 * session and its event loop (session.h), -p (attach.c), starting the
 * workload (launch.h), /proc and cgroup reads, the timeline recorder.
 * The only folder that loads BPF. It may use output/, model/ and
 * common/; not replay/ or bench/.
 */
#ifndef TM_TRACE_H
#define TM_TRACE_H

/* `taskmem trace`: returns taskmem's exit code (see errors.h). */
int cmd_trace(int argc, char **argv);

#endif /* TM_TRACE_H */
