/* SPDX-License-Identifier: GPL-2.0 */
/*
 * user/replay/: `taskmem report`: a saved JSON report read back into the
 * model (reader.h) and written again in any form. It may use output/,
 * model/ and common/; not trace/ or bench/.
 */
#ifndef TM_REPLAY_H
#define TM_REPLAY_H

/* `taskmem report`: returns taskmem's exit code (see errors.h). */
int cmd_report(int argc, char **argv);

#endif /* TM_REPLAY_H */
