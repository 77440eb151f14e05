/* clock.h - the monotonic clock in milliseconds, for stage timings (`analyze --timings`,
 * the corpus runner's case deadlines). Not wall time: never shown as a date. */
#pragma once

double clock_ms(void);
