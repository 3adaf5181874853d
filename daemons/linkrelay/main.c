/*
 * linkrelay: a wire between two interfaces that impairs what crosses it
 * as it is told (`hopctl NODE set impair IF ...`); hoplab puts one on the
 * link of an impaired interface of a Linux node.
 */
#include "linkrelay.h"

int
main(int argc, char **argv)
{
	return daemon_main(&linkrelay_spec, argc, argv);
}
