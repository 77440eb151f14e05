/* collect.c - the run: plan, read each item within the global deadline, redact, archive,
 * manifest, rename. Items never stop the run; only the output file can. */
#include "collect.h"

#include <errno.h>
#include <fcntl.h>
#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "cleanup.h"
#include "common/banned.h"
#include "common/error.h"
#include "common/limits.h"
#include "common/log.h"
#include "item_cmd.h"
#include "item_file.h"
#include "item_rom.h"
#include "item_sysfs.h"
#include "manifest.h"
#include "plan.h"
#include "redact.h"
#include "tarball.h"

struct run {
	const struct collect_opts *o;
	struct plan_ctx ctx;
	struct plan plan;
	struct redact red;
	struct manifest man;
	struct holders holders;
	struct tarball tar;
	char top[256];
	long t0, deadline;
	bool deadline_hit;
	bool progress;
	/* gathered while running, for choosing ROMs */
	struct strlist devices, display, passthru, romfiles;
};

/* Reads a small file (seed data for redaction) through a child with a short deadline. */
static bool read_small(struct run *run, const char *path, struct sbuf *out)
{
	char *real = plan_real_path(&run->ctx, path);
	struct item_result r;
	bool ok;

	item_result_init(&r, COLLECT_CONF_BYTES + 1);
	item_file_read(real, COLLECT_CONF_BYTES, 2000, 0, &r);
	ok = r.status == STATUS_OK || r.status == STATUS_TRUNCATED;
	if (ok)
		sbuf_add_str(out, sbuf_view(&r.data));
	item_result_release(&r);
	free(real);
	return ok;
}

/* Host names, domains and Proxmox node names to redact, found before anything is read. */
static void seed_names(struct run *run, char *host, size_t hostsize)
{
	struct sbuf sb;
	struct str in, line, word;
	struct strlist nodes = { 0 };

	host[0] = '\0';
	sbuf_init(&sb, COLLECT_CONF_BYTES + 1);
	if (!*run->ctx.sysroot)
		gethostname(host, hostsize - 1);
	if (read_small(run, "/etc/hostname", &sb) && !host[0]) {
		struct str h = str_trim(sbuf_view(&sb));

		snprintf(host, hostsize, "%.*s", (int)h.len, h.ptr);
	}
	host[hostsize - 1] = '\0';
	host[strcspn(host, "\n")] = '\0';
	if (host[0])
		redact_add_name(&run->red, str_from_cstr(host));
	redact_add_name(&run->red, str_trim(sbuf_view(&sb)));
	sbuf_reset(&sb);
	if (read_small(run, "/etc/hosts", &sb)) {
		in = sbuf_view(&sb);
		while (str_next_line(&in, &line)) {
			if (!str_next_word(&line, &word) || (word.len && word.ptr[0] == '#'))
				continue; /* the address */
			while (str_next_word(&line, &word) && !(word.len && word.ptr[0] == '#'))
				redact_add_name(&run->red, word);
		}
	}
	sbuf_reset(&sb);
	if (read_small(run, "/etc/mailname", &sb))
		redact_add_name(&run->red, str_trim(sbuf_view(&sb)));
	sbuf_reset(&sb);
	if (read_small(run, "/etc/resolv.conf", &sb)) {
		in = sbuf_view(&sb);
		while (str_next_line(&in, &line)) {
			if (!str_next_word(&line, &word) ||
			    !(str_eq_cstr(word, "search") || str_eq_cstr(word, "domain")))
				continue;
			while (str_next_word(&line, &word))
				redact_add_domain(&run->red, word);
		}
	}
	sbuf_release(&sb);
	/* pmxcfs: the listing that hangs first when the cluster filesystem is wedged */
	plan_list(&run->plan, &run->ctx, "/etc/pve/nodes", "etc/pve/nodes", &nodes,
		  COLLECT_MAX_GLOB);
	for (size_t i = 0; i < nodes.n; i++)
		redact_add_name(&run->red, str_from_cstr(nodes.v[i]));
	strlist_free(&nodes);
	/* UPID:<node>:... task file names */
	for (size_t i = 0; i < run->plan.items.n; i++) {
		const char *u = strstr(run->plan.items.v[i].source, "/UPID:");

		if (u) {
			struct str rest = str_from_cstr(u + 6), node;

			if (str_take_until(&rest, ':', &node))
				redact_add_name(&run->red, node);
		}
	}
}

