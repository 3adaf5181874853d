/*
 * routerd: an IPv4 router. It owns the interfaces named on its command
 * line, answers ARP for its addresses, and forwards datagrams between its
 * subnets by longest-prefix match, sending ICMP errors as RFC 1812 asks.
 */
#include "router_cmd.h"

int
main(int argc, char **argv)
{
	return daemon_main(&routerd_spec, argc, argv);
}
