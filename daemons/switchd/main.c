/*
 * switchd: a learning Ethernet switch. It owns the interfaces named on its
 * command line, learns which station sits behind which port, forwards known
 * unicast to its one port and floods the rest.
 */
#include "switch_cmd.h"

int
main(int argc, char **argv)
{
	return daemon_main(&switchd_spec, argc, argv);
}