static char *kernel_release(struct run *run)
{
	struct sbuf sb;
	struct str v, w;
	char *out = NULL;

	if (!*run->ctx.sysroot) {
		struct utsname u;

		return uname(&u) == 0 ? strdup(u.release) : NULL;
	}
	sbuf_init(&sb, COLLECT_CONF_BYTES + 1);
	if (read_small(run, "/proc/sys/kernel/osrelease", &sb)) {
		v = str_trim(sbuf_view(&sb));
		out = v.len ? str_dup(v) : NULL;
	} else if (read_small(run, "/proc/version", &sb)) {
		v = sbuf_view(&sb); /* "Linux version 6.8.12-4-pve (...)" */
		if (str_next_word(&v, &w) && str_next_word(&v, &w) && str_next_word(&v, &w))
			out = str_dup(w);
	}
	sbuf_release(&sb);
	return out;
}

static void sha256_hex(const void *data, size_t len, char out[65])
{
	SHA2_CTX c;
	char buf[SHA256_DIGEST_STRING_LENGTH];

	SHA256Init(&c);
	SHA256Update(&c, data, len);
	SHA256End(&c, buf);
	memcpy(out, buf, 64);
	out[64] = '\0';
}

static char *redact_cstr(struct run *run, const char *s)
{
	struct sbuf sb;

	sbuf_init(&sb, MAX_PATH_BYTES * 4);
	redact_text(&run->red, str_from_cstr(s), &sb);
	return sbuf_detach(&sb, NULL);
}

/* Notes what ROM choice needs from an item that was read. */
static void remember(struct run *run, const struct item *it, const struct item_result *r)
{
	struct str data = sbuf_view(&r->data);

	if (r->status != STATUS_OK)
		return;
	if (it->flags & ITEM_F_CLASS) {
		data = str_trim(data);
		if (str_starts_with(data, "0x03")) {
			/* /sys/bus/pci/devices/<bdf>/class */
			const char *end = strrchr(it->source, '/');
			const char *start = end;

			while (start > it->source && start[-1] != '/')
				start--;
			if (end && end > start && end - start < 32) {
				char bdf[32];

				snprintf(bdf, sizeof(bdf), "%.*s", (int)(end - start), start);
				strlist_push(&run->display, bdf);
			}
		}
	}
	if (it->flags & ITEM_F_VMCONF)
		rom_scan_vm_config(data, &run->passthru, &run->romfiles);
}

/* True when reason says source is a symlink ("symbolic link to 'T', not followed") whose
 * target, resolved against source's directory, is itself the source of a plan item: Debian's
 * /etc/modules-load.d/modules.conf -> ../modules, /etc/modules being read on its own. */
static bool link_in_plan(struct run *run, const char *source, const char *reason)
{
	static const char lead[] = "symbolic link to '";
	char path[MAX_PATH_BYTES], *parts[64];
	const char *t, *end, *slash = strrchr(source, '/');
	size_t np = 0, len = 0;

	if (strncmp(reason, lead, sizeof(lead) - 1) != 0 || !slash)
		return false;
	t = reason + sizeof(lead) - 1;
	end = strchr(t, '\'');
	if (!end)
		return false;
	if (*t == '/')
		snprintf(path, sizeof(path), "%.*s", (int)(end - t), t);
	else
		snprintf(path, sizeof(path), "%.*s/%.*s", (int)(slash - source), source,
			 (int)(end - t), t);
	for (char *c = path; *c;) {
		char *e = strchr(c, '/');

		if (e)
			*e = '\0';
		if (strcmp(c, "..") == 0)
			np -= np > 0;
		else if (*c && strcmp(c, ".") != 0 && np < 64)
			parts[np++] = c;
		if (!e)
			break;
		c = e + 1;
	}
	{
		char norm[MAX_PATH_BYTES];

		norm[0] = '\0';
		for (size_t i = 0; i < np && len + strlen(parts[i]) + 2 < sizeof(norm); i++)
			len += (size_t)snprintf(norm + len, sizeof(norm) - len, "/%s", parts[i]);
		for (size_t i = 0; i < run->plan.items.n; i++)
			if (strcmp(run->plan.items.v[i].source, norm) == 0)
				return true;
	}
	return false;
}

