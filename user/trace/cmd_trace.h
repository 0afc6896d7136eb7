/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TM_TRACE_H
#define TM_TRACE_H

/* `taskmem trace`: returns taskmem's exit code (see errors.h). */
int cmd_trace(int argc, char **argv);

#endif /* TM_TRACE_H */
