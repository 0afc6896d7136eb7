/* SPDX-License-Identifier: GPL-2.0 */
/* UTF-8 checks for text that goes into XML and JSON (pure). */
#ifndef TM_UTF8_H
#define TM_UTF8_H

#include <stddef.h>

/*
 * Bytes of the UTF-8 character at s (left bytes available), or 0 when the
 * bytes there are not one: a stray or cut-off byte, an overlong form, a
 * surrogate or beyond U+10FFFF, all of which XML and JSON parsers reject.
 */
size_t utf8_char(const char *s, size_t left);

#endif /* TM_UTF8_H */