/* What a missing command costs, for the summary; the facts kept elsewhere are named. */
static const struct {
	const char *name, *cost;
} missing_cmds[] = {
	{ "lspci", "the sysfs copy (sys/bus/pci/devices) has the ids, class, revision, config "
		   "space, driver and IOMMU group; device names and lspci -k's module candidates "
		   "are not in the bundle" },
	{ "journalctl", "no kernel log of the previous boot; this boot's comes from dmesg" },
	{ "uname", "proc/version has the kernel release" },
};

/* Stores the item's bytes (redacted unless binary) and its manifest record. */
static int store(struct run *run, const struct item *it, const char *source, struct item_result *r,
		 struct error *err)
{
	struct sbuf content;
	struct manifest_item *mi;
	char *src = redact_cstr(run, source), *path = redact_cstr(run, it->path);
	char *reason = redact_cstr(run, r->reason);
	bool keep = r->status == STATUS_OK || r->status == STATUS_TRUNCATED || r->data.len > 0;
	int ret = 0;

	/* a token is at most about 5 times what it replaces ("1::" -> "2001:db8::1f") */
	sbuf_init(&content, r->data.len * 6 + 4096);
	if (it->flags & ITEM_F_BINARY) {
		sbuf_add_str(&content, sbuf_view(&r->data));
		if (it->flags & ITEM_F_CONFIG)
			redact_pci_config(&run->red, (uint8_t *)content.buf, content.len);
	} else {
		enum redact_format fmt = REDACT_FMT_TEXT;

		if (it->flags & ITEM_F_UNAME)
			fmt = REDACT_FMT_UNAME;
		else if (it->flags & ITEM_F_JOURNAL)
			fmt = REDACT_FMT_JOURNAL;
		else if (it->flags & ITEM_F_QEMU_LOG)
			fmt = REDACT_FMT_QEMU_LOG;
		redact_text_as(&run->red, fmt, sbuf_view(&r->data), &content);
	}
	if (sbuf_failed(&content)) {
		/* never store a half-redacted file */
		sbuf_reset(&content);
		keep = false;
		r->status = STATUS_ERROR;
		snprintf(r->reason, sizeof(r->reason), "redacted text larger than expected");
		free(reason);
		reason = redact_cstr(run, r->reason);
	}
	mi = manifest_add(&run->man, src, keep ? path : NULL, r->status, reason);
	mi->covered = r->status == STATUS_SKIPPED && link_in_plan(run, source, r->reason);
	mi->exit_code = r->exit_code;
	mi->duration_ms = r->duration_ms;
	if (keep) {
		char full[MAX_PATH_BYTES * 4 + 300];

		mi->bytes = content.len;
		sha256_hex(content.buf, content.len, mi->sha256);
		snprintf(full, sizeof(full), "%s/%s", run->top, path);
		ret = tarball_add_file(&run->tar, full, content.buf, content.len, err);
	}
	sbuf_release(&content);
	free(src);
	free(path);
	free(reason);
	return ret;
}

static long time_left(struct run *run)
{
	return run->deadline - COLLECT_MARGIN_MS - child_now_ms();
}

/* dmesg not installed: the kernel log from /dev/kmsg instead. */
static void kmsg_fallback(struct run *run, const struct item *it, struct item_result *r,
			  const char **source)
{
	char *kmsg;

	if (!it->kmsg_fallback || r->status != STATUS_MISSING || !strstr(r->reason, "not found"))
		return;
	kmsg = plan_real_path(&run->ctx, "/dev/kmsg");
	sbuf_reset(&r->data);
	r->reason[0] = '\0';
	r->status = STATUS_OK;
	r->exit_code = -1;
	item_file_kmsg(kmsg, it->max_bytes, r);
	*source = "/dev/kmsg";
	free(kmsg);
}

static void run_one(struct run *run, const struct item *it, long timeout, struct item_result *r,
		    const char **source)
{
	char *real = plan_real_path(&run->ctx, it->source);
	long t0 = child_now_ms();

	*source = it->source;
	switch (it->kind) {
	case ITEM_FILE:
		item_file_read(real, it->max_bytes, timeout, it->flags, r);
		break;
	case ITEM_CMD:
		item_cmd_run(it, run->ctx.sysroot, timeout, r);
		kmsg_fallback(run, it, r, source);
		break;
	case ITEM_LINK:
		item_file_link(real, r);
		break;
	case ITEM_DIRLIST:
		item_file_dirlist(real, timeout, r);
		break;
	case ITEM_HOLDERS:
		holders_format(&run->holders, &r->data);
		break;
	case ITEM_KMSG:
		item_file_kmsg(real, it->max_bytes, r);
		break;
	case ITEM_ROM: {
		char *dir = plan_real_path(&run->ctx, it->source);
		char *slash = strrchr(dir, '/');

		if (slash)
			*slash = '\0';
		item_rom_read(dir, *run->ctx.sysroot != '\0', it->max_bytes, timeout, r);
		free(dir);
		break;
	}
	}
	if (r->duration_ms == 0)
		r->duration_ms = child_now_ms() - t0;
	free(real);
}

