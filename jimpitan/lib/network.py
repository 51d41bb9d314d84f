"""This machine's addresses on the local network, for the host names `make run HOST=0.0.0.0` must accept."""

from __future__ import annotations

import socket
import struct

SIOCGIFADDR = 0x8915  # Linux: an interface's IPv4 address
LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]"]


def _interface_addresses() -> list[str]:
    """Every interface's IPv4 address (Linux). Elsewhere: none, and the route probe below still finds one."""
    try:
        import fcntl
    except ImportError:
        return []
    found = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _index, name in socket.if_nameindex():
            request = struct.pack("256s", name[:15].encode())
            try:
                reply = fcntl.ioctl(probe.fileno(), SIOCGIFADDR, request)
            except OSError:
                continue  # an interface without an IPv4 address
            found.append(socket.inet_ntoa(reply[20:24]))
    return found


def _routed_address() -> list[str]:
    """The address this machine would send from; connecting a UDP socket picks a route and sends nothing."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 9))
            return [probe.getsockname()[0]]
        except OSError:
            return []


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback, in a stable order."""
    addresses = set(_interface_addresses()) | set(_routed_address())
    return sorted(address for address in addresses if not address.startswith(("127.", "0.")))


def allowed_hosts_for(bind_host: str) -> list[str]:
    """The host names a server bound to `bind_host` answers to: loopback, plus the LAN when bound to all."""
    hosts = list(LOCAL_HOSTS)
    if bind_host in ("0.0.0.0", "::", ""):
        name = socket.gethostname()
        extra = [*lan_addresses(), name, f"{name}.local"]
    else:
        extra = [f"[{bind_host}]" if ":" in bind_host else bind_host]
    hosts.extend(host for host in extra if host and host not in hosts)
    return hosts
