/* cmd_corpus.c - `analyze corpus DIR`: run every regression case in DIR (a subdirectory with
 * an expected.json) through the whole pipeline and judge it (rank/corpus_eval.h).
 *
 * Each case runs in a forked worker, -j at a time: the worker ingests the case into its own
 * in-memory fact store, diagnoses it with the knowledge the parent loaded once, and writes a
 * fixed-size record stream (a header, then one struct corpus_finding per finding in rank
 * order) into a pipe. A worker that dies, sends a malformed stream or passes the time cap is a
 * failed case, never a failed run. An unpacked bundle case is copied, without expected.json,
 * SOURCES.md and README.md, into a private staging directory first (those files are no input,
 * and the ingest reads a directory whole); loose cases name their files one by one.
 * docs/corpus.md documents the rules and the output.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmds.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/sbuf.h"
#include "common/vec.h"
#include "common/xalloc.h"
#include "facts/factstore.h"
#include "input/ingest.h"
#include "input/reader.h"
#include "kb/kb.h"
#include "rank/corpus_eval.h"
#include "rank/corpus_expected.h"
#include "rank/diagnose.h"

#define WIRE_MAGIC 0x56444331u /* "VDC1" */

struct wire_head {
	uint32_t magic;
	int32_t status; /* enum corpus_status: CORPUS_RAN or CORPUS_ERROR */
	uint32_t n_findings;
	char message[256];
};

struct corpus_opts {
	const char *dir;
	const char *format;
	const char *kb_dir;
	const char *output;
	long jobs;
	long timeout_s;
};

struct names {
	char **v;
	size_t n, cap;
};

struct slot {
	pid_t pid;
	int fd;
	size_t case_idx;
	double start_ms;
	char *buf;
	size_t len, cap;
	bool overflow;
};

struct run {
	const struct corpus_opts *o;
	const struct kb *kb;
	struct corpus_case *cases;
	char **case_dirs;
	size_t n;
	char *stage_root; /* private temporary directory for bundle cases */
	struct arena arena;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: analyze corpus DIR [-j N] [--format text|json] [--kb DIR] [--timeout S]\n"
		"                          [-o FILE]\n\n"
		"Runs every case in DIR (a subdirectory with an expected.json; DIR itself when it\n"
		"has one) and checks the causes found against it (docs/corpus.md).\n\n"
		"  -j, --jobs N       cases analyzed at once (default: online CPUs)\n"
		"      --format FMT   text (default) or json\n"
		"      --kb DIR       use the knowledge files in DIR instead of the built-in ones\n"
		"      --timeout S    time cap of one case in seconds (default 60)\n"
		"  -o, --output FILE  write the table to FILE instead of standard output\n"
		"  -q, --quiet        only errors on standard error\n"
		"  -v, --verbose      debug messages: directories that are not cases, each case's time\n"
		"  -h, --help         this help\n\n"
		"Exit status: 0 every case passed, 8 a case failed, 2 usage, 6 bad knowledge.\n");
}

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct corpus_opts *o, struct error *err)
{
	enum { OPT_FORMAT = 256, OPT_KB, OPT_TIMEOUT };
	static const struct option longopts[] = {
		{ "jobs", required_argument, NULL, 'j' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "kb", required_argument, NULL, OPT_KB },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":j:o:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			if (parse_long(optarg, 1, CORPUS_MAX_JOBS, &o->jobs) < 0)
				return error_set(err, EXIT_USAGE, "-j takes 1 to %d, not '%s'",
						 CORPUS_MAX_JOBS, optarg);
			break;
		case OPT_FORMAT:
			o->format = optarg;
			break;
		case OPT_KB:
			o->kb_dir = optarg;
			break;
		case OPT_TIMEOUT:
			if (parse_long(optarg, 1, CORPUS_CASE_MAX_S, &o->timeout_s) < 0)
				return error_set(err, EXIT_USAGE,
						 "--timeout takes 1 to %d seconds, not '%s'",
						 CORPUS_CASE_MAX_S, optarg);
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'q':
			log_init(log_program_name(), LOG_ERROR);
			break;
		case 'v':
			log_init(log_program_name(), LOG_DEBUG);
			break;
		case 'h':
			usage(stdout);
			return 1;
		case ':':
			return error_set(err, EXIT_USAGE,
					 "option '%s' needs a value (see 'analyze corpus --help')",
					 argv[optind - 1]);
		default:
			return error_set(err, EXIT_USAGE,
					 "unknown option '%s' (see 'analyze corpus --help')",
					 argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return error_set(err, EXIT_USAGE,
				 "corpus takes one DIR (see 'analyze corpus --help')");
	o->dir = argv[optind];
	if (o->format && strcmp(o->format, "text") != 0 && strcmp(o->format, "json") != 0)
		return error_set(err, EXIT_USAGE, "corpus writes text or json, not '%s'",
				 o->format);
	return 0;
}

/* ---- finding the cases ---- */

static bool is_regular_at(int dirfd, const char *name)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir_at(int dirfd, const char *name)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in dir (no dotfiles); yours to free with free_names(). */
static int list_dir(const char *dir, struct names *names, size_t max, struct error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return error_set(err, EXIT_INPUT, "cannot open '%s': %s", dir, strerror(errno));
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (names->n >= max) {
			closedir(d);
			return error_set(err, EXIT_LIMIT, "'%s' has more than %zu entries", dir,
					 max);
		}
		*VEC_PUSH(names) = xstrdup(e->d_name);
	}
	closedir(d);
	if (names->n)
		qsort(names->v, names->n, sizeof(*names->v), cmp_names);
	return 0;
}

static void free_names(struct names *names)
{
	for (size_t i = 0; i < names->n; i++)
		free(names->v[i]);
	VEC_FREE(names);
}

static char *path_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = xmalloc(la + lb + 2);

	memcpy(p, a, la);
	p[la] = '/';
	memcpy(p + la + 1, b, lb + 1);
	return p;
}

