/* Port bookkeeping shared by every kind of port. */
#include "port.h"

#include "capture.h"

int
port_send(struct port *port, const uint8_t *frame, size_t len)
{
	if (!port->up || len > port_frame_max(port) ||
	    port->ops->send(port, frame, len) < 0) {
		port->cnt.tx_dropped++;
		return -1;
	}
	port->cnt.tx_packets++;
	port->cnt.tx_bytes += len;
	if (port->capture)
		capture_write(port, frame, len);
	return 0;
}

void
port_deliver(struct port *port, const uint8_t *frame, size_t len)
{
	port->cnt.rx_packets++;
	port->cnt.rx_bytes += len;
	if (port->capture)
		capture_write(port, frame, len);
	port->rx(port, frame, len, port->rx_arg);
}

void
port_close(struct port *port)
{
	capture_stop(port);
	if (port->ops && port->ops->close)
		port->ops->close(port);
}

size_t
port_frame_max(const struct port *port)
{
	return port->mtu + ETHER_HDR_LEN + ETHER_VLAN_HDR_LEN;
}

json_t *
port_json(const struct port *port)
{
	char mac[ETHER_ADDR_STRLEN];
	const struct port_counters *c = &port->cnt;

	return json_pack(
	    "{s:s, s:s, s:I, s:b, s:I, s:I, s:I, s:I, s:I, s:I}", "name",
	    port->name, "mac", ether_ntoa_buf(port->mac, mac), "mtu",
	    (json_int_t)port->mtu, "up", port->up, "rx_packets",
	    (json_int_t)c->rx_packets, "rx_bytes", (json_int_t)c->rx_bytes,
	    "tx_packets", (json_int_t)c->tx_packets, "tx_bytes",
	    (json_int_t)c->tx_bytes, "rx_dropped", (json_int_t)c->rx_dropped,
	    "tx_dropped", (json_int_t)c->tx_dropped);
}

json_t *
port_table_json(struct port *const *ports, int n)
{
	json_t *rows = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(rows, port_json(ports[i]));
	return rows;
}
