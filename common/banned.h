/* banned.h - calls this project never uses (git's banned.h). Include after every system
 * header; tools/check-banned greps for them too. */
#pragma once

#undef strcpy
#define strcpy(x, y) sorry_strcpy_is_banned_use_sbuf
#undef strcat
#define strcat(x, y) sorry_strcat_is_banned_use_sbuf
#undef sprintf
#define sprintf(...) sorry_sprintf_is_banned_use_snprintf_or_sbuf
#undef strtok
#define strtok(x, y) sorry_strtok_is_banned_use_str_take_until
#undef atoi
#define atoi(x) sorry_atoi_is_banned_use_str_to_u64
#undef gets
#define gets(x) sorry_gets_is_banned
