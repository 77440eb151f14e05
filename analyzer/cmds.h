/* cmds.h - the modes of `analyze`, one file each (cmd_<mode>.c). Each takes the arguments
 * after the mode word (argv[0] is the mode) and returns an exit code (common/error.h). */
#pragma once

struct ingest;
struct factstore;
struct error;

int cmd_analyze_main(int argc, char **argv); /* analyze INPUT...   (the default mode) */
int cmd_query_main(int argc, char **argv);   /* analyze query INPUT... --sql SQL */
int cmd_kb_main(int argc, char **argv);	     /* analyze kb list|lint|test */
int cmd_corpus_main(int argc, char **argv);  /* analyze corpus DIR */
int cmd_diff_main(int argc, char **argv);    /* analyze diff A B */

/* cmd_analyze.c: ingest every INPUT into ing's store and log the ingest warnings; -1 with err
 * set (naming the input) on the first input that cannot be read. */
int cmd_ingest_all(struct ingest *ing, char **inputs, int n, struct error *err);
/* cmd_analyze.c: one --timings line for the ingest stages (read, parse, store) on stderr. */
void cmd_print_ingest_timings(const struct ingest *ing, struct factstore *fs);
