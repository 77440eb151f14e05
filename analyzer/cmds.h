/* cmds.h - the modes of `analyze`, one file each (cmd_<mode>.c). Each takes the arguments
 * after the mode word (argv[0] is the mode) and returns an exit code (common/error.h). */
#pragma once

int cmd_analyze_main(int argc, char **argv); /* analyze INPUT...   (the default mode) */
int cmd_query_main(int argc, char **argv);   /* analyze query INPUT... --sql SQL */
int cmd_kb_main(int argc, char **argv);	     /* analyze kb list|lint|test */
int cmd_corpus_main(int argc, char **argv);  /* analyze corpus DIR */
int cmd_diff_main(int argc, char **argv);    /* analyze diff A B */
