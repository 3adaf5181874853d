/* In-memory ports for unit tests. */
#include "mem_port.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
mem_port_send(struct port *port, const uint8_t *frame, size_t len)
{
	struct mem_port *mp = (struct mem_port *)port;
	struct mem_frame *f;

	if (mp->nsent == MEM_PORT_FRAMES)
		return -1;
	f = &mp->sent[mp->nsent];
	f->data = malloc(len ? len : 1);
	if (!f->data)
		return -1;
	memcpy(f->data, frame, len);
	f->len = len;
	mp->nsent++;
	return 0;
}

static void
mem_port_close(struct port *port)
{
	mem_port_clear((struct mem_port *)port);
}

static const struct port_ops mem_port_ops = {
    .send = mem_port_send,
    .close = mem_port_close,
};

struct mem_port *
mem_port_new(const char *name, uint8_t mac_last)
{
	struct mem_port *mp = calloc(1, sizeof(*mp));

	if (!mp)
		abort();
	snprintf(mp->port.name, sizeof(mp->port.name), "%s", name);
	mp->port.mac[0] = 0x02;
	mp->port.mac[5] = mac_last;
	mp->port.mtu = 1500;
	mp->port.up = true;
	mp->port.ops = &mem_port_ops;
	return mp;
}

void
mem_port_clear(struct mem_port *mp)
{
	for (size_t i = 0; i < mp->nsent; i++)
		free(mp->sent[i].data);
	mp->nsent = 0;
}

void
mem_port_free(struct mem_port *mp)
{
	if (!mp)
		return;
	mem_port_clear(mp);
	free(mp);
}

const struct mem_frame *
mem_port_frame(const struct mem_port *mp, size_t i)
{
	return i < mp->nsent ? &mp->sent[i] : NULL;
}
