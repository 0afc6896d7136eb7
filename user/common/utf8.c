// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include "common/utf8.h"

size_t utf8_char(const char *str, size_t left)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n, i;

	if (!left)
		return 0;
	if (*s < 0x80)
		return 1;
	if (*s >= 0xc2 && *s <= 0xdf)
		n = 2;
	else if (*s >= 0xe0 && *s <= 0xef)
		n = 3;
	else if (*s >= 0xf0 && *s <= 0xf4)
		n = 4;
	else
		return 0;
	if (n > left)
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* the second byte rules out overlong forms, surrogates, > U+10FFFF */
	if ((*s == 0xe0 && s[1] < 0xa0) || (*s == 0xed && s[1] >= 0xa0) ||
	    (*s == 0xf0 && s[1] < 0x90) || (*s == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

/* How byte c is written escaped. */
static void escape_byte(unsigned char c, char *buf, size_t len)
{
	switch (c) {
	case '\n':
		snprintf(buf, len, "\\n");
		break;
	case '\t':
		snprintf(buf, len, "\\t");
		break;
	case '\r':
		snprintf(buf, len, "\\r");
		break;
	case 0x1b:
		snprintf(buf, len, "\\e");
		break;
	default:
		snprintf(buf, len, "\\x%02x", c);
	}
}

void utf8_printable(const char *str, const char *also, char *out, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t left = strlen(str), used = 0, n, i;
	char esc[8];

	if (!len)
		return;
	while (*s) {
		n = utf8_char((const char *)s, left);
		esc[0] = '\0';
		/* C0, DEL and C1 (U+0080..U+009F: 0xc2 0x80..0x9f) */
		if (!n || *s < 0x20 || *s == 0x7f ||
		    (n == 2 && s[0] == 0xc2 && s[1] < 0xa0)) {
			escape_byte(*s, esc, sizeof(esc));
			n = 1;
		} else if (n == 1 && also && strchr(also, *s)) {
			snprintf(esc, sizeof(esc), "\\%c", *s);
		}
		i = esc[0] ? strlen(esc) : n;
		if (used + i >= len)
			break;
		memcpy(out + used, esc[0] ? esc : (const char *)s, i);
		used += i;
		s += n;
		left -= n;
	}
	out[used] = '\0';
}
