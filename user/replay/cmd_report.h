/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TM_REPLAY_H
#define TM_REPLAY_H

/* `taskmem report`: returns taskmem's exit code (see errors.h). */
int cmd_report(int argc, char **argv);

#endif /* TM_REPLAY_H */
