/* ingest.h - every INPUT argument into the fact store: bundles, bundle directories, loose
 * files, pastes and standard input, each file classified, normalised, parsed and loaded.
 *
 * One struct ingest per run. ingest_add() takes one INPUT argument and either loads all of it
 * or fails with one message naming it (EXIT_INPUT, EXIT_LIMIT); skipped entries and other
 * survivable problems become warnings (in ing->warnings and the store's warnings table).
 * Records and warnings live in ing->arena until ingest_release(). File contents live only
 * while their rows are loaded (a per-file scratch arena), so memory stays bounded by one
 * file plus what SQLite holds.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/error.h"
#include "common/str.h"
#include "common/vec.h"
#include "input/normalize.h"
#include "parse/parse.h"

struct factstore;

/* How one input file, or one part of a paste, was classified and loaded. */
struct ingest_record {
	int64_t input_id;   /* inputs.id in the store */
	const char *path;   /* bundle path ("cmd/dmesg") or the loose file as given */
	const char *origin; /* the INPUT argument */
	enum source_kind kind;
	int confidence;
	const char *how;     /* "path", "command", "content", "mentioned path", "default" */
	const char *command; /* the paste prompt's command, or NULL */
	const char *part;    /* paste marker name ("prompt", "code", ...) or NULL */
	uint32_t first_line, last_line;
	uint64_t bytes;
	int boot;
	enum source_kind runner_up;
	int runner_up_confidence;
	uint64_t rows; /* rows this input added */
};

struct ingest_warning {
	const char *path; /* may be NULL */
	uint32_t line;
	const char *message;
};

struct ingest_stats {
	double read_ms, parse_ms, store_ms; /* wall times; read = everything but parse/store */
	uint64_t bytes, files, parts;
	struct normalize_stats norm; /* summed over every text input */
};

struct sysfs_pending;
struct bundle_check;

struct ingest {
	struct arena arena;
	struct factstore *fs;
	VEC(struct ingest_record) records;
	unsigned empty_inputs; /* INPUTs that held no byte to read (each also a warning) */
	VEC(struct ingest_warning) warnings;
	struct ingest_stats stats;
	uint64_t total_bytes;
	/* Called for every file or part after parsing, before loading (for --dump). */
	void (*on_part)(void *ctx, const struct ingest_record *rec, const struct parse_out *out);
	void *on_part_ctx;
	/* private */
	const char *origin;
	struct sysfs_pending *pending;
	struct bundle_check *check; /* members and manifest claims of the bundle being read */
};

void ingest_init(struct ingest *ing, struct factstore *fs);
void ingest_release(struct ingest *ing);

/* Loads one INPUT argument: "-" (standard input), an archive, a directory or a loose file. */
int ingest_add(struct ingest *ing, const char *arg, struct error *err);

/* Loads bytes already in memory as if they were a loose file called name (tests, fuzzing):
 * archives are read as bundles, text is normalised and split when it is a paste. */
int ingest_buffer(struct ingest *ing, const char *name, struct str data, struct error *err);

/* Loads bytes already in memory as the bundle member at path would be (knowledge examples):
 * when path is in the bundle path table ("proc/sys/kernel/split_lock_mitigate",
 * "roms/0000:01:00.0.rom"), it decides the kind and what else the path knows, exactly as in
 * a bundle. Returns 1 when loaded, 0 when the table does not know path (nothing is loaded:
 * give the bytes to ingest_buffer()), -1 with err. Attributes of sys/bus/pci/devices/<bdf>/
 * wait, as in a bundle, until ingest_flush() turns each device's attributes into one input. */
int ingest_member(struct ingest *ing, const char *path, struct str data, struct error *err);

/* Loads the device attributes ingest_member() collected. Returns 0, or -1 with err. */
int ingest_flush(struct ingest *ing, struct error *err);
