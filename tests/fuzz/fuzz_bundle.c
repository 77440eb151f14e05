/* fuzz_bundle.c - bytes as a bundle: libarchive in memory (any filter and format the reader
 * accepts), path sanitising, classification by path, every parser, the fact store. Each
 * input gets a fresh in-memory store. */
#include <stddef.h>
#include <stdint.h>

#include "facts/factstore.h"
#include "input/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct error err = { 0 };
	struct factstore *fs = factstore_open(NULL, &err);
	struct ingest ing;

	if (!fs)
		return 0;
	ingest_init(&ing, fs);
	/* the name ends in .tar.gz, but only the bytes decide how they are read */
	ingest_buffer(&ing, "fuzz.tar.gz", str_from_mem(data, size), &err);
	ingest_release(&ing);
	factstore_close(fs);
	return 0;
}
