/* Packet capture of a port's traffic, both directions, into pcap files. */
#ifndef HOPLAB_CAPTURE_H
#define HOPLAB_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "port.h"

/* Starts writing DIR/NODE-PORT.pcap; the path goes to path (len bytes). */
int capture_start(struct port *port, const char *dir, const char *node,
		  char *path, size_t len);
void capture_stop(struct port *port);
/* Appends one frame seen now on port. */
void capture_write(struct port *port, const uint8_t *frame, size_t len);

#endif
