/* The host: an IPv4 node with UDP and TCP. */
#include "host.h"

#include <string.h>

#include "sock_pair.h"
#include "tcp_pair.h"
#include "udp.h"

const char *const host_stat_names[HOST_STAT_COUNT] = {
    HOST_COUNTERS(STATS_NAME)};

int
host_init(struct host *h, struct ev_loop *loop, struct port_set *ports)
{
	memset(h, 0, sizeof(*h));
	if (ipnode_init(&h->node, loop, ports) < 0)
		return -1;
	ipnode_register(&h->node, &udp_proto);
	tcp_stack_init(&h->tcp, &h->node);
	ipnode_register(&h->node, &tcp_proto);
	return 0;
}

void
host_destroy(struct host *h)
{
	http_service_destroy(h);
	sock_pair_close_all(h);
	tcp_pair_close_all(h);
	tcp_stack_destroy(&h->tcp);
	ipnode_destroy(&h->node);
}
