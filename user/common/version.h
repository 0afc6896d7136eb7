/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TM_VERSION_H
#define TM_VERSION_H

/* `taskmem --version` and the taskmem_build_info metric */
#define TASKMEM_VERSION "0.1.0"

#endif /* TM_VERSION_H */
