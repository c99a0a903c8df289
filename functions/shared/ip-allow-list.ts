/** Source-address allow-list (IPv4/IPv6 addresses and CIDR ranges) on node:net's BlockList. */
import { BlockList, isIP } from 'node:net';

export type AllowList = (ip: string | undefined) => boolean;

/** An empty list allows everyone; an entry that is not an address or range is a configuration error. */
export function allowList(entries: string[]): AllowList {
  if (entries.length === 0) return () => true;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits)))
      throw new Error(`Not an IP address or CIDR range: ${entry}`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return (ip) => {
    if (!ip) return false;
    const family = isIP(ip);
    return family !== 0 && list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
  };
}
