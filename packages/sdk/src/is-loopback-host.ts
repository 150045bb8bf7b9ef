const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9a-f]{1,4}$/;

/**
 * Is `host` a loopback host, without resolving any name: `localhost` and `*.localhost` (RFC 6761),
 * 127.0.0.0/8, `::1` and the IPv4-mapped `::ffff:127.x.y.z`, IPv6 with or without brackets
 * (`[::1]`, as `URL.hostname` gives it) and in any spelling (`0:0:0:0:0:0:0:1`, `::ffff:7f00:1`).
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  const name = bare.endsWith('.') ? bare.slice(0, -1) : bare;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const ipv4 = parseIpv4(name);
  if (ipv4 !== undefined) return ipv4[0] === 127;
  const groups = parseIpv6(bare);
  if (groups === undefined) return false;
  const zeros = (from: number, to: number): boolean => groups.slice(from, to).every((group) => group === 0);
  if (zeros(0, 7) && groups[7] === 1) return true;
  return zeros(0, 5) && groups[5] === 0xffff && (groups[6] ?? 0) >> 8 === 127;
}

function parseIpv4(text: string): number[] | undefined {
  const match = IPV4.exec(text);
  if (match === null) return undefined;
  const octets = match.slice(1).map(Number);
  return octets.every((octet) => octet <= 255) ? octets : undefined;
}

/** The eight 16-bit groups of an IPv6 literal (an embedded IPv4 tail counts as two), else undefined. */
function parseIpv6(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = splitGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? splitGroups(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  return [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
}

function splitGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (const [index, part] of parts.entries()) {
    const ipv4 = index === parts.length - 1 ? parseIpv4(part) : undefined;
    if (ipv4 !== undefined) {
      const [a = 0, b = 0, c = 0, d = 0] = ipv4;
      groups.push((a << 8) | b, (c << 8) | d);
    } else if (HEX_GROUP.test(part)) {
      groups.push(Number.parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}
