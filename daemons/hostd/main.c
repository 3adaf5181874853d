/*
 * hostd: a host's network stack in user space. It owns the interfaces named
 * on its command line and runs ARP, IPv4, ICMP and UDP over them, with
 * built-in applications and sockets handed to programs through hostsock.
 */
#include "host_cmd.h"

int
main(int argc, char **argv)
{
	return daemon_main(&hostd_spec, argc, argv);
}
