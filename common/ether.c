/* Ethernet II framing. */
#include "ether.h"

#include <stdio.h>
#include <string.h>

const uint8_t ether_broadcast[ETHER_ADDR_LEN] = {0xff, 0xff, 0xff,
						 0xff, 0xff, 0xff};
const uint8_t ether_zero[ETHER_ADDR_LEN];

static uint16_t
ether_read16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

enum ether_parse_result
ether_parse(const uint8_t *frame, size_t len, struct ether_frame *out)
{
	size_t off = ETHER_HDR_LEN;
	uint16_t type;

	if (len < ETHER_HDR_LEN)
		return ETHER_TRUNCATED;
	type = ether_read16(frame + 12);
	out->vlan = 0;
	if (type == ETHERTYPE_VLAN) {
		if (len < ETHER_HDR_LEN + ETHER_VLAN_HDR_LEN)
			return ETHER_TRUNCATED;
		out->vlan = ether_read16(frame + 14) & 0x0fff;
		type = ether_read16(frame + 16);
		off += ETHER_VLAN_HDR_LEN;
	}
	out->dst = frame;
	out->src = frame + ETHER_ADDR_LEN;
	out->type = type;
	out->payload = frame + off;
	out->payload_len = len - off;
	/* Values up to 1500 are 802.3 lengths: the payload is LLC, not IP. */
	if (type <= 1500)
		return ETHER_LENGTH_FIELD;
	return ETHER_OK;
}

void
ether_build(uint8_t *buf, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	memcpy(buf, dst, ETHER_ADDR_LEN);
	memcpy(buf + ETHER_ADDR_LEN, src, ETHER_ADDR_LEN);
	buf[12] = (uint8_t)(type >> 8);
	buf[13] = (uint8_t)type;
}

bool
ether_is_zero(const uint8_t *mac)
{
	return memcmp(mac, ether_zero, ETHER_ADDR_LEN) == 0;
}

bool
ether_is_link_local(const uint8_t *mac)
{
	static const uint8_t prefix[5] = {0x01, 0x80, 0xc2, 0x00, 0x00};

	return memcmp(mac, prefix, sizeof(prefix)) == 0 && mac[5] <= 0x0f;
}

char *
ether_ntoa_buf(const uint8_t *mac, char *buf)
{
	snprintf(buf, ETHER_ADDR_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

int
ether_hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
ether_aton_buf(const char *s, uint8_t *mac)
{
	for (int i = 0; i < ETHER_ADDR_LEN; i++) {
		int hi = ether_hexdigit(s[0]);
		int lo = hi < 0 ? -1 : ether_hexdigit(s[1]);

		if (lo < 0)
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < ETHER_ADDR_LEN - 1 && *s++ != ':')
			return -1;
	}
	return *s == '\0' ? 0 : -1;
}