static void progress(struct run *run, size_t i, size_t n, const char *path)
{
	if (!run->progress)
		return;
	fprintf(stderr, "\r\033[K[%zu/%zu] %.*s", i, n, 70, path);
	fflush(stderr);
}

/* Logs, stores and releases one item's result. */
static int finish_item(struct run *run, const struct item *it, const char *source,
		       struct item_result *r, struct error *err)
{
	int ret;

	if (r->status == STATUS_SKIPPED && strstr(r->reason, "global deadline"))
		run->deadline_hit = true;
	if (run->o->verbose)
		log_debug("%s: %s%s%s", it->path, item_status_name(r->status),
			  r->reason[0] ? ": " : "", r->reason);
	ret = store(run, it, source, r, err);
	item_result_release(r);
	return ret;
}

#define BATCH_MAX 64 /* files read by one child */

/* Reads the plain files items[i..j) through one child (item_file_read_batch). */
static int run_batch(struct run *run, size_t i, size_t j, struct error *err)
{
	struct item_result rs[BATCH_MAX];
	struct item_file_req reqs[BATCH_MAX];
	char *real[BATCH_MAX];
	long left = time_left(run);
	int ret = 0;

	for (size_t k = i; k < j; k++) {
		const struct item *it = &run->plan.items.v[k];

		item_result_init(&rs[k - i], it->max_bytes + 1);
		real[k - i] = plan_real_path(&run->ctx, it->source);
		reqs[k - i] =
			(struct item_file_req){ .path = real[k - i],
						.cap = it->max_bytes,
						.timeout_ms = left < it->max_ms ? left : it->max_ms,
						.flags = it->flags,
						.r = &rs[k - i] };
	}
	progress(run, i + 1, run->plan.items.n, run->plan.items.v[i].path);
	if (left < 100) {
		for (size_t k = 0; k < j - i; k++)
			item_result_set(&rs[k], STATUS_SKIPPED, "global deadline of %ld s reached",
					run->o->deadline_s);
	} else {
		item_file_read_batch(reqs, j - i, child_now_ms() + left);
	}
	for (size_t k = i; k < j; k++) {
		const struct item *it = &run->plan.items.v[k];

		progress(run, k + 1, run->plan.items.n, it->path);
		remember(run, it, &rs[k - i]);
		if (ret == 0)
			ret = finish_item(run, it, it->source, &rs[k - i], err);
		else
			item_result_release(&rs[k - i]);
		free(real[k - i]);
	}
	return ret;
}

#define CMDS_MAX 8 /* commands started together */

/* Runs the commands items[i..j) at the same time: all are started, then collected in order. */
static int run_cmds(struct run *run, size_t i, size_t j, struct error *err)
{
	struct cmd_handle h[CMDS_MAX];
	long left = time_left(run);
	int ret = 0;

	for (size_t k = i; k < j; k++)
		item_cmd_start(&run->plan.items.v[k], run->ctx.sysroot, &h[k - i]);
	for (size_t k = i; k < j; k++) {
		const struct item *it = &run->plan.items.v[k];
		const char *source = it->source;
		struct item_result r;
		long t0 = child_now_ms();

		progress(run, k + 1, run->plan.items.n, it->path);
		item_result_init(&r, it->max_bytes + 1);
		item_cmd_finish(it, run->ctx.sysroot, &h[k - i],
				left < it->max_ms ? left : it->max_ms, &r);
		if (r.duration_ms == 0)
			r.duration_ms = child_now_ms() - t0;
		kmsg_fallback(run, it, &r, &source);
		if (ret == 0)
			ret = finish_item(run, it, source, &r, err);
		else
			item_result_release(&r);
	}
	return ret;
}

/* Runs items from index `from` to the end of the plan. Consecutive plain files go to a
 * reader child together, consecutive commands run at the same time; everything else runs one
 * by one. */
