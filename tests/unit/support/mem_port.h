/*
 * An in-memory port for unit tests: frames "sent" on it are recorded, in
 * order, so a test can feed a frame into a daemon's input and check exactly
 * what came out of which port.
 */
#ifndef HOPLAB_MEM_PORT_H
#define HOPLAB_MEM_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "port.h"

#define MEM_PORT_FRAMES 256

struct mem_frame {
	uint8_t *data;
	size_t len;
};

struct mem_port {
	struct port port;
	struct mem_frame sent[MEM_PORT_FRAMES];
	size_t nsent;
};

/* A port called name with the given MAC byte pattern, up, MTU 1500. */
struct mem_port *mem_port_new(const char *name, uint8_t mac_last);
void mem_port_free(struct mem_port *mp);
/* Forgets what was sent. */
void mem_port_clear(struct mem_port *mp);
/* The i-th frame sent, or NULL. */
const struct mem_frame *mem_port_frame(const struct mem_port *mp, size_t i);

#endif
