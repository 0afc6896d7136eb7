/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How memory attribution samples page faults (pure logic, unit-tested):
 * each CPU's page-fault counter overflows every `period` faults, and the
 * fault at the overflow is sampled, standing for `period` faults. The
 * sampling is systematic, so a stack's estimate is off by at most about
 * one period per CPU it faulted on (a random choice would be off by the
 * square root of its sample count). Its phase is what other processes'
 * faults left on the counter. The period is prime: a workload whose
 * faults follow a shorter pattern (two functions faulting in turn) is not
 * seen through one phase of the pattern only.
 */
#ifndef TM_SAMPLING_H
#define TM_SAMPLING_H

#include <stdint.h>

/*
 * Faults per sample for one sample per about sample_bytes of faulted
 * pages: the largest prime at most sample_bytes / page_size (within 2%
 * of it from 256 faults, the default 2 MiB of 4 KiB pages giving 509);
 * 1 when that is under 2 pages.
 */
uint64_t fault_sampling_period(uint64_t sample_bytes, uint64_t page_size);

#endif /* TM_SAMPLING_H */