static int run_items(struct run *run, size_t from, struct error *err)
{
	size_t i = from;

	while (i < run->plan.items.n) {
		const struct item *it = &run->plan.items.v[i];
		struct item_result r;
		const char *source = it->source;
		long left = time_left(run);
		size_t j = i;

		while (j < run->plan.items.n && j - i < BATCH_MAX &&
		       run->plan.items.v[j].kind == ITEM_FILE && !run->plan.items.v[j].skip_reason)
			j++;
		if (j > i) {
			if (run_batch(run, i, j, err) < 0)
				return -1;
			i = j;
			continue;
		}
		while (j < run->plan.items.n && j - i < CMDS_MAX &&
		       run->plan.items.v[j].kind == ITEM_CMD && !run->plan.items.v[j].skip_reason)
			j++;
		if (j > i + 1 && left >= 100) {
			if (run_cmds(run, i, j, err) < 0)
				return -1;
			i = j;
			continue;
		}
		progress(run, i + 1, run->plan.items.n, it->path);
		item_result_init(&r, it->max_bytes + 1);
		if (it->skip_reason) {
			item_result_set(&r, it->skip_status ? it->skip_status : STATUS_SKIPPED,
					"%s", it->skip_reason);
		} else if (left < 100) {
			item_result_set(&r, STATUS_SKIPPED, "global deadline of %ld s reached",
					run->o->deadline_s);
		} else {
			run_one(run, it, left < it->max_ms ? left : it->max_ms, &r, &source);
			remember(run, it, &r);
		}
		if (finish_item(run, it, source, &r, err) < 0)
			return -1;
		i++;
	}
	return 0;
}

static void sanitize(char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '.'))
			*s = '_';
}

static int open_temp(const char *output, char **temp, struct error *err)
{
	size_t n = strlen(output);
	char *t = malloc(n + 16);
	int fd;

	if (!t)
		return error_set(err, EXIT_OOM, "out of memory");
	memcpy(t, output, n);
	memcpy(t + n, ".partial-XXXXXX", 16);
	fd = mkostemp(t, O_CLOEXEC);
	if (fd < 0) {
		error_set(err, EXIT_OUTPUT, "cannot create '%s': %s", output, strerror(errno));
		free(t);
		return -1;
	}
	fchmod(fd, 0644);
	*temp = t;
	return fd;
}

/* What redaction replaced, from the counts the manifest records: claims only what was done. */
static void print_redaction(const struct redact *r)
{
	static const char *const what[REDACT_KIND_COUNT][2] = {
		[REDACT_HOSTNAME] = { "host name", "host names" },
		[REDACT_DOMAIN] = { "domain", "domains" },
		[REDACT_IPV4] = { "IPv4 address", "IPv4 addresses" },
		[REDACT_IPV6] = { "IPv6 address", "IPv6 addresses" },
		[REDACT_MAC] = { "MAC", "MACs" },
		[REDACT_SERIAL] = { "serial", "serials" },
		[REDACT_UUID] = { "UUID", "UUIDs" },
		[REDACT_USER] = { "user name", "user names" },
		[REDACT_SECRET] = { "secret", "secrets" },
	};
	bool any = false;

	printf("collect: replaced by tokens:");
	for (int k = 0; k < REDACT_KIND_COUNT; k++) {
		if (!r->count[k])
			continue;
		printf("%s %lu %s", any ? "," : "", r->count[k], what[k][r->count[k] != 1]);
		any = true;
	}
	printf("%s\n", any ? "" : " nothing (no host name, address, MAC, serial or UUID found)");
}

