/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `taskmem bench`: a matrix of programs x task counts, each cell one or
 * more runs of `taskmem trace`, into a comparison of peak memory and of
 * the cost per task (no libbpf: every run is a child taskmem).
 *
 * user/bench/: the command (this file), its statistics (bench_stats.h)
 * and result forms (bench_report.h). It may use output/, model/ and
 * common/; not trace/ or replay/.
 */
#ifndef TM_BENCH_H
#define TM_BENCH_H

/* Returns taskmem's exit code (see errors.h and README.md). */
int cmd_bench(int argc, char **argv);

#endif /* TM_BENCH_H */