static const char *base_name(const char *path)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	while (n > 0 && path[n - 1] != '/')
		n--;
	return path + n;
}

static int find_cases(struct run *r, struct error *err)
{
	struct names names = { 0 };
	struct names dirs = { 0 };
	int dfd = open(r->o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dfd < 0)
		return error_set(err, EXIT_INPUT, "cannot open corpus '%s': %s", r->o->dir,
				 strerror(errno));
	if (is_regular_at(dfd, "expected.json")) {
		*VEC_PUSH(&dirs) = xstrdup(r->o->dir);
	} else if (list_dir(r->o->dir, &names, CORPUS_MAX_CASES * 4, err) < 0) {
		close(dfd);
		free_names(&names);
		return -1;
	}
	for (size_t i = 0; i < names.n; i++) {
		char *sub = path_join(r->o->dir, names.v[i]);
		int cfd;

		if (!is_dir_at(dfd, names.v[i])) {
			free(sub);
			continue;
		}
		cfd = open(sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd >= 0 && is_regular_at(cfd, "expected.json") && dirs.n < CORPUS_MAX_CASES) {
			*VEC_PUSH(&dirs) = sub;
			sub = NULL;
		} else if (cfd >= 0) {
			log_debug("%s: no expected.json, not a case", sub);
		}
		if (cfd >= 0)
			close(cfd);
		free(sub);
	}
	close(dfd);
	free_names(&names);
	if (dirs.n == 0) {
		free_names(&dirs);
		return error_set(err, EXIT_INPUT,
				 "no case in '%s' (a directory with an expected.json)", r->o->dir);
	}
	r->case_dirs = dirs.v;
	r->n = dirs.n;
	return 0;
}

/* ---- staging a bundle case without its non-input files ---- */

static bool is_case_meta(const char *name)
{
	return strcmp(name, "expected.json") == 0 || strcmp(name, "SOURCES.md") == 0 ||
	       strcmp(name, "README.md") == 0;
}

