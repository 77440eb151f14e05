/* result.c - lifecycle of the result model and severity names (result.h). */
#include "rank/result.h"

#include <string.h>

static const char *const severity_names[] = {
	[SEV_INFO] = "info",
	[SEV_WARNING] = "warning",
	[SEV_ERROR] = "error",
	[SEV_BLOCKER] = "blocker",
};

const char *severity_name(enum severity s)
{
	if ((unsigned)s > SEV_BLOCKER)
		return "info";
	return severity_names[s];
}

bool severity_from_name(const char *name, enum severity *out)
{
	for (unsigned i = 0; name && i <= SEV_BLOCKER; i++)
		if (strcmp(name, severity_names[i]) == 0) {
			*out = (enum severity)i;
			return true;
		}
	return false;
}

void result_init(struct result *r)
{
	memset(r, 0, sizeof(*r));
	arena_init(&r->arena);
}

void result_release(struct result *r)
{
	arena_release(&r->arena);
	memset(r, 0, sizeof(*r));
}