static void summary(struct run *run, const char *output, long long size)
{
	const struct manifest *m = &run->man;
	size_t shown = 0, covered = 0;

	for (size_t i = 0; i < m->items.n; i++)
		covered += m->items.v[i].covered;
	if (run->o->quiet)
		return;
	printf("collect: wrote %s (%.1f KiB) in %.1f s\n", output, (double)size / 1024.0,
	       (double)m->duration_ms / 1000.0);
	printf("collect: %zu items collected, %zu truncated, %zu missing (not on this host), "
	       "%zu skipped, %zu not readable\n",
	       manifest_count(m, STATUS_OK), manifest_count(m, STATUS_TRUNCATED),
	       manifest_count(m, STATUS_MISSING), manifest_count(m, STATUS_SKIPPED) - covered,
	       manifest_count(m, STATUS_DENIED) + manifest_count(m, STATUS_TIMEOUT) +
		       manifest_count(m, STATUS_ERROR));
	for (size_t c = 0; c < sizeof(missing_cmds) / sizeof(missing_cmds[0]); c++) {
		char what[256];
		size_t len = 0, nl = strlen(missing_cmds[c].name);

		what[0] = '\0';
		for (size_t i = 0; i < m->items.n; i++) {
			const struct manifest_item *it = &m->items.v[i];

			if (it->status == STATUS_MISSING && it->reason &&
			    strncmp(it->reason, missing_cmds[c].name, nl) == 0 &&
			    strcmp(it->reason + nl, ": command not found") == 0 &&
			    len + strlen(it->source) + 3 < sizeof(what))
				len += (size_t)snprintf(what + len, sizeof(what) - len, "%s%s",
							len ? ", " : "", it->source);
		}
		if (len)
			printf("  %s not installed: no %s; %s\n", missing_cmds[c].name, what,
			       missing_cmds[c].cost);
	}
	for (size_t i = 0; i < m->items.n; i++) {
		const struct manifest_item *it = &m->items.v[i];

		if (it->status != STATUS_DENIED && it->status != STATUS_TIMEOUT &&
		    it->status != STATUS_ERROR && it->status != STATUS_SKIPPED)
			continue;
		if (it->covered)
			continue;
		if (shown++ == 15) {
			printf("  ... (see manifest.json for the rest)\n");
			break;
		}
		printf("  %s: %s%s%s\n", it->source, item_status_name(it->status),
		       it->reason ? ": " : "", it->reason ? it->reason : "");
	}
	if (!m->is_root && !m->sysroot)
		printf("collect: not run as root: config space is partial, the kernel log and ROMs "
		       "may be missing; run it with sudo to collect them\n");
	if (run->red.enabled)
		print_redaction(&run->red);
	else
		printf("collect: redaction is OFF (--no-redact): do not post this file publicly\n");
	printf("next: review it with 'tar -tzvf %s', then attach it to your forum thread\n",
	       output);
}

static int finish(struct run *run, const char *temp, const char *output, struct error *err)
{
	struct sbuf json;
	char full[400];
	int ret;

	run->man.duration_ms = child_now_ms() - run->t0;
	sbuf_init(&json, MAX_JSON_BYTES);
	manifest_write(&run->man, &run->red, &json);
	if (sbuf_failed(&json)) {
		sbuf_release(&json);
		return error_set(err, EXIT_LIMIT, "manifest larger than %u bytes", MAX_JSON_BYTES);
	}
	snprintf(full, sizeof(full), "%s/manifest.json", run->top);
	ret = tarball_add_file(&run->tar, full, json.buf, json.len, err);
	sbuf_release(&json);
	if (ret < 0)
		return -1;
	if (tarball_close(&run->tar, err) < 0)
		return -1;
	if (rename(temp, output) < 0)
		return error_set(err, EXIT_OUTPUT, "cannot rename '%s' to '%s': %s", temp, output,
				 strerror(errno));
	cleanup_set_temp(NULL);
	return 0;
}

static int write_redact_map(struct run *run, struct error *err)
{
	struct sbuf sb;
	int fd, ret = 0;

	sbuf_init(&sb, MAX_OUTPUT_BYTES);
	redact_map_write(&run->red, &sb);
	fd = open(run->o->redact_map, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || write(fd, sb.buf, sb.len) != (ssize_t)sb.len)
		ret = error_set(err, EXIT_OUTPUT, "cannot write '%s': %s", run->o->redact_map,
				strerror(errno));
	if (fd >= 0)
		close(fd);
	sbuf_release(&sb);
	return ret;
}

static void run_release(struct run *run)
{
	plan_release(&run->plan);
	redact_release(&run->red);
	manifest_release(&run->man);
	holders_release(&run->holders);
	strlist_free(&run->devices);
	strlist_free(&run->display);
	strlist_free(&run->passthru);
	strlist_free(&run->romfiles);
}