/* True when the case directory is an unpacked bundle (docs/bundle-format.md). */
static bool is_bundle_dir(const char *dir)
{
	static const char *const roots[] = { "cmd", "proc", "sys", "etc", "var", "roms" };
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool yes;

	if (dfd < 0)
		return false;
	yes = is_regular_at(dfd, "manifest.json");
	for (size_t i = 0; !yes && i < sizeof(roots) / sizeof(roots[0]); i++)
		yes = is_dir_at(dfd, roots[i]);
	close(dfd);
	return yes;
}

struct stage {
	uint64_t bytes, entries;
	char *buf;
};

static int copy_file(struct stage *st, int sfd, int dfd, const char *name, struct error *err)
{
	int in = openat(sfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int out = -1, ret = -1;

	if (in < 0)
		return error_set(err, EXIT_INPUT, "cannot open '%s': %s", name, strerror(errno));
	out = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		error_set(err, EXIT_INPUT, "cannot stage '%s': %s", name, strerror(errno));
		goto out_in;
	}
	for (;;) {
		ssize_t got = read(in, st->buf, 65536);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			error_set(err, EXIT_INPUT, "cannot read '%s': %s", name, strerror(errno));
			goto out_out;
		}
		if (got == 0)
			break;
		st->bytes += (uint64_t)got;
		if (st->bytes > MAX_TOTAL_BYTES) {
			error_set(err, EXIT_LIMIT, "case holds more than %u bytes, refusing",
				  MAX_TOTAL_BYTES);
			goto out_out;
		}
		if (write(out, st->buf, (size_t)got) != got) {
			error_set(err, EXIT_INPUT, "cannot stage '%s': %s", name, strerror(errno));
			goto out_out;
		}
	}
	ret = 0;
out_out:
	close(out);
out_in:
	close(in);
	return ret;
}

/* Copies directories and regular files of sfd into dfd (links and devices are left out, as
 * the ingest would skip them); at depth 0 the case's own files are left out too. */
static int copy_tree(struct stage *st, int sfd, int dfd, int depth, struct error *err)
{
	DIR *d;
	struct dirent *e;
	int ret = 0, dup_fd;

	if (depth > MAX_DIR_DEPTH)
		return error_set(err, EXIT_LIMIT, "case nests deeper than %d directories",
				 MAX_DIR_DEPTH);
	dup_fd = dup(sfd);
	if (dup_fd < 0 || !(d = fdopendir(dup_fd))) {
		if (dup_fd >= 0)
			close(dup_fd);
		return error_set(err, EXIT_INPUT, "cannot list a case directory: %s",
				 strerror(errno));
	}
	while (ret == 0 && (e = readdir(d))) {
		struct stat sb;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (depth == 0 && (is_case_meta(e->d_name) || e->d_name[0] == '.'))
			continue;
		if (++st->entries > MAX_ENTRIES) {
			ret = error_set(err, EXIT_LIMIT, "case has more than %d entries",
					MAX_ENTRIES);
			break;
		}
		if (fstatat(sfd, e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISREG(sb.st_mode)) {
			ret = copy_file(st, sfd, dfd, e->d_name, err);
		} else if (S_ISDIR(sb.st_mode)) {
			int s2 = openat(sfd, e->d_name,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			int d2 = -1;

			if (s2 >= 0 && mkdirat(dfd, e->d_name, 0700) == 0)
				d2 = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (s2 < 0 || d2 < 0)
				ret = error_set(err, EXIT_INPUT, "cannot stage directory '%s': %s",
						e->d_name, strerror(errno));
			else
				ret = copy_tree(st, s2, d2, depth + 1, err);
			if (s2 >= 0)
				close(s2);
			if (d2 >= 0)
				close(d2);
		}
	}
	closedir(d);
	return ret;
}

/* Removes dirfd's contents (not following links). */
static void remove_tree_at(int dirfd, int depth)
{
	DIR *d;
	struct dirent *e;
	int dup_fd = dup(dirfd);

	if (dup_fd < 0 || depth > MAX_DIR_DEPTH + 2 || !(d = fdopendir(dup_fd))) {
		if (dup_fd >= 0)
			close(dup_fd);
		return;
	}
	while ((e = readdir(d))) {
		struct stat sb;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd, e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			int sub = openat(dirfd, e->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub >= 0) {
				remove_tree_at(sub, depth + 1);
				close(sub);
			}
			unlinkat(dirfd, e->d_name, AT_REMOVEDIR);
		} else {
			unlinkat(dirfd, e->d_name, 0);
		}
	}
	closedir(d);
}

static void remove_tree(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0) {
		remove_tree_at(fd, 0);
		close(fd);
	}
	rmdir(path);
}

