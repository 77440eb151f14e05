/* text.c - a text input of no specific kind: it yields line rows and nothing else. */
#include "parse/parsers_all.h"

int text_sniff_never(struct str text)
{
	(void)text;
	return 0;
}

int text_parse(struct str text, struct parse_out *out, struct error *err)
{
	return lines_split(text, SOURCE_TEXT, out, err);
}
