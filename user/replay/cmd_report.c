// SPDX-License-Identifier: GPL-2.0
/* `taskmem report`: render a saved JSON report again. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/cli.h"
#include "common/errors.h"
#include "output/file.h"
#include "replay/reader.h"
#include "replay/cmd_report.h"
#include "output/report.h"
#include "common/text.h"

static int render(const struct report_opts *o, struct saved_report *s)
{
	struct output out;
	int err;

	if (o->format == TM_FORMAT_SVG && !s->r.timeline) {
		tm_err("cannot draw '%s': it holds no timeline (record one with "
		       "--timeline, --plot or --sample-ms)", o->file);
		return TM_EXIT_USAGE;
	}
	/* the report goes to stdout here: it is what was asked for */
	err = output_open(&out, o->output, stdout, NULL);
	if (err) {
		tm_err("cannot write '%s': %s", o->output, output_strerror(err));
		return TM_EXIT_USAGE;
	}
	err = report_save(&out, &s->r, o->format, o->long_table);
	if (err) {
		tm_err("cannot write '%s': %s", o->output ? o->output : "stdout",
		       output_strerror(err));
		return TM_EXIT_FAIL;
	}
	return TM_EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
	struct saved_report s;
	struct report_opts o;
	char err[256];
	char *text;
	int ret;

	ret = cli_parse_report(argc, argv, &o, err, sizeof(err));
	ret = tm_parse_outcome(ret, err, cli_report_usage, "report");
	if (ret >= 0)
		return ret;
	text = text_read_user(o.file, TEXT_MAX_DEFAULT);
	if (!text) {
		tm_err("cannot read report '%s': %s", o.file,
		       text_strerror(errno, TEXT_MAX_DEFAULT));
		return TM_EXIT_USAGE;
	}
	ret = reader_parse(text, &s, err, sizeof(err));
	free(text);
	if (ret) {
		tm_err("cannot read report '%s': %s", o.file, err);
		return TM_EXIT_USAGE;
	}
	ret = render(&o, &s);
	reader_free(&s);
	return ret;
}
