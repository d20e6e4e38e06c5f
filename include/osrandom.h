/*
 * osrandom.h: random bytes and ids from the OS random source.
 */
#ifndef OSRANDOM_H
#define OSRANDOM_H

#include <stddef.h>

/* the text of a UUID and its NUL */
#define UUID_TEXT 37

/*
 * os_random: n bytes from the OS random source (getrandom) into buf.
 * Returns 0, or -1 after reporting.
 */
int os_random(void *buf, size_t n);

/*
 * uuid_random: a random (version 4) UUID in lower case into out, drawn
 * straight from the OS random source (libuuid's generator mixes random(3)
 * into each, which made it the slowest part of recording 100k requests).
 * Returns 0, or -1 after reporting.
 */
int uuid_random(char out[UUID_TEXT]);

#endif
