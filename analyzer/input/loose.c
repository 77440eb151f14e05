/* loose.c - read one loose input whole: a file of any name, a pipe (analyze <(dmesg)), or
 * standard input ("-"), capped; classification happens in ingest.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "input/reader.h"

int loose_read(const char *path, size_t max, char **buf, size_t *len, struct error *err)
{
	bool is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? "standard input" : path;
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	char *b = NULL;
	size_t n = 0, cap = 0;
	int ret = -1;

	if (fd < 0)
		return error_set(err, EXIT_INPUT, "cannot open '%s': %s", path, strerror(errno));
	for (;;) {
		ssize_t got;

		b = xgrow(b, &cap, n + 65536 + 1, 1);
		got = read(fd, b + n, 65536);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			error_set(err, EXIT_INPUT, "cannot read '%s': %s", name, strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > max) {
			error_set(err, EXIT_LIMIT, "'%s' is larger than %zu bytes, refusing", name,
				  max);
			goto out;
		}
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	b = NULL;
	ret = 0;
out:
	free(b);
	if (!is_stdin)
		close(fd);
	return ret;
}
