// SPDX-License-Identifier: GPL-2.0
/* The period of page-fault sampling (see sampling.h). */
#include <stdbool.h>
#include "profile/sampling.h"

static bool is_prime(uint64_t n)
{
	uint64_t d;

	for (d = 2; d * d <= n; d++)
		if (n % d == 0)
			return false;
	return n >= 2;
}

uint64_t fault_sampling_period(uint64_t sample_bytes, uint64_t page_size)
{
	uint64_t faults = page_size ? sample_bytes / page_size : 0;

	if (faults < 2)
		return 1;
	while (!is_prime(faults))
		faults--;
	return faults;
}