static char *stage_path(const struct run *r, size_t idx)
{
	char name[32];

	snprintf(name, sizeof(name), "case-%zu", idx);
	return path_join(r->stage_root, name);
}

static int stage_bundle(const struct run *r, size_t idx, struct error *err)
{
	struct stage st = { .buf = xmalloc(65536) };
	char *dst = stage_path(r, idx);
	int sfd = -1, dfd = -1, ret = -1;

	sfd = open(r->case_dirs[idx], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0) {
		error_set(err, EXIT_INPUT, "cannot open '%s': %s", r->case_dirs[idx],
			  strerror(errno));
		goto out;
	}
	if (mkdir(dst, 0700) != 0 ||
	    (dfd = open(dst, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		error_set(err, EXIT_INPUT, "cannot make '%s': %s", dst, strerror(errno));
		goto out;
	}
	ret = copy_tree(&st, sfd, dfd, 0, err);
out:
	if (sfd >= 0)
		close(sfd);
	if (dfd >= 0)
		close(dfd);
	free(dst);
	free(st.buf);
	return ret;
}

/* ---- the worker ---- */

static int ingest_case(const struct run *r, size_t idx, struct ingest *ing, struct error *err)
{
	const char *dir = r->case_dirs[idx];
	struct names names = { 0 };
	int ret = 0;

	if (is_bundle_dir(dir)) {
		char *staged = stage_path(r, idx);

		ret = stage_bundle(r, idx, err);
		if (ret == 0)
			ret = ingest_add(ing, staged, err);
		free(staged);
		return ret;
	}
	if (list_dir(dir, &names, CORPUS_CASE_INPUTS + 3, err) < 0) {
		free_names(&names);
		return -1;
	}
	for (size_t i = 0; ret == 0 && i < names.n; i++) {
		char *p;

		if (is_case_meta(names.v[i]))
			continue;
		p = path_join(dir, names.v[i]);
		ret = ingest_add(ing, p, err);
		free(p);
	}
	free_names(&names);
	return ret;
}

static bool write_all_fd(int fd, const void *p, size_t len)
{
	const char *c = p;

	while (len) {
		ssize_t w = write(fd, c, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		c += w;
		len -= (size_t)w;
	}
	return true;
}

static void send_result(int fd, const struct result *res, const struct error *err)
{
	struct wire_head h = { .magic = WIRE_MAGIC, .status = CORPUS_RAN };

	if (err) {
		h.status = CORPUS_ERROR;
		snprintf(h.message, sizeof(h.message), "%s", err->msg);
	} else {
		h.n_findings =
			(uint32_t)(res->n_findings < MAX_FINDINGS ? res->n_findings : MAX_FINDINGS);
	}
	if (!write_all_fd(fd, &h, sizeof(h)))
		return;
	for (uint32_t i = 0; i < h.n_findings; i++) {
		const struct finding *f = &res->findings[i];
		struct corpus_finding w = { .severity = (int)f->severity,
					    .confidence = f->confidence };

		snprintf(w.id, sizeof(w.id), "%s", f->id ? f->id : "");
		snprintf(w.subject, sizeof(w.subject), "%s",
			 f->subject.id ? f->subject.id : "unknown");
		snprintf(w.label, sizeof(w.label), "%s", f->label ? f->label : "");
		if (!write_all_fd(fd, &w, sizeof(w)))
			return;
	}
}

/* Runs in the child: analyze one case and write the result to fd. Never returns. */
static void worker(const struct run *r, size_t idx, int fd)
{
	struct error err = { 0 };
	struct diagnose_options dopt = { .kb = r->kb };
	struct factstore *fs;
	struct ingest ing;
	struct result res;

	alarm((unsigned)r->o->timeout_s + 1); /* a backstop; the parent kills at the cap */
	log_init(log_program_name(), LOG_ERROR);
	result_init(&res);
	fs = factstore_open(NULL, &err);
	if (!fs) {
		send_result(fd, NULL, &err);
		_exit(0);
	}
	ingest_init(&ing, fs);
	if (ingest_case(r, idx, &ing, &err) < 0 || diagnose(fs, &dopt, &res, &err) < 0)
		send_result(fd, NULL, &err);
	else
		send_result(fd, &res, NULL);
	close(fd);
	_exit(0);
}

/* ---- the parent: a pool of -j workers ---- */

static int start_case(struct run *r, struct slot *s, size_t idx, struct error *err)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) != 0)
		return error_set(err, EXIT_INTERNAL, "cannot make a pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return error_set(err, EXIT_INTERNAL, "cannot fork: %s", strerror(errno));
	}
	if (pid == 0) {
		close(p[0]);
		worker(r, idx, p[1]);
	}
	close(p[1]);
	*s = (struct slot){ .pid = pid, .fd = p[0], .case_idx = idx, .start_ms = clock_ms() };
	return 0;
}

