/*
 * switchd: a learning Ethernet switch. It owns the interfaces named on its
 * command line, learns which station sits behind which port, forwards known
 * unicast to its one port and floods the rest.
 */
#include "mactable.h"
#include "switch_cmd.h"

int
main(int argc, char **argv)
{
	static struct switchd sd = {.aging = MACTABLE_DEFAULT_AGING,
				    .max_macs = MACTABLE_DEFAULT_CAPACITY};

	return daemon_main(&sd.d, &switchd_spec, argc, argv);
}
