"""udp_pcap — small hand-made captures for the shell tests: Ethernet/IPv4/UDP frames (with the
IPv4 header checksum) written to a classic pcap file (Ethernet link type). Import it with
PYTHONPATH="$PNB_TOP/tests/tools"."""
import struct


def csum(b):
    """The Internet checksum of b (RFC 1071)."""
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return (~s) & 0xffff


def frame(smac, dmac, sip, dip, sport, dport, payload):
    """One UDP datagram in an Ethernet frame; addresses as bytes (6 for a MAC, 4 for an IP)."""
    udp = struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, sip, dip)
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    return dmac + smac + b'\x08\x00' + ip + udp


def write_pcap(path, packets):
    """packets: (microseconds after 1700000000 s, frame) pairs, in order."""
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for us, p in packets:
            f.write(struct.pack('<IIII', 1700000000 + us // 1000000, us % 1000000, len(p), len(p)) + p)