static void read_slot(struct slot *s)
{
	size_t max = sizeof(struct wire_head) + MAX_FINDINGS * sizeof(struct corpus_finding);

	for (;;) {
		ssize_t got;

		if (s->len == s->cap)
			s->buf = xgrow(s->buf, &s->cap, s->len + 8192, 1);
		got = read(s->fd, s->buf + s->len, s->cap - s->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			close(s->fd);
			s->fd = -1;
			return;
		}
		if (s->len + (size_t)got > max) {
			s->overflow = true;
			continue; /* drain: the child must not block on a full pipe */
		}
		s->len += (size_t)got;
		return;
	}
}

static const char *signal_text(int sig)
{
	const char *s = strsignal(sig);

	return s ? s : "unknown signal";
}

/* The stream of a finished worker into its case. */
static void decode(struct run *r, struct slot *s, int wstatus, bool timed_out)
{
	struct corpus_case *c = &r->cases[s->case_idx];
	struct wire_head h;

	c->ms = clock_ms() - s->start_ms;
	if (timed_out || (WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGALRM)) {
		c->status = CORPUS_TIMEOUT;
		c->message = arena_printf(&r->arena, "no result within %ld s", r->o->timeout_s);
		return;
	}
	if (WIFSIGNALED(wstatus)) {
		c->status = CORPUS_CRASHED;
		c->message = arena_printf(&r->arena, "worker killed by signal %d (%s)",
					  WTERMSIG(wstatus), signal_text(WTERMSIG(wstatus)));
		return;
	}
	c->status = CORPUS_CRASHED;
	if (s->overflow || s->len < sizeof(h)) {
		c->message = arena_printf(&r->arena, "worker exited (status %d) without a result",
					  WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
		return;
	}
	memcpy(&h, s->buf, sizeof(h));
	h.message[sizeof(h.message) - 1] = '\0';
	if (h.magic != WIRE_MAGIC || h.n_findings > MAX_FINDINGS ||
	    (h.status != CORPUS_RAN && h.status != CORPUS_ERROR) ||
	    s->len != sizeof(h) + h.n_findings * sizeof(struct corpus_finding)) {
		c->message = arena_strdup(&r->arena, "worker sent a malformed result");
		return;
	}
	c->status = (enum corpus_status)h.status;
	if (c->status == CORPUS_ERROR) {
		c->message = arena_strdup(&r->arena, h.message);
		return;
	}
	c->n_findings = h.n_findings;
	c->findings = arena_alloc(&r->arena, (h.n_findings + 1) * sizeof(*c->findings));
	memcpy(c->findings, s->buf + sizeof(h), h.n_findings * sizeof(*c->findings));
	for (size_t i = 0; i < c->n_findings; i++) {
		struct corpus_finding *f = &c->findings[i];

		f->id[sizeof(f->id) - 1] = '\0';
		f->subject[sizeof(f->subject) - 1] = '\0';
		f->label[sizeof(f->label) - 1] = '\0';
		if (f->severity < SEV_INFO || f->severity > SEV_BLOCKER)
			f->severity = SEV_INFO;
	}
}

static void finish_slot(struct run *r, struct slot *s, bool timed_out)
{
	int wstatus = 0;
	char *staged;

	if (timed_out)
		kill(s->pid, SIGKILL);
	if (s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
	while (waitpid(s->pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	decode(r, s, wstatus, timed_out);
	log_debug("%s: %s, %zu findings, %.1f ms", r->cases[s->case_idx].name,
		  corpus_status_name(r->cases[s->case_idx].status),
		  r->cases[s->case_idx].n_findings, r->cases[s->case_idx].ms);
	staged = stage_path(r, s->case_idx);
	remove_tree(staged);
	free(staged);
	free(s->buf);
	*s = (struct slot){ .pid = 0, .fd = -1 };
}

/* Reads every case's expected.json; a bad one makes the case fail without running it. */
static void read_expectations(struct run *r, bool *skip)
{
	for (size_t i = 0; i < r->n; i++) {
		struct corpus_case *c = &r->cases[i];
		char *path = path_join(r->case_dirs[i], "expected.json");
		struct error err = { 0 };
		char *buf = NULL;
		size_t len = 0;

		c->name = arena_strdup(&r->arena, base_name(r->case_dirs[i]));
		if (loose_read(path, MAX_JSON_BYTES, &buf, &len, &err) < 0 ||
		    corpus_expected_parse(str_from_mem(buf, len), path, &c->exp, &err) < 0) {
			c->status = CORPUS_BAD_EXPECTED;
			c->message = arena_strdup(&r->arena, err.msg);
			skip[i] = true;
		}
		free(buf);
		free(path);
	}
}

static int run_all(struct run *r, long jobs, struct error *err)
{
	struct slot slots[CORPUS_MAX_JOBS];
	bool *skip = xcalloc(r->n + 1, sizeof(*skip));
	size_t next = 0, running = 0;
	int ret = 0;

	for (long i = 0; i < jobs; i++)
		slots[i] = (struct slot){ .pid = 0, .fd = -1 };
	read_expectations(r, skip);
	for (;;) {
		struct pollfd pfd[CORPUS_MAX_JOBS];
		double now = clock_ms(), wait = (double)r->o->timeout_s * 1000.0;
		int np = 0;

		for (long i = 0; ret == 0 && i < jobs && next < r->n; i++) {
			while (next < r->n && skip[next])
				next++;
			if (slots[i].pid || next == r->n)
				continue;
			if (start_case(r, &slots[i], next, err) < 0)
				ret = -1;
			else
				running++, next++;
		}
		if (running == 0)
			break;
		for (long i = 0; i < jobs; i++) {
			double left;

			if (!slots[i].pid)
				continue;
			left = slots[i].start_ms + (double)r->o->timeout_s * 1000.0 - now;
			if (left <= 0) {
				finish_slot(r, &slots[i], true);
				running--;
				continue;
			}
			if (slots[i].fd < 0) {
				finish_slot(r, &slots[i], false);
				running--;
				continue;
			}
			wait = left < wait ? left : wait;
			pfd[np++] = (struct pollfd){ .fd = slots[i].fd, .events = POLLIN };
		}
		if (np == 0)
			continue;
		if (poll(pfd, (nfds_t)np, (int)wait + 1) < 0 && errno != EINTR) {
			ret = error_set(err, EXIT_INTERNAL, "poll: %s", strerror(errno));
			break;
		}
		for (int k = 0; k < np; k++) {
			if (!(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			for (long i = 0; i < jobs; i++)
				if (slots[i].pid && slots[i].fd == pfd[k].fd)
					read_slot(&slots[i]);
		}
	}
	for (long i = 0; i < jobs; i++)
		if (slots[i].pid)
			finish_slot(r, &slots[i], true);
	free(skip);
	return ret;
}

static int write_output(const char *path, const struct sbuf *sb, struct error *err)
{
	FILE *f = path ? fopen(path, "w") : stdout;
	bool ok;

	if (!f)
		return error_set(err, EXIT_OUTPUT, "cannot write '%s': %s", path, strerror(errno));
	ok = fwrite(sb->buf, 1, sb->len, f) == sb->len;
	ok = (path ? fclose(f) == 0 : fflush(f) == 0) && ok;
	if (!ok)
		return error_set(err, EXIT_OUTPUT, "cannot write '%s'",
				 path ? path : "standard output");
	return 0;
}

static long online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > CORPUS_MAX_JOBS ? CORPUS_MAX_JOBS : n;
}

static int report(struct run *r, struct error *err)
{
	struct corpus_summary sum;
	struct sbuf sb;
	int ret;

	for (size_t i = 0; i < r->n; i++)
		corpus_judge(&r->cases[i], &r->arena);
	corpus_summarize(r->cases, r->n, &sum, &r->arena);
	sbuf_init(&sb, MAX_OUTPUT_BYTES);
	if (r->o->format && strcmp(r->o->format, "json") == 0)
		corpus_render_json(r->cases, r->n, &sum, &sb);
	else
		corpus_render_text(r->cases, r->n, &sum, &sb);
	if (sbuf_failed(&sb))
		ret = error_set(err, EXIT_OUTPUT, "output longer than %u bytes", MAX_OUTPUT_BYTES);
	else
		ret = write_output(r->o->output, &sb, err);
	sbuf_release(&sb);
	if (ret == 0 && sum.failed)
		return error_set(err, EXIT_REGRESS, "%zu of %zu cases failed", sum.failed,
				 sum.cases);
	return ret;
}

static int make_stage_root(struct run *r, struct error *err)
{
	const char *tmp = getenv("TMPDIR");
	char *tmpl = path_join(tmp && *tmp ? tmp : "/tmp", "vd-corpus.XXXXXX");

	if (!mkdtemp(tmpl)) {
		error_set(err, EXIT_INTERNAL, "cannot make a staging directory '%s': %s", tmpl,
			  strerror(errno));
		free(tmpl);
		return -1;
	}
	r->stage_root = tmpl;
	return 0;
}

int cmd_corpus_main(int argc, char **argv)
{
	struct corpus_opts o = { .timeout_s = CORPUS_CASE_S };
	struct error err = { 0 };
	struct run r = { .o = &o };
	struct kb *kb = NULL;
	int rc, code = EXIT_OK;

	rc = parse_args(argc, argv, &o, &err);
	if (rc > 0)
		return EXIT_OK;
	if (rc < 0) {
		log_error("%s", err.msg);
		return err.code;
	}
	arena_init(&r.arena);
	kb = o.kb_dir ? kb_load_dir(o.kb_dir, &err) : kb_load_embedded(&err);
	if (!kb || find_cases(&r, &err) < 0 || make_stage_root(&r, &err) < 0)
		goto fail;
	r.kb = kb;
	r.cases = arena_alloc(&r.arena, (r.n + 1) * sizeof(*r.cases));
	if (!o.jobs)
		o.jobs = online_cpus();
	if ((size_t)o.jobs > r.n)
		o.jobs = (long)r.n;
	if (run_all(&r, o.jobs, &err) < 0 || report(&r, &err) < 0)
		goto fail;
	goto done;
fail:
	log_error("%s", err.msg);
	code = err.code ? err.code : EXIT_INTERNAL;
done:
	if (r.stage_root) {
		remove_tree(r.stage_root);
		free(r.stage_root);
	}
	for (size_t i = 0; r.cases && i < r.n; i++)
		corpus_expected_release(&r.cases[i].exp);
	for (size_t i = 0; i < r.n; i++)
		free(r.case_dirs[i]);
	free(r.case_dirs);
	kb_free(kb);
	arena_release(&r.arena);
	return code;
}