int collect_run(const struct collect_opts *o, struct error *err)
{
	struct run run;
	char host[256], stamp[32], utc[32], token[128];
	char *output = NULL, *temp = NULL;
	time_t now = time(NULL);
	struct tm tm;
	struct stat st;
	int fd, ret = -1;

	memset(&run, 0, sizeof(run));
	run.o = o;
	run.t0 = child_now_ms();
	run.deadline = run.t0 + o->deadline_s * 1000;
	run.ctx.sysroot = o->sysroot;
	run.ctx.is_root = geteuid() == 0;
	run.ctx.end_ms = run.deadline - COLLECT_MARGIN_MS;
	run.progress = !o->quiet && isatty(2);
	plan_init(&run.plan);
	redact_init(&run.red, o->redact);
	manifest_init(&run.man);
	cleanup_install();

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	strftime(utc, sizeof(utc), "%Y-%m-%dT%H:%M:%SZ", &tm);

	holders_scan_bounded(o->sysroot, &run.holders, COLLECT_FILE_MS);
	plan_build(&run.plan, &run.ctx);
	seed_names(&run, host, sizeof(host));
	{
		struct str label = str_from_cstr(host), first;

		if (str_take_until(&label, '.', &first))
			label = first;
		if (o->redact)
			snprintf(token, sizeof(token), "%s",
				 redact_token(&run.red, REDACT_HOSTNAME,
					      label.len ? label : STR_LIT("unknown")));
		else
			snprintf(token, sizeof(token), "%.*s", (int)(label.len ? label.len : 7),
				 label.len ? label.ptr : "unknown");
		sanitize(token);
	}
	snprintf(run.top, sizeof(run.top), "vfio-bundle-%s-%s", token, stamp);
	if (o->output) {
		output = strdup(o->output);
	} else {
		size_t n = strlen(run.top) + 8;

		output = malloc(n);
		if (output)
			snprintf(output, n, "%s.tar.gz", run.top);
	}
	if (!output) {
		error_set(err, EXIT_OOM, "out of memory");
		goto out;
	}
	if (stat(output, &st) == 0 && S_ISDIR(st.st_mode)) {
		error_set(err, EXIT_OUTPUT, "'%s' is a directory", output);
		goto out;
	}
	fd = open_temp(output, &temp, err);
	if (fd < 0)
		goto out;
	cleanup_set_temp(temp);
	if (tarball_open(&run.tar, fd, 6, now, err) < 0)
		goto out_unlink;

	run.man.created_utc = strdup(utc);
	run.man.kernel_release = kernel_release(&run);
	run.man.hostname_token = strdup(token);
	run.man.is_root = run.ctx.is_root;
	run.man.redacted = o->redact;
	run.man.sysroot = *o->sysroot != '\0';
	run.man.roms = o->roms;
	run.man.deadline_s = o->deadline_s;

	if (tarball_add_dir(&run.tar, run.top, err) < 0 || run_items(&run, 0, err) < 0)
		goto out_abort;
	if (o->roms) {
		struct rom_choice c = { .devices = &run.devices,
					.display = &run.display,
					.passthru = &run.passthru,
					.romfiles = &run.romfiles,
					.holders = &run.holders };
		size_t from = run.plan.items.n;

		plan_list(&run.plan, &run.ctx, "/sys/bus/pci/devices", "sys/bus/pci/devices",
			  &run.devices, COLLECT_MAX_PCI);
		rom_plan(&run.plan, &run.ctx, &c);
		if (run_items(&run, from, err) < 0)
			goto out_abort;
	}
	if (run.progress)
		fprintf(stderr, "\r\033[K");
	if (finish(&run, temp, output, err) < 0)
		goto out_abort; /* a no-op when the archive was already closed */
	if (o->redact_map && write_redact_map(&run, err) < 0)
		log_warn("%s", err->msg); /* the bundle is fine; only the local map failed */
	error_clear(err);
	if (stat(output, &st) != 0)
		st.st_size = 0;
	summary(&run, output, (long long)st.st_size);
	if (run.deadline_hit)
		ret = EXIT_TIMEOUT;
	else if (manifest_count(&run.man, STATUS_DENIED) ||
		 manifest_count(&run.man, STATUS_TIMEOUT) || manifest_count(&run.man, STATUS_ERROR))
		ret = EXIT_PARTIAL;
	else
		ret = EXIT_OK;
	goto out;
out_abort:
	tarball_abort(&run.tar);
out_unlink:
	if (run.progress)
		fprintf(stderr, "\r\033[K");
	unlink(temp);
	cleanup_set_temp(NULL);
out:
	free(temp);
	free(output);
	run_release(&run);
	return ret;
}
