/*
 * TCP's eleven states (RFC 9293 3.3.2) as a table of {state, event, next}
 * rows. Segment processing (tcp_input.c) decides which event a segment
 * is; this table alone decides where it leads, so that every transition
 * can be logged, shown and tested.
 */
#include "tcp.h"

#define TCP_STATE_TEXT(name, text) text,
#define TCP_EVENT_NAME(name) #name,
const char *const tcp_state_names[TCP_STATE_COUNT] = {
    TCP_STATES(TCP_STATE_TEXT)};
const char *const tcp_event_names[TCP_EVENT_COUNT] = {
    TCP_EVENTS(TCP_EVENT_NAME)};

struct tcp_transition {
	enum tcp_state state;
	enum tcp_event event;
	enum tcp_state next;
};

static const struct tcp_transition tcp_fsm[] = {
    {TCP_CLOSED, TCP_EV_open_active, TCP_SYN_SENT},
    {TCP_CLOSED, TCP_EV_open_passive, TCP_LISTEN},
    {TCP_LISTEN, TCP_EV_rcv_syn, TCP_SYN_RECEIVED},
    {TCP_LISTEN, TCP_EV_close, TCP_CLOSED},
    {TCP_LISTEN, TCP_EV_reset, TCP_CLOSED}, /* aborted (RFC 9293 3.10.5) */
    {TCP_SYN_SENT, TCP_EV_rcv_syn_ack, TCP_ESTABLISHED},
    {TCP_SYN_SENT, TCP_EV_rcv_syn, TCP_SYN_RECEIVED}, /* simultaneous open */
    {TCP_SYN_SENT, TCP_EV_close, TCP_CLOSED},
    {TCP_SYN_SENT, TCP_EV_timeout, TCP_CLOSED},
    {TCP_SYN_SENT, TCP_EV_reset, TCP_CLOSED},
    {TCP_SYN_RECEIVED, TCP_EV_rcv_ack_of_syn, TCP_ESTABLISHED},
    {TCP_SYN_RECEIVED, TCP_EV_close, TCP_FIN_WAIT_1},
    {TCP_SYN_RECEIVED, TCP_EV_rcv_fin, TCP_CLOSE_WAIT},
    {TCP_SYN_RECEIVED, TCP_EV_timeout, TCP_CLOSED},
    {TCP_SYN_RECEIVED, TCP_EV_reset, TCP_CLOSED},
    {TCP_ESTABLISHED, TCP_EV_close, TCP_FIN_WAIT_1},
    {TCP_ESTABLISHED, TCP_EV_rcv_fin, TCP_CLOSE_WAIT},
    {TCP_ESTABLISHED, TCP_EV_timeout, TCP_CLOSED},
    {TCP_ESTABLISHED, TCP_EV_reset, TCP_CLOSED},
    {TCP_FIN_WAIT_1, TCP_EV_rcv_ack_of_fin, TCP_FIN_WAIT_2},
    {TCP_FIN_WAIT_1, TCP_EV_rcv_fin, TCP_CLOSING}, /* simultaneous close */
    {TCP_FIN_WAIT_1, TCP_EV_timeout, TCP_CLOSED},
    {TCP_FIN_WAIT_1, TCP_EV_reset, TCP_CLOSED},
    {TCP_FIN_WAIT_2, TCP_EV_rcv_fin, TCP_TIME_WAIT},
    {TCP_FIN_WAIT_2, TCP_EV_timeout, TCP_CLOSED},
    {TCP_FIN_WAIT_2, TCP_EV_reset, TCP_CLOSED},
    {TCP_CLOSE_WAIT, TCP_EV_close, TCP_LAST_ACK},
    {TCP_CLOSE_WAIT, TCP_EV_timeout, TCP_CLOSED},
    {TCP_CLOSE_WAIT, TCP_EV_reset, TCP_CLOSED},
    {TCP_CLOSING, TCP_EV_rcv_ack_of_fin, TCP_TIME_WAIT},
    {TCP_CLOSING, TCP_EV_timeout, TCP_CLOSED},
    {TCP_CLOSING, TCP_EV_reset, TCP_CLOSED},
    {TCP_LAST_ACK, TCP_EV_rcv_ack_of_fin, TCP_CLOSED},
    {TCP_LAST_ACK, TCP_EV_timeout, TCP_CLOSED},
    {TCP_LAST_ACK, TCP_EV_reset, TCP_CLOSED},
    {TCP_TIME_WAIT, TCP_EV_rcv_fin, TCP_TIME_WAIT}, /* restarts 2 MSL */
    {TCP_TIME_WAIT, TCP_EV_timeout, TCP_CLOSED},
    {TCP_TIME_WAIT, TCP_EV_reset, TCP_CLOSED},
};

int
tcp_fsm_next(enum tcp_state state, enum tcp_event event)
{
	for (size_t i = 0; i < sizeof(tcp_fsm) / sizeof(tcp_fsm[0]); i++)
		if (tcp_fsm[i].state == state && tcp_fsm[i].event == event)
			return (int)tcp_fsm[i].next;
	return -1;
}
