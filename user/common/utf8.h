/* SPDX-License-Identifier: GPL-2.0 */
/* UTF-8 checks for text that goes into XML, JSON and terminals (pure). */
#ifndef TM_UTF8_H
#define TM_UTF8_H

#include <stddef.h>

/*
 * Bytes of the UTF-8 character at s (left bytes available), or 0 when the
 * bytes there are not one: a stray or cut-off byte, an overlong form, a
 * surrogate or beyond U+10FFFF, all of which XML and JSON parsers reject.
 */
size_t utf8_char(const char *s, size_t left);

/*
 * str for a terminal or a text report: control characters (C0, DEL, C1)
 * and bytes that are not UTF-8 escaped (\n, \t, \r, \e, else \xNN), and
 * each character of also (NULL: none) after a backslash; cut at a whole
 * character to fit len, NUL-terminated.
 */
void utf8_printable(const char *str, const char *also, char *out,
		    size_t len);

#endif /* TM_UTF8_H */
